// QueueConnection: where a deployment's queues live (Redis URL + key prefix) and how we talk to that Redis.
//
// Every queue command (build --redis, worker, status, cancel, resume, dashboard) first proves Redis answers with a
// short, non-retrying probe, so an unreachable or mis-authenticated server is one clear line within seconds instead
// of ioredis's endless reconnect loop. Once a command is running, its long-lived connections retry forever
// (`maxRetriesPerRequest: null`, as BullMQ requires for workers), so a Redis restart in the middle of a build only
// pauses it.
import { Redis, type RedisOptions } from 'ioredis';

export const DEFAULT_PREFIX = 'spatialgen';
const PREFIX_RE = /^[A-Za-z0-9_.-]{1,64}$/;

/** The queues of a deployment: episode jobs, and the per-build `finalize` + `build` jobs. */
export const QUEUES = { episodes: 'episodes', builds: 'builds' } as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const QUEUE_NAMES: readonly QueueName[] = [QUEUES.episodes, QUEUES.builds];

export class QueueSetupError extends Error {
  override name = 'QueueSetupError';
}

export interface QueueTarget {
  /** as given (may hold a password: never print it, use `display`) */
  url: string;
  /** the URL with any password replaced by `***` */
  display: string;
  /** BullMQ key prefix; spatialgen's own keys live under `<prefix>:build:…` next to the queues */
  prefix: string;
  /** the database number of the URL's path (`redis://host:6379/2`), 0 without one */
  db: number;
}

/** Resolves `--redis`/`REDIS_URL` and `--prefix`/`SPATIALGEN_PREFIX`; null when no Redis is named (embedded). */
export function queueTarget(redis: string | undefined, prefix: string | undefined): QueueTarget | null {
  const url = redis || process.env.REDIS_URL || '';
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new QueueSetupError(`--redis ${JSON.stringify(url)} is not a URL (expected redis://[user:password@]host[:port][/db] or rediss://…)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new QueueSetupError(`--redis must be a redis:// or rediss:// URL, not ${parsed.protocol}//…`);
  }
  if (parsed.password) parsed.password = '***';
  // ioredis would send `SELECT NaN` for /abc and crash on the reply: the database is a number or nothing
  const dbPath = parsed.pathname.replace(/^\//, '');
  if (dbPath !== '' && !/^\d{1,9}$/.test(dbPath)) {
    throw new QueueSetupError(`--redis ${parsed.toString()}: the database "${decodeURIComponent(dbPath).slice(0, 40)}" is not a number (redis://host:port/<db>)`);
  }
  const p = prefix || process.env.SPATIALGEN_PREFIX || DEFAULT_PREFIX;
  if (!PREFIX_RE.test(p)) throw new QueueSetupError(`--prefix ${JSON.stringify(p)} must match ${PREFIX_RE}`);
  return { url, display: parsed.toString(), prefix: p, db: dbPath === '' ? 0 : Number(dbPath) };
}

function options(role: string, extra: RedisOptions = {}): RedisOptions {
  return {
    maxRetriesPerRequest: null,
    connectionName: `spatialgen-${role}`,
    // reconnect quickly at first, then every 2 s: a restarted Redis is picked up within seconds
    retryStrategy: (times) => Math.min(100 * 2 ** times, 2000),
    ...extra,
  };
}

/** A long-lived connection for BullMQ classes and our own keys; retries forever while Redis is away. */
export function openRedis(target: QueueTarget, role: string): Redis {
  const r = new Redis(target.url, options(role));
  // ioredis emits 'error' on every failed reconnect; the owner logs outages, an unhandled 'error' would crash
  r.on('error', () => {});
  return r;
}

/**
 * One PING and one SELECT of the URL's database, with no retries: resolves when Redis answers and has that database,
 * else throws one line naming the URL and the cause. (Left to ioredis, a database the server lacks fails its SELECT
 * on every connect, which reads as a lost connection while commands silently go to database 0.)
 */
export async function probeRedis(target: QueueTarget, timeoutMs = 3000): Promise<void> {
  const r = new Redis(target.url, options('probe', { db: 0, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs, lazyConnect: true, enableOfflineQueue: false }));
  let last: Error | undefined;
  r.on('error', (e: Error) => (last ??= e));
  try {
    await withTimeout(r.connect().then(() => r.ping()), timeoutMs + 500);
    try {
      await withTimeout(r.select(target.db), timeoutMs);
    } catch (e) {
      throw new QueueSetupError(`Redis at ${target.display} has no database ${target.db} (${(e as Error).message.split('\n')[0]})`);
    }
  } catch (e) {
    if (e instanceof QueueSetupError) throw e;
    const cause = (last ?? (e as Error)).message.split('\n')[0];
    // reached, but refused: saying "cannot reach" would send the user after the network instead of the password
    if (/WRONGPASS|NOAUTH|NOPERM/.test(cause)) throw new QueueSetupError(`Redis at ${target.display} refused the login: ${cause}`);
    throw new QueueSetupError(`cannot reach Redis at ${target.display}: ${cause}`);
  } finally {
    r.disconnect();
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then((v) => (clearTimeout(t), resolve(v)), (e) => (clearTimeout(t), reject(e)));
  });
}

/** spatialgen's own Redis keys of a build (the queues' keys are BullMQ's, under `<prefix>:<queue>:…`). */
export function buildKeys(prefix: string, buildId: string) {
  const base = `${prefix}:build:${buildId}`;
  return {
    /** hash: config, out, total, state, run, created, error */
    record: base,
    /** bitmap: episode index → fragment committed */
    done: `${base}:done`,
    /** bitmap: episode index → committed as a failed episode */
    failed: `${base}:failed`,
    /** short-lived lock around starting a run, so two waiters recovering a lost build enqueue it once */
    enqueueLock: `${base}:enqueue`,
  };
}

/** Sorted set of every build id at this prefix, scored by creation time (for `status`). */
export const buildIndexKey = (prefix: string) => `${prefix}:builds`;

/**
 * Logs a connection outage once and its end once (not every reconnect attempt), for long-running commands.
 * Returns a function to call with each 'error' / 'ready' event.
 */
export function outageLogger(what: string, target: QueueTarget, write: (line: string) => void = (l) => process.stderr.write(l)) {
  let down = false;
  return {
    error(e: Error) {
      if (down) return;
      down = true;
      write(`spatialgen ${what}: lost Redis at ${target.display} (${e.message.split('\n')[0]}); retrying\n`);
    },
    ready() {
      if (!down) return;
      down = false;
      write(`spatialgen ${what}: Redis at ${target.display} is back\n`);
    },
  };
}
