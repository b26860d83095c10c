// BuildFlow: starting, cancelling and resuming queued builds.
//
// A run enqueues only the episodes the output directory lacks, so `resume` and recovery after Redis lost its data
// both reduce to "start the next run": fragments already committed are kept, counted, and never redone. Everything a
// run enqueues is checked (config, output directory, every payload) before the one FlowProducer transaction that
// writes it, so a bad build leaves nothing behind in Redis.
import { FlowProducer, Job, Queue, type FlowJob } from 'bullmq';
import type { Redis } from 'ioredis';
import { parseBuildConfig, type BuildConfig } from '../schemas/config.js';
import { buildId as buildIdOf, episodeId } from '../generators/episode.js';
import { listFragments } from '../export/fragment.js';
import { writeBuildMarker, workDirOf } from './embedded.js';
import { readBuild, startRun, setState, type BuildRecord } from './build-registry.js';
import { buildKeys, openRedis, QUEUES, type QueueTarget } from './queue-connection.js';
import {
  buildJobOptions, episodeJobId, episodeJobOptions, finalizeJobId, finalizeJobOptions, JOB_KINDS, parsePayload, runJobId,
  type JobKind, type RetryPolicy,
} from './queue-jobs.js';

/** The producer side of a deployment: one connection, the flow producer and the two queues. */
export class QueueClient {
  readonly redis: Redis;
  readonly flows: FlowProducer;
  readonly episodes: Queue;
  readonly builds: Queue;

  constructor(readonly target: QueueTarget) {
    this.redis = openRedis(target, 'client');
    const opts = { connection: this.redis, prefix: target.prefix };
    this.flows = new FlowProducer(opts);
    this.episodes = new Queue(QUEUES.episodes, opts);
    this.builds = new Queue(QUEUES.builds, opts);
    // connection trouble is reported by the command's own outage logger; unhandled 'error' events would crash it
    this.flows.on('error', () => {});
    this.episodes.on('error', () => {});
    this.builds.on('error', () => {});
  }

  async close(): Promise<void> {
    await Promise.all([this.flows.close(), this.episodes.close(), this.builds.close()]);
    await this.redis.quit().catch(() => {});
  }
}

export class BuildControlError extends Error {
  override name = 'BuildControlError';
}

/** State of a run's root job: null when Redis has no such job (never made, expired, or lost with Redis's data). */
export async function runJobState(q: QueueClient, buildId: string, run: number): Promise<string | null> {
  const job = await Job.fromId(q.builds, runJobId(buildId, run));
  if (!job) return null;
  const state = await job.getState();
  return state === 'unknown' ? null : state;
}

/** A run is live while its root job waits on its children or is queued or running. */
export async function runIsLive(q: QueueClient, rec: BuildRecord): Promise<boolean> {
  if (rec.state !== 'running') return false;
  const s = await runJobState(q, rec.buildId, rec.run);
  return s !== null && s !== 'completed' && s !== 'failed';
}

export interface RunStart {
  buildId: string;
  run: number;
  /** episodes enqueued by this run (0 when attached to a live run) */
  enqueued: number;
  /** episodes already committed in the output directory */
  committed: number;
  /** true when the build was already running: nothing was enqueued */
  attached: boolean;
}

async function withEnqueueLock<T>(q: QueueClient, buildId: string, fn: () => Promise<T>): Promise<T> {
  const key = buildKeys(q.target.prefix, buildId).enqueueLock;
  const token = `${process.pid}.${Date.now()}.${Math.random()}`;
  for (let i = 0; ; i++) {
    if (await q.redis.set(key, token, 'PX', 60_000, 'NX')) break;
    if (i >= 300) throw new BuildControlError(`build ${buildId}: another process has been starting it for over a minute`);
    await new Promise((r) => setTimeout(r, 200));
  }
  try {
    return await fn();
  } finally {
    if ((await q.redis.get(key)) === token) await q.redis.del(key);
  }
}

/** What a run of any kind enqueues, worked out under the enqueue lock (so two starters never race). */
export interface RunPlan {
  /** item indices to enqueue */
  items: number[];
  /** items the output already holds (counted done in the record) */
  committed: number[];
  /** of those, the failed ones */
  failed: number[];
}

export interface QueuedRunSpec {
  kind: JobKind;
  id: string;
  /** absolute, and the same on every worker machine */
  outDir: string;
  /** what the jobs need besides their payload, stored once in the record */
  configJson: string;
  total: number;
  retry: RetryPolicy;
  /** the last run a watcher saw (runs only count up) */
  afterRun?: number;
  /** called under the lock when a new run starts (not when attaching to a live one) */
  plan: () => Promise<RunPlan>;
}

/**
 * Starts the next run of a queued flow of any kind — items, their finalize, the root — or attaches to its live run.
 * The payloads are checked first, so a bad one leaves nothing in Redis; the record is written before the flow, so a
 * worker taking an item a moment later finds what it needs.
 */
export async function startQueuedRun(q: QueueClient, spec: QueuedRunSpec): Promise<RunStart> {
  const names = JOB_KINDS[spec.kind];
  const { id, outDir } = spec;
  // the first payload stands for all: the same schema, only the index changes
  parsePayload(names.item, { buildId: id, outDir, index: 0 });
  parsePayload(names.finalize, { buildId: id, outDir, run: 1, total: spec.total });
  return withEnqueueLock(q, id, async () => {
    const rec = await readBuild(q.redis, q.target.prefix, id);
    if (rec && (await runIsLive(q, rec))) {
      if (rec.outDir !== outDir) throw new BuildControlError(`${spec.kind} ${id} is already running into ${rec.outDir}; wait for it or cancel it first`);
      return { buildId: id, run: rec.run, enqueued: 0, committed: 0, attached: true };
    }
    const plan = await spec.plan();
    // runs only count up, even when Redis forgot the last one (`afterRun`: the last run a watcher saw), so a job id
    // of a lost run never names a job of the new one
    const run = Math.max(rec?.run ?? 0, spec.afterRun ?? 0) + 1;
    const flow: FlowJob = {
      name: names.root,
      queueName: QUEUES.builds,
      data: parsePayload(names.root, { buildId: id, outDir, run }),
      opts: { jobId: runJobId(id, run), ...buildJobOptions(spec.retry) },
      children: [{
        name: names.finalize,
        queueName: QUEUES.builds,
        data: parsePayload(names.finalize, { buildId: id, outDir, run, total: spec.total }),
        opts: { jobId: finalizeJobId(id, run), ...finalizeJobOptions(spec.retry) },
        children: plan.items.map((index) => ({
          name: names.item,
          queueName: QUEUES.episodes,
          data: { buildId: id, outDir, index },
          opts: { jobId: episodeJobId(id, run, index), ...episodeJobOptions(spec.retry) },
        })),
      }],
    };
    await startRun(q.redis, q.target.prefix, { buildId: id, kind: spec.kind, configJson: spec.configJson, outDir, total: spec.total, run, created: rec?.created ?? Date.now() },
      plan.committed, plan.failed);
    await q.flows.add(flow);
    return { buildId: id, run, enqueued: plan.items.length, committed: plan.committed.length, attached: false };
  });
}

/**
 * Starts the next run of a build, or attaches to its live run. `outDir` must be absolute and visible here, as on
 * every worker; it must already have passed `checkOutDir` (the caller's job: it knows how to word the refusal).
 */
export async function startBuildRun(q: QueueClient, config: BuildConfig, outDir: string, retry: RetryPolicy, afterRun = 0): Promise<RunStart> {
  const id = buildIdOf(config);
  return startQueuedRun(q, {
    kind: 'build', id, outDir, configJson: JSON.stringify(config), total: config.episodes, retry, afterRun,
    plan: async () => {
      await writeBuildMarker(outDir, id);
      const infos = await listFragments(workDirOf(outDir));
      const have = new Set(infos.map((i) => i.episode.episode_id));
      const items: number[] = [];
      for (let i = 0; i < config.episodes; i++) if (!have.has(episodeId(id, i))) items.push(i);
      return { items, committed: infos.map((i) => i.episode.episode_index), failed: infos.filter((i) => !i.episode.success).map((i) => i.episode.episode_index) };
    },
  });
}

export async function requireBuild(q: QueueClient, buildId: string): Promise<BuildRecord> {
  if (!/^[0-9a-f]{16}$/.test(buildId)) throw new BuildControlError(`${JSON.stringify(buildId)} is not a build id (16 hex digits, as printed by build and status)`);
  const rec = await readBuild(q.redis, q.target.prefix, buildId);
  if (!rec) throw new BuildControlError(`no build ${buildId} at ${q.target.display} (prefix ${q.target.prefix})`);
  return rec;
}

export function recordConfig(rec: BuildRecord): BuildConfig {
  if (rec.kind !== 'build') throw new BuildControlError(`${rec.buildId} is a queued ${rec.kind}, not a build; run the ${rec.kind} command again to complete it`);
  return parseBuildConfig(JSON.parse(rec.configJson), `build ${rec.buildId}`);
}

/**
 * Cancel: the build is marked cancelled (a worker skips any of its episodes it takes from now on) and its episodes
 * still waiting or delayed are removed in one atomic step. Episodes already running finish and stay committed.
 */
export async function cancelBuild(q: QueueClient, buildId: string): Promise<{ removed: number; running: number }> {
  const rec = await requireBuild(q, buildId);
  if (rec.state === 'done') throw new BuildControlError(`build ${buildId} is complete (${rec.outDir}); nothing to cancel`);
  await setState(q.redis, q.target.prefix, buildId, 'cancelled');
  const finalize = await Job.fromId(q.builds, finalizeJobId(buildId, rec.run));
  if (!finalize) return { removed: 0, running: 0 };
  const before = (await finalize.getDependenciesCount({ unprocessed: true })).unprocessed ?? 0;
  await finalize.removeUnprocessedChildren();
  const running = (await finalize.getDependenciesCount({ unprocessed: true })).unprocessed ?? 0;
  return { removed: before - running, running };
}
