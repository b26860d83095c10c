// Queue test fixtures: the real CLI as background processes (workers, waiting builds, dashboards), private Redis
// servers that tests may crash and restart, and readers for what a build left behind. Everything listens on
// 127.0.0.1; every process a test starts is tracked here and killed by pid when the test file ends.
import { createHash } from 'node:crypto';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { CLI, type CliResult } from './build-fixture.js';
import { readArrowStream } from './arrow-read.js';

export const REDIS_6379 = 'redis://127.0.0.1:6379';

const prefixes = new Set<string>();

/** A key prefix no other test run shares, so tests on the shared Redis never see each other's builds; its keys on
 * REDIS_6379 go when the test file ends (`cleanUp`). */
export function testPrefix(name: string): string {
  const p = `sgtest-${name}-${process.pid}-${Date.now().toString(36)}`;
  prefixes.add(p);
  return p;
}

export interface Proc {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  /** resolves with the exit status (or 128 + signal number style null → -1) */
  exited: Promise<CliResult>;
}

const procs = new Set<ChildProcess>();

/** `spatialgen …` from source as a background process. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: { ...process.env, REDIS_URL: '', SPATIALGEN_PREFIX: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  procs.add(child);
  const p: Proc = { child, stdout: '', stderr: '', exited: undefined as unknown as Promise<CliResult> };
  child.stdout!.on('data', (d: Buffer) => (p.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (p.stderr += d.toString()));
  p.exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      procs.delete(child);
      resolve({ status: code ?? (signal ? -1 : null), stdout: p.stdout, stderr: p.stderr });
    });
  });
  return p;
}

export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 300_000): Promise<CliResult> {
  const p = startCli(args, env);
  const t = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
  try {
    return await p.exited;
  } finally {
    clearTimeout(t);
  }
}

/** Waits until `cond()` holds, polling; fails with `what` after timeoutMs. */
export async function waitFor<T>(what: string, cond: () => T | Promise<T>, timeoutMs = 120_000, everyMs = 200): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A `spatialgen worker`, returned once it serves the queues. */
export async function startWorker(redis: string, prefix: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Proc> {
  const w = startCli(['worker', '--redis', redis, '--prefix', prefix, '--lock-ms', '3000', ...extra], env);
  await waitFor('worker to start', () => w.stdout.includes('serving') || w.child.exitCode !== null, 60_000);
  if (!w.stdout.includes('serving')) throw new Error(`worker did not start: ${w.stderr}`);
  return w;
}

/** Pids of a process's direct children (a worker's sandboxed job processes). */
export function childPids(pid: number): number[] {
  const r = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

/** Kills every process this test file started that is still running (by pid, never by name). */
export function killAll(): void {
  for (const c of procs) {
    for (const pid of c.pid ? childPids(c.pid) : []) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    c.kill('SIGKILL');
  }
}

/** The end of a queue test file: every process it started killed, every key under its prefixes removed. */
export async function cleanUp(): Promise<void> {
  killAll();
  for (const p of prefixes) await dropPrefix(REDIS_6379, p).catch(() => {});
}

/** A TCP port free on 127.0.0.1 right now (for private Redis servers: never a fixed port another test may hold). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A private redis-server that a test may crash and restart; persistence off unless a dir is given. */
export class TestRedis {
  private proc: ChildProcess | null = null;
  constructor(readonly port: number, readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir], { stdio: 'ignore' });
    procs.add(this.proc);
    const r = new Redis(this.url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    r.on('error', () => {});
    await waitFor(`redis on ${this.port}`, async () => {
      try {
        if (r.status !== 'ready') await r.connect();
        return (await r.ping()) === 'PONG';
      } catch {
        r.disconnect();
        return false;
      }
    }, 10_000, 100);
    r.disconnect();
  }

  /** A crash: the server dies; with `lose`, the snapshot an earlier shutdownSave left is deleted too, so every key
   * is gone when it comes back (without it, Redis comes back from that older snapshot). */
  async crash(lose = true): Promise<void> {
    const p = this.proc;
    if (!p) return;
    const gone = new Promise((res) => p.once('exit', res));
    p.kill('SIGKILL');
    await gone;
    procs.delete(p);
    this.proc = null;
    if (lose) rmSync(join(this.dir, 'dump.rdb'), { force: true });
  }

  /** A maintenance restart: SHUTDOWN SAVE writes the data, the next start loads it. */
  async shutdownSave(): Promise<void> {
    const p = this.proc;
    if (!p) return;
    const gone = new Promise((res) => p.once('exit', res));
    spawnSync('redis-cli', ['-p', String(this.port), 'shutdown', 'save']);
    await gone;
    procs.delete(p);
    this.proc = null;
  }
}

/** Removes every key under a test prefix. */
export async function dropPrefix(url: string, prefix: string): Promise<void> {
  const r = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  r.on('error', () => {});
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await r.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}

export async function keyCount(url: string, prefix: string): Promise<number> {
  const r = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  r.on('error', () => {});
  try {
    let cursor = '0';
    let n = 0;
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      n += keys.length;
      cursor = next;
    } while (cursor !== '0');
    return n;
  } finally {
    r.disconnect();
  }
}

export interface EpisodeRow {
  episode_id: string;
  episode_index: number;
  success: boolean;
  failure_reason: string | null;
  content_hash: string;
}

export function episodesOf(dir: string): EpisodeRow[] {
  return readArrowStream(join(dir, 'episodes.arrow')).rows() as unknown as EpisodeRow[];
}

/** Every dataset file but manifest.json (whose code_version names the git HEAD of the moment). */
export function datasetFiles(dir: string): string[] {
  return ['episodes.arrow', 'stats.json', ...['stage1', 'stage2'].flatMap((k) => (existsSync(join(dir, k)) ? readdirSync(join(dir, k)).sort().map((f) => `${k}/${f}`) : []))];
}

/** The manifest without its code version: equal for equal builds whatever was committed in between. */
export function manifestSansCode(dir: string): unknown {
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  delete m.code_version;
  return m;
}

export interface StatusRow {
  build_id: string;
  state: string;
  run: number;
  out: string;
  total: number;
  done: number;
  failed: number;
  live: boolean;
}

export async function statusJson(redis: string, prefix: string, env: NodeJS.ProcessEnv = {}): Promise<StatusRow[]> {
  const r = await runCli(['status', '--redis', redis, '--prefix', prefix, '--json'], env, 60_000);
  if (r.status !== 0) throw new Error(`status failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as StatusRow[];
}

/** Episodes done / failed of a build, read straight from its bitmaps (no CLI start-up per poll). */
export async function buildCounts(url: string, prefix: string, buildId: string): Promise<{ done: number; failed: number; state: string | null; active: number }> {
  const r = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  r.on('error', () => {});
  try {
    const k = `${prefix}:build:${buildId}`;
    const [done, failed, state, active] = await Promise.all([r.bitcount(`${k}:done`), r.bitcount(`${k}:failed`), r.hget(k, 'state'), r.llen(`${prefix}:episodes:active`)]);
    return { done, failed, state, active };
  } finally {
    r.disconnect();
  }
}

/** Ids of the jobs active in a queue now (any worker). */
export async function activeJobs(url: string, prefix: string, queue: 'episodes' | 'builds'): Promise<string[]> {
  const r = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  r.on('error', () => {});
  try {
    return await r.lrange(`${prefix}:${queue}:active`, 0, -1);
  } finally {
    r.disconnect();
  }
}

/** Ids of the episode jobs a given worker process (`spatialgen worker`, named host:pid) is running now. */
export async function jobsRunBy(url: string, prefix: string, pid: number): Promise<string[]> {
  const r = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  r.on('error', () => {});
  try {
    const active = await r.lrange(`${prefix}:episodes:active`, 0, -1);
    const by = await Promise.all(active.map((id) => r.hget(`${prefix}:episodes:${id}`, 'pb')));
    return active.filter((_, i) => by[i] === `${hostname()}:${pid}`);
  } finally {
    r.disconnect();
  }
}

/** sha256 of every file under dir, by relative path (sorted walk), leaving out the relative paths in `skip`. */
export function fileHashes(dir: string, skip: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (!skip.includes(relative(dir, p))) out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}
