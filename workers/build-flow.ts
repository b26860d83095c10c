// BuildFlow: starting, cancelling and resuming queued builds.
//
// A run enqueues only the episodes the output directory lacks, so `resume` and recovery after Redis lost its data
// both reduce to "start the next run": fragments already committed are kept, counted, and never redone. Everything a
// run enqueues is checked (config, output directory, every payload) before the one FlowProducer transaction that
// writes it, so a bad build leaves nothing behind in Redis.
import { FlowProducer, Job, Queue, type FlowJob } from 'bullmq';
import type { Redis } from 'ioredis';
import { parseBuildConfig, type BuildConfig } from '../schemas/config.js';
import { buildId as buildIdOf, episodeId } from '../schemas/identity.js';
import { listFragments } from '../export/fragment.js';
import { readGroupRecord } from '../export/shard-group.js';
import { readBuild, startRun, setState, type BuildRecord } from './build-registry.js';
import { buildKeys, openRedis, QUEUES, type QueueTarget } from './queue-connection.js';
import {
  buildJobOptions, itemJobId, itemJobOptions, finalizeJobId, finalizeJobOptions, JOB_KINDS, parsePayload, runJobId, shardJobId, shardStageOf,
  type JobKind, type RetryPolicy,
} from './queue-jobs.js';
import { shardGroups } from '../schemas/identity.js';
import { workDirOf, writeBuildMarker } from './work-dir.js';
import { withTrainParent } from './train-queue.js';

/**
 * The producer side of a deployment: one connection, the flow producer and the two queues. A BullMQ Queue writes its
 * queue's meta key as soon as it connects, so the queue objects are made on first use: a command that refuses its
 * input before it touches a queue has written nothing to Redis, by construction rather than by timing.
 */
export class QueueClient {
  readonly redis: Redis;
  private readonly made: { flows?: FlowProducer } = {};
  private readonly queues = new Map<string, Queue>();

  constructor(readonly target: QueueTarget) {
    this.redis = openRedis(target, 'client');
  }

  private opts() {
    return { connection: this.redis, prefix: this.target.prefix };
  }

  /** connection trouble is reported by the command's own outage logger; unhandled 'error' events would crash it */
  private static quiet<T extends FlowProducer | Queue>(x: T): T {
    (x as unknown as NodeJS.EventEmitter).on('error', () => {});
    return x;
  }

  get flows(): FlowProducer {
    return (this.made.flows ??= QueueClient.quiet(new FlowProducer(this.opts())));
  }

  get episodes(): Queue {
    return this.queue(QUEUES.episodes);
  }

  get builds(): Queue {
    return this.queue(QUEUES.builds);
  }

  /** Any queue of this deployment by name (the `train-<k>gpu` queues too), made on first use. */
  queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) this.queues.set(name, (q = QueueClient.quiet(new Queue(name, this.opts()))));
    return q;
  }

  async close(): Promise<void> {
    await Promise.all([...Object.values(this.made), ...this.queues.values()].map((x) => x.close()));
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

/** A shard group still to pack in this run, with those of its items the output lacks (possibly none). */
export interface PlannedGroup {
  split: string;
  group: number;
  items: number[];
}

/** What a run of any kind enqueues, worked out under the enqueue lock (so two starters never race). */
export type RunPlan = {
  /** items the output already holds (counted done in the record) */
  committed: number[];
  /** of those, the failed ones */
  failed: number[];
} & (
  /** kinds without a shard stage: item indices to enqueue as finalize's children */
  | { items: number[] }
  /** kinds with one: the uncommitted groups, each a shard job whose children are its items */
  | { groups: PlannedGroup[] }
);

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
  /** a training job (workers/train-queue.ts) to start when the run completes; later runs keep the one recorded */
  train?: string;
}

/** The children of a run's finalize job: its items, or shard jobs whose children are the items. */
function finalizeChildren(spec: QueuedRunSpec, run: number, plan: RunPlan): { children: FlowJob[]; enqueued: number } {
  const names = JOB_KINDS[spec.kind];
  const { id: buildId, outDir } = spec;
  const itemJob = (index: number): FlowJob => ({
    name: names.item,
    queueName: QUEUES.episodes,
    data: { buildId, outDir, index },
    opts: { jobId: itemJobId(buildId, run, index), ...itemJobOptions(spec.retry) },
  });
  const shard = shardStageOf(spec.kind);
  if ('items' in plan) {
    if (shard) throw new Error(`internal: a ${spec.kind} run must be planned in shard groups`);
    return { children: plan.items.map(itemJob), enqueued: plan.items.length };
  }
  if (!shard) throw new Error(`internal: a ${spec.kind} run has no shard stage`);
  return {
    children: plan.groups.map((g) => ({
      name: shard,
      queueName: QUEUES.builds,
      data: parsePayload(shard, { buildId, outDir, run, split: g.split, group: g.group }),
      opts: { jobId: shardJobId(buildId, run, g.split, g.group), ...finalizeJobOptions(spec.retry) },
      children: g.items.map(itemJob),
    })),
    enqueued: plan.groups.reduce((n, g) => n + g.items.length, 0),
  };
}

/**
 * Starts the next run of a queued flow of any kind — items (under their shard jobs, for kinds that have them),
 * finalize, the root — or attaches to its live run. The payloads are checked first, so a bad one leaves nothing in
 * Redis; the record is written before the flow, so a worker taking an item a moment later finds what it needs.
 */
export async function startQueuedRun(q: QueueClient, spec: QueuedRunSpec): Promise<RunStart> {
  const names = JOB_KINDS[spec.kind];
  const { id, outDir } = spec;
  // the first payload stands for all: the same schema, only the index changes (shard payloads are checked each)
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
    const { children, enqueued } = finalizeChildren(spec, run, plan);
    const runFlow: FlowJob = {
      name: names.root,
      queueName: QUEUES.builds,
      data: parsePayload(names.root, { buildId: id, outDir, run }),
      opts: { jobId: runJobId(id, run), ...buildJobOptions(spec.retry) },
      children: [{
        name: names.finalize,
        queueName: QUEUES.builds,
        data: parsePayload(names.finalize, { buildId: id, outDir, run, total: spec.total }),
        opts: { jobId: finalizeJobId(id, run), ...finalizeJobOptions(spec.retry) },
        children,
      }],
    };
    const train = spec.train ?? rec?.train;
    const flow = (train && (await withTrainParent(q, train, runFlow))) || runFlow;
    await startRun(q.redis, q.target.prefix, {
      buildId: id, kind: spec.kind, configJson: spec.configJson, outDir, total: spec.total, run, created: rec?.created ?? Date.now(), ...(train ? { train } : {}),
    }, plan.committed, plan.failed);
    await q.flows.add(flow);
    return { buildId: id, run, enqueued, committed: plan.committed.length, attached: false };
  });
}

/**
 * Starts the next run of a build, or attaches to its live run. `outDir` must be absolute and visible here, as on
 * every worker; it must already have passed `checkOutDir` (the caller's job: it knows how to word the refusal).
 */
export async function startBuildRun(q: QueueClient, config: BuildConfig, outDir: string, retry: RetryPolicy, afterRun = 0, train?: string): Promise<RunStart> {
  const id = buildIdOf(config);
  return startQueuedRun(q, {
    kind: 'build', id, outDir, configJson: JSON.stringify(config), total: config.episodes, retry, afterRun, ...(train ? { train } : {}),
    plan: async () => {
      await writeBuildMarker(outDir, id);
      const workDir = workDirOf(outDir);
      const infos = await listFragments(workDir);
      const have = new Set(infos.map((i) => i.episode.episode_id));
      // a committed group is packed for good (finalize may have moved its parts already); the others get a shard
      // job, with the episodes they still lack as its children
      const groups: PlannedGroup[] = [];
      for (const g of shardGroups(config)) {
        if (await readGroupRecord(workDir, g)) continue;
        groups.push({ split: g.split, group: g.group, items: g.indices.filter((i) => !have.has(episodeId(id, i))) });
      }
      return { groups, committed: infos.map((i) => i.episode.episode_index), failed: infos.filter((i) => !i.episode.success).map((i) => i.episode.episode_index) };
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
 * The jobs whose children are a run's items: its finalize, or, for kinds with a shard stage, those of finalize's
 * shard jobs that are still waiting for items. Null when Redis no longer has the run's finalize.
 */
async function itemParents(q: QueueClient, rec: BuildRecord): Promise<Job[] | null> {
  const finalize = await Job.fromId(q.builds, finalizeJobId(rec.buildId, rec.run));
  if (!finalize) return null;
  if (!shardStageOf(rec.kind)) return [finalize];
  const ids = new Set<string>();
  let cursor = 0;
  do {
    const d = await finalize.getDependencies({ unprocessed: { cursor, count: 1000 } });
    // keys are `<prefix>:<queue>:<job id>`; job ids never hold ':'
    for (const key of d.unprocessed ?? []) ids.add(key.slice(key.lastIndexOf(':') + 1));
    cursor = d.nextUnprocessedCursor ?? 0;
  } while (cursor !== 0);
  const jobs = await Promise.all([...ids].sort().map((jid) => Job.fromId(q.builds, jid)));
  return jobs.filter((j): j is Job => j !== undefined);
}

/** Items of a run still queued or running (its item parents' unprocessed children). */
export async function pendingItems(q: QueueClient, rec: BuildRecord): Promise<number> {
  let n = 0;
  for (const p of (await itemParents(q, rec)) ?? []) n += (await p.getDependenciesCount({ unprocessed: true })).unprocessed ?? 0;
  return n;
}

/**
 * Cancel: the build is marked cancelled (a worker skips any of its jobs it takes from now on) and its episodes
 * still waiting or delayed are removed, in one atomic step per shard job (BullMQ's removeUnprocessedChildren on
 * finalize would remove the shard jobs themselves, stranding running episodes without a parent). Episodes already
 * running finish and stay committed; a shard job left without children runs, sees the cancelled state and skips.
 */
export async function cancelBuild(q: QueueClient, buildId: string): Promise<{ removed: number; running: number }> {
  const rec = await requireBuild(q, buildId);
  if (rec.state === 'done') throw new BuildControlError(`build ${buildId} is complete (${rec.outDir}); nothing to cancel`);
  await setState(q.redis, q.target.prefix, buildId, 'cancelled');
  let removed = 0;
  let running = 0;
  for (const parent of (await itemParents(q, rec)) ?? []) {
    const before = (await parent.getDependenciesCount({ unprocessed: true })).unprocessed ?? 0;
    if (before === 0) continue;
    await parent.removeUnprocessedChildren();
    const left = (await parent.getDependenciesCount({ unprocessed: true })).unprocessed ?? 0;
    removed += before - left;
    running += left;
  }
  return { removed, running };
}
