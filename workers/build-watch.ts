// BuildProgress: waiting for a queued build, with live counts.
//
// Episode completions arrive as QueueEvents (a Redis stream, so nothing is missed across a reconnect) and are
// filtered to this build by job id. Once a second the build's record and bitmaps are read as well: they are the
// authority (an episode counted by both is counted once, by index), they catch up a watcher started mid-build, and
// they notice when Redis lost the build (a restart without persistence) — then the watcher, which knows the config,
// starts the next run from what the output directory holds, and the build goes on.
import { Job, QueueEvents } from 'bullmq';
import type { BuildConfig } from '../schemas/config.js';
import { bitmapIndices, readBuildState } from './build-registry.js';
import { runJobState, startBuildRun, type QueueClient } from './build-flow.js';
import { buildKeys, QUEUES } from './queue-connection.js';
import { deferredFailureChild, parseItemJobId, runJobId, stageOf, type ItemResult, type RetryPolicy } from './queue-jobs.js';

export interface Progress {
  done: number;
  failed: number;
  total: number;
  /** episodes per minute since the watch began */
  perMinute: number;
  /** seconds left at that rate; null until there is a rate */
  etaSeconds: number | null;
}

export interface WatchOptions {
  total: number;
  onProgress?: (p: Progress) => void;
  /** a line worth telling the user (recovery, outages) */
  onNote?: (line: string) => void;
  /** with these, a build that Redis lost is started again (next run) instead of reported lost */
  recover?: { config: BuildConfig; outDir: string; retry: RetryPolicy };
  pollMs?: number;
}

export interface WatchResult {
  state: 'done' | 'cancelled' | 'failed';
  error?: string;
}

/**
 * Why a run's root job failed: BullMQ's "child … failed" followed down the flow to the job that failed itself, as
 * `<stage>: <reason>` (what the worker that ran it records, should this watcher see the root fail first).
 */
async function failureCause(q: QueueClient, rootId: string): Promise<string> {
  let job = await Job.fromId(q.builds, rootId);
  let reason = job?.failedReason ?? 'the build job failed';
  // root ← finalize ← shard: at most two steps down
  for (let depth = 0; job && depth < 3; depth++) {
    const child = deferredFailureChild(job.failedReason);
    if (!child) break;
    job = await Job.fromId(child.queue === QUEUES.episodes ? q.episodes : q.builds, child.jobId);
    if (job?.failedReason) reason = `${stageOf(job.name)?.stage ?? job.name}: ${job.failedReason}`;
  }
  return reason;
}

export async function watchBuild(q: QueueClient, buildId: string, opts: WatchOptions): Promise<WatchResult> {
  const done = new Set<number>();
  const failed = new Set<number>();
  const started = Date.now();
  const initial = { n: -1 };
  let last = '';
  const report = () => {
    if (initial.n < 0) initial.n = done.size;
    const minutes = (Date.now() - started) / 60_000;
    const perMinute = minutes > 0 ? (done.size - initial.n) / minutes : 0;
    const left = opts.total - done.size;
    const p: Progress = { done: done.size, failed: failed.size, total: opts.total, perMinute, etaSeconds: perMinute > 0 ? (left / perMinute) * 60 : null };
    const key = `${p.done}/${p.failed}`;
    if (key !== last) {
      last = key;
      opts.onProgress?.(p);
    }
  };

  const events = new QueueEvents(QUEUES.episodes, { connection: q.redis, prefix: q.target.prefix });
  events.on('error', () => {});
  events.on('completed', ({ jobId, returnvalue }) => {
    const e = parseItemJobId(jobId);
    if (!e || e.buildId !== buildId) return;
    let r: ItemResult | null = null;
    try {
      r = (typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as ItemResult;
    } catch {
      return;
    }
    if (!r || r.skipped) return;
    done.add(e.index);
    if (!r.success) failed.add(e.index);
    report();
  });
  // out of retries: its shard job will record it as a failed episode
  events.on('retries-exhausted', ({ jobId }) => {
    const e = parseItemJobId(jobId);
    if (!e || e.buildId !== buildId) return;
    done.add(e.index);
    failed.add(e.index);
    report();
  });

  const keys = buildKeys(q.target.prefix, buildId);
  const poll = opts.pollMs ?? 1000;
  let lastRun = 0;
  try {
    for (;;) {
      for (const i of await bitmapIndices(q.redis, keys.done)) done.add(i);
      for (const i of await bitmapIndices(q.redis, keys.failed)) failed.add(i);
      report();
      const { state, run } = await readBuildState(q.redis, q.target.prefix, buildId);
      lastRun = Math.max(lastRun, run);
      if (state === 'done') return { state };
      if (state === 'cancelled') return { state };
      if (state === 'failed') return { state, error: (await q.redis.hget(keys.record, 'error')) ?? 'failed' };
      const runState = state === null ? null : await runJobState(q, buildId, run);
      if (runState === 'failed') return { state: 'failed', error: await failureCause(q, runJobId(buildId, run)) };
      if (state === null || runState === null) {
        // Redis no longer has this build (restarted without its data, or flushed)
        if (!opts.recover) return { state: 'failed', error: `Redis at ${q.target.display} no longer has build ${buildId}; \`spatialgen resume\` cannot help, run \`spatialgen build\` again` };
        const r = await startBuildRun(q, opts.recover.config, opts.recover.outDir, opts.recover.retry, lastRun);
        if (!r.attached) opts.onNote?.(`Redis lost build ${buildId}; started run ${r.run} with the ${r.enqueued} episode${r.enqueued === 1 ? '' : 's'} not yet committed (${r.committed} kept)`);
      }
      await new Promise((res) => setTimeout(res, poll));
    }
  } finally {
    await events.close().catch(() => {});
  }
}
