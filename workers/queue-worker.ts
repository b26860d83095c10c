// QueueWorker: BullMQ workers for the `episodes` and `builds` queues, serving every run at one Redis prefix: builds,
// queued converts and asset imports alike (their jobs have the same four shapes, workers/queue-jobs.ts).
//
// Jobs run in sandboxed child processes (workers/queue-processor.ts), `concurrency` of them at once, so a native or
// wasm crash kills a child, not the worker. The worker's own process does the Redis side of each job before and
// after the child runs it: payload check, the build's state (a cancelled build's episodes are skipped), its config
// (cached: a build id is the hash of its config, so the text never changes), and the done/failed bitmaps.
//
// Locks: the worker's main process renews each job's lock every lockMs/2 while the child works, so an episode may
// take far longer than lockMs. lockMs only bounds how long a dead worker's episodes wait before another worker takes
// them (at most lockMs + the stall-check interval of lockMs/2), which is why it is short next to an episode's time.
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker, type Job, type JobJson } from 'bullmq';
import type { Redis } from 'ioredis';
import { readBuildState, markEpisode, setState } from './build-registry.js';
import { openRedis, outageLogger, QUEUES, type QueueName, type QueueTarget } from './queue-connection.js';
import { deferredFailureChild, itemParentStage, parseItemJobId, parsePayload, stageOf, type ItemResult, type JobName } from './queue-jobs.js';
import type { SandboxInput } from './queue-processor.js';
import { UnrecoverableJobError } from './job-errors.js';

const fromSource = import.meta.url.endsWith('.ts');
// under tsx the sources are .ts, once built .js (as workers/embedded.ts finds episode-child)
export const PROCESSOR_PATH = fileURLToPath(new URL(`./queue-processor${fromSource ? '.ts' : '.js'}`, import.meta.url));

export interface WorkerSettings {
  /** episode jobs run at once (= sandboxed child processes) */
  concurrency: number;
  queues: readonly QueueName[];
  /** job lock duration in ms (default 30 000); see the header */
  lockMs: number;
  /** a different processor file (benchmarks: a no-op processor to measure the queue alone) */
  processorPath?: string;
  log?: (line: string) => void;
}

export const DEFAULT_LOCK_MS = 30_000;

/** marks the stand-in payload of a job whose stored data is not JSON (no real payload has this key) */
const NOT_JSON = '__spatialgen_data_not_json';

interface Skip {
  skipped: string;
}

export class QueueWorker {
  private readonly workers: Worker[] = [];
  private readonly redis: Redis;
  private readonly configs = new Map<string, string>();
  private fatal: ((reason: string) => void) | undefined;
  /** resolves with a reason when this machine cannot run jobs (no renderer, disk full) */
  readonly fatalReason: Promise<string>;
  private closing: Promise<void> | undefined;

  constructor(private readonly target: QueueTarget, private readonly settings: WorkerSettings) {
    this.redis = openRedis(target, 'worker');
    this.fatalReason = new Promise((resolve) => (this.fatal = resolve));
    const log = settings.log ?? ((l: string) => process.stdout.write(l));
    const outage = outageLogger('worker', target, log);
    const processor = settings.processorPath ?? PROCESSOR_PATH;
    // the child must load .ts sources through tsx when we run from source and our parent did not pass it on
    const needsTsx = processor.endsWith('.ts') && !process.execArgv.some((a) => a.includes('tsx'));
    const around = (job: Job, runChild: (input: SandboxInput) => Promise<unknown>) => this.around(job, runChild);
    for (const queue of settings.queues) {
      const w = new (class extends Worker {
        // BullMQ parses a job's data when it takes the job; data that is not JSON throws there, before any processor
        // runs, so the job is neither failed nor finished: it stalls and is taken again forever. Taken here as a job
        // whose payload says so, it fails at once, like any other malformed job.
        protected override createJob(data: JobJson, jobId: string): Job {
          try {
            return super.createJob(data, jobId);
          } catch (e) {
            return super.createJob({ ...data, data: JSON.stringify({ [NOT_JSON]: (e as Error).message.split('\n')[0] }) }, jobId);
          }
        }

        protected override callProcessJob(job: Job, token: string, signal?: AbortSignal): Promise<unknown> {
          return around(job, (input) => {
            const saved = job.data;
            job.data = input; // only what the child receives; never written back to Redis
            return super.callProcessJob(job, token, signal).finally(() => (job.data = saved));
          });
        }
      })(queue, processor, {
        connection: this.redis,
        prefix: target.prefix,
        name: `${hostname()}:${process.pid}`,
        concurrency: queue === QUEUES.episodes ? settings.concurrency : Math.max(1, Math.min(settings.concurrency, 2)),
        lockDuration: settings.lockMs,
        stalledInterval: Math.max(1000, Math.round(settings.lockMs / 2)),
        // a worker SIGKILLed several times over the same episode must not fail it: episodes are idempotent
        maxStalledCount: 5,
        useWorkerThreads: false,
        ...(needsTsx ? { workerForkOptions: { execArgv: [...process.execArgv, '--import', 'tsx'] } } : {}),
      });
      w.on('error', (e) => outage.error(e));
      w.on('ready', () => outage.ready());
      w.on('completed', (job, result: ItemResult | Skip | undefined) => {
        if (result && 'skipped' in result) log(`${job.name} ${job.id}: skipped (${result.skipped})\n`);
        else log(`${job.name} ${job.id}: done${stageOf(job.name)?.stage === 'item' && !(result as ItemResult).success ? (job.name === 'episode' ? ' (failed episode)' : ' (failed)') : ''} in ${(((job.finishedOn ?? Date.now()) - (job.processedOn ?? Date.now())) / 1000).toFixed(1)} s\n`);
      });
      w.on('failed', (job, err) => {
        const final = job && (err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1));
        log(`${job?.name ?? 'job'} ${job?.id ?? '?'}: ${final ? 'failed' : 'attempt failed, will retry'}: ${err.message.split('\n')[0]}\n`);
        if (err.message.startsWith('environment: ')) this.fatal?.(err.message.slice('environment: '.length));
        // a packing step (shard job, finalize) out of retries fails the run: the record says why, for `build` and
        // `status`. Its parents then fail too (failParentOnFailure), each with "child … failed" when a worker takes
        // it: that says nothing new, and must not overwrite the reason.
        const stage = job ? stageOf(job.name)?.stage : undefined;
        if (final && job && (stage === 'shard' || stage === 'finalize') && !deferredFailureChild(err.message)) {
          const p = job.data as { buildId?: string };
          if (typeof p?.buildId === 'string') void setState(this.redis, target.prefix, p.buildId, 'failed', `${stage}: ${err.message}`).catch(() => {});
        }
      });
      this.workers.push(w);
    }
  }

  /** Resolves when every queue's worker is connected and polling. */
  async ready(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
  }

  private async configJson(buildId: string): Promise<string> {
    const hit = this.configs.get(buildId);
    if (hit) return hit;
    const json = await this.redis.hget(`${this.target.prefix}:build:${buildId}`, 'config');
    if (!json) throw new UnrecoverableJobError(`build ${buildId} is not recorded at prefix ${this.target.prefix} (deleted, or Redis lost it)`);
    if (this.configs.size >= 32) this.configs.delete(this.configs.keys().next().value!);
    this.configs.set(buildId, json);
    return json;
  }

  /** The Redis side of a job, around the child that does the work. The same for every kind (build, convert,
   * import): what differs is what the child does with the payload and the record's config. */
  private async around(job: Job, runChild: (input: SandboxInput) => Promise<unknown>): Promise<unknown> {
    let payload: ReturnType<typeof parsePayload<JobName>>;
    const notJson = (job.data as Record<string, unknown> | null)?.[NOT_JSON];
    if (typeof notJson === 'string') throw new UnrecoverableJobError(`${job.name} job data is not JSON (${notJson})`);
    try {
      payload = parsePayload(job.name, job.data);
    } catch (e) {
      // a malformed job fails alone, at once, with its reason; the worker goes on
      throw new UnrecoverableJobError((e as Error).message);
    }
    const { kind, stage } = stageOf(job.name)!;
    const { prefix } = this.target;
    const rec = await readBuildState(this.redis, prefix, payload.buildId);
    const { state, run } = rec;
    if (state === null) throw new UnrecoverableJobError(`build ${payload.buildId} is not recorded at prefix ${prefix} (deleted, or Redis lost it)`);
    if (rec.kind !== kind) throw new UnrecoverableJobError(`${job.name} job for ${payload.buildId}, which is a queued ${rec.kind}, not a ${kind}`);
    // a job is only ever about its run's own folder: one naming another (a forged `/`) fails, it is not skipped
    if (rec.outDir !== null && payload.outDir !== rec.outDir) {
      throw new UnrecoverableJobError(`${job.name} job for ${payload.buildId} names ${JSON.stringify(payload.outDir)}, but that ${rec.kind} writes to ${rec.outDir}`);
    }
    if ('run' in payload && payload.run !== run) return { skipped: `superseded by run ${run}` } satisfies Skip;
    const index = stage === 'item' ? (payload as { index: number }).index : -1;
    // an item of an older run of a convert or import (whose staging the new run starts afresh) does nothing; a build
    // episode is the same fragment whatever run takes it, so it is never skipped for this
    if (stage === 'item' && kind !== 'build') {
      const r = parseItemJobId(job.id);
      if (r && r.run !== run) return { index, success: false, skipped: `superseded by run ${run}` } satisfies ItemResult;
    }
    if (state !== 'running') {
      if (stage === 'item') return { index, success: false, skipped: state } satisfies ItemResult;
      return { skipped: state } satisfies Skip;
    }
    const configJson = await this.configJson(payload.buildId);
    if (stage === 'item') {
      const r = (await runChild({ payload, configJson })) as ItemResult;
      await markEpisode(this.redis, prefix, payload.buildId, index, r.success);
      return r;
    }
    if (stage === itemParentStage(kind)) {
      const failedForGood: Record<string, string> = {};
      for (const [key, reason] of Object.entries(await job.getIgnoredChildrenFailures())) {
        const e = parseItemJobId(key.split(':').pop());
        if (e && e.buildId === payload.buildId) failedForGood[e.index] = String(reason);
      }
      const r = await runChild({ payload, configJson, failedForGood });
      for (const i of Object.keys(failedForGood)) await markEpisode(this.redis, prefix, payload.buildId, Number(i), false);
      return r;
    }
    const r = await runChild({ payload, configJson });
    if (stage === 'root') await setState(this.redis, prefix, payload.buildId, 'done');
    return r;
  }

  /** Stops taking jobs. Graceful: running jobs finish first. Forced: they are left to be taken over once their
   * locks expire (at most lockMs). */
  close(force = false): Promise<void> {
    if (force) return Promise.all(this.workers.map((w) => w.close(true))).then(() => void this.redis.disconnect());
    this.closing ??= Promise.all(this.workers.map((w) => w.close())).then(() => void this.redis.quit().catch(() => {}));
    return this.closing;
  }
}
