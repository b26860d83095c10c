// BuildRecord: what Redis knows about a queued build besides its jobs — the resolved config (sent once, here), the
// output directory, the episode count, the state, the current run, and two bitmaps of committed / failed episodes.
//
// Bitmaps rather than counters: marking episode i done twice (a job re-run after a stall) is SETBIT of a bit already
// set, so `status` counts are exact whatever ran twice.
import type { Redis } from 'ioredis';
import { buildIndexKey, buildKeys } from './queue-connection.js';
import { JOB_KINDS, type JobKind } from './queue-jobs.js';

export const BUILD_STATES = ['running', 'cancelled', 'done', 'failed'] as const;
export type BuildState = (typeof BUILD_STATES)[number];

export interface BuildRecord {
  buildId: string;
  /** what the run's jobs do: a build (the default), a convert or an asset import (workers/queue-jobs.ts) */
  kind: JobKind;
  /** a build's resolved config; a convert's spec; an import's model list and options */
  configJson: string;
  outDir: string;
  total: number;
  state: BuildState;
  /** 1 for the first flow; each resume (or recovery after Redis lost the build) starts the next */
  run: number;
  created: number;
  error?: string;
  /** the training job its completion starts (`build --train-cmd`) */
  train?: string;
}

export async function readBuild(r: Redis, prefix: string, buildId: string): Promise<BuildRecord | null> {
  const h = await r.hgetall(buildKeys(prefix, buildId).record);
  if (!h.config) return null;
  return {
    buildId,
    kind: kindOf(h.kind),
    configJson: h.config,
    outDir: h.out,
    total: Number(h.total),
    state: (BUILD_STATES as readonly string[]).includes(h.state) ? (h.state as BuildState) : 'failed',
    run: Number(h.run ?? 0),
    created: Number(h.created ?? 0),
    ...(h.error ? { error: h.error } : {}),
    ...(h.train ? { train: h.train } : {}),
  };
}

const kindOf = (k: string | null | undefined): JobKind => (k && k in JOB_KINDS ? (k as JobKind) : 'build');

/** Only the fields a worker checks before every job: one round trip. */
export async function readBuildState(r: Redis, prefix: string, buildId: string): Promise<{ state: BuildState | null; run: number; kind: JobKind; outDir: string | null }> {
  const [state, run, kind, out] = await r.hmget(buildKeys(prefix, buildId).record, 'state', 'run', 'kind', 'out');
  return { state: state as BuildState | null, run: Number(run ?? 0), kind: kindOf(kind), outDir: out };
}

/** Records (or re-records) the build and makes `run` its current run, in one transaction. */
export async function startRun(r: Redis, prefix: string, rec: Omit<BuildRecord, 'state' | 'error'>, committed: number[], failed: number[]): Promise<void> {
  const k = buildKeys(prefix, rec.buildId);
  const m = r.multi()
    .hset(k.record, { kind: rec.kind, config: rec.configJson, out: rec.outDir, total: String(rec.total), state: 'running', run: String(rec.run), created: String(rec.created), ...(rec.train ? { train: rec.train } : {}) })
    .hdel(k.record, 'error')
    .zadd(buildIndexKey(prefix), 'NX', rec.created, rec.buildId);
  // what the output directory already holds counts as done, so status is right after a resume or a lost Redis
  for (const i of committed) m.setbit(k.done, i, 1);
  for (const i of failed) m.setbit(k.failed, i, 1);
  await m.exec();
}

export async function setState(r: Redis, prefix: string, buildId: string, state: BuildState, error?: string): Promise<void> {
  const k = buildKeys(prefix, buildId).record;
  if (error) await r.hset(k, { state, error: error.split('\n')[0] });
  else await r.multi().hset(k, { state }).hdel(k, 'error').exec();
}

/** Marks an episode committed (and failed, for a failed episode); idempotent. */
export async function markEpisode(r: Redis, prefix: string, buildId: string, index: number, success: boolean): Promise<void> {
  const k = buildKeys(prefix, buildId);
  const m = r.multi().setbit(k.done, index, 1);
  if (!success) m.setbit(k.failed, index, 1);
  await m.exec();
}

export async function episodeCounts(r: Redis, prefix: string, buildId: string): Promise<{ done: number; failed: number }> {
  const k = buildKeys(prefix, buildId);
  const [[, done], [, failed]] = (await r.multi().bitcount(k.done).bitcount(k.failed).exec()) as [[null, number], [null, number]];
  return { done, failed };
}

/** Indices whose bit is set in a bitmap key (Redis bitmaps are big-endian within each byte). */
export async function bitmapIndices(r: Redis, key: string): Promise<number[]> {
  const buf = await r.getBuffer(key);
  const out: number[] = [];
  if (!buf) return out;
  for (let byte = 0; byte < buf.length; byte++) {
    if (buf[byte] === 0) continue;
    for (let bit = 0; bit < 8; bit++) if ((buf[byte] as number) & (0x80 >> bit)) out.push(byte * 8 + bit);
  }
  return out;
}

/** Build ids at this prefix, oldest first. */
export async function listBuildIds(r: Redis, prefix: string): Promise<string[]> {
  return r.zrange(buildIndexKey(prefix), '0', '-1');
}
