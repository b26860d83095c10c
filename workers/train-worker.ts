// TrainWorker: runs training jobs (workers/train-jobs.ts) on the GPUs this worker was given.
//
// Scheduling. The worker owns a pool of GPU ids (`worker --gpus 0,1,…`). It fetches jobs by hand (BullMQ's manual
// fetching) from the `train-<k>gpu` queues, only from those whose k fits the GPUs free at that moment, largest k
// first (a big job is the hardest to place; small ones then fill what is left), and reserves the GPUs before it
// fetches again, so a worker with 8 GPUs runs four 2-GPU jobs at once and never takes a job it cannot start. Jobs
// that ask for no GPU run one at a time per worker. Several workers on several machines share the queues; each job
// is taken by exactly one (BullMQ's move to active is atomic).
//
// A job's life on a worker:
//   taken        its payload and record are checked; a job whose previous attempt never ended (that worker was
//                killed, or lost Redis for longer than its lock) counts that attempt as failed: retried if the job
//                has retries left, failed otherwise — never silently lost, never run twice at once
//   running      the command runs as its own process group (workers/train-process.ts) in the run folder, with
//                CUDA_VISIBLE_DEVICES set to the GPUs it holds; its output goes to <run_dir>/train.log and, twice a
//                second, to the job's log in Redis; its lock is renewed every lockMs/2 for as long as it runs (days:
//                there is no time limit); its record's cancel flag is read every second
//   ended        exit 0 → completed; any other exit → failed with the code (retried only with `--retries`);
//                cancelled → failed "cancelled", never retried; the worker stopping (SIGTERM) → the command gets
//                SIGTERM (time to checkpoint), then the job fails as interrupted and is retried if it has retries
//   lock lost    another worker may own the job now: the command is stopped and the job left alone
import { createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { openRedis, outageLogger, type QueueTarget } from './queue-connection.js';
import { expandCommand, jobLogKey, LOG_KEEP, MAX_TRAIN_GPUS, trainEnv, trainKeys, TrainPayloadSchema, trainQueueName, type TrainPayload } from './train-jobs.js';
import { readTrainRecord, recordAttempt, recordExit, recordPid } from './train-registry.js';
import { TrainProcess, type TrainExit } from './train-process.js';

export interface TrainWorkerSettings {
  /** GPU ids to hand out, as CUDA_VISIBLE_DEVICES takes them ('0', '1', or 'GPU-…' UUIDs); none: only 0-GPU jobs */
  gpus: readonly string[];
  /** job lock duration in ms: how long a dead worker's job waits before it counts as lost */
  lockMs: number;
  /** between SIGTERM and SIGKILL when a job is cancelled or the worker stops */
  graceMs: number;
  /** how often an idle worker looks for jobs (default 1000 ms) */
  pollMs?: number;
  log?: (line: string) => void;
}

/** A line of the job log longer than this is cut (the whole line is in train.log). */
const MAX_LINE = 2000;
/** Lines sent to Redis per flush (twice a second); more are counted and said to be in train.log. */
const MAX_LINES_PER_FLUSH = 200;

interface Running {
  job: Job;
  proc?: TrainProcess;
  stop?: 'cancel' | 'shutdown' | 'lock';
}

export class TrainWorker {
  private readonly redis: Redis;
  private readonly queues = new Map<number, Worker>();
  private readonly free: string[];
  private cpuBusy = false;
  private readonly running = new Map<string, Running>();
  private readonly id = `${hostname()}:${process.pid}`;
  private seq = 0;
  private stopping = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly log: (line: string) => void;
  private readonly outage: ReturnType<typeof outageLogger>;

  constructor(private readonly target: QueueTarget, private readonly settings: TrainWorkerSettings) {
    if (settings.gpus.length > 64) throw new Error('a train worker holds at most 64 GPUs');
    this.free = [...settings.gpus];
    this.redis = openRedis(target, 'train-worker');
    this.log = settings.log ?? ((l: string) => process.stdout.write(l));
    this.outage = outageLogger('train worker', target, this.log);
    for (let k = 0; k <= Math.min(settings.gpus.length, MAX_TRAIN_GPUS); k++) {
      const w = new Worker(trainQueueName(k), null, {
        connection: this.redis,
        prefix: target.prefix,
        name: this.id,
        autorun: false,
        lockDuration: settings.lockMs,
        stalledInterval: Math.max(1000, Math.round(settings.lockMs / 2)),
        // a stall (lost worker) only moves the job back to wait; the next worker to take it counts the lost
        // attempt against the job's own retries (see `take`), so each job's `--retries` decides, not this setting
        maxStalledCount: Number.MAX_SAFE_INTEGER,
      });
      w.on('error', (e) => this.outage.error(e));
      this.queues.set(k, w);
    }
  }

  /** Resolves once every queue is connected; then jobs are taken. */
  async ready(): Promise<void> {
    await Promise.all([...this.queues.values()].map((w) => w.waitUntilReady()));
    for (const w of this.queues.values()) void w.startStalledCheckTimer().catch((e: Error) => this.outage.error(e));
    this.loop = this.fetchLoop();
  }

  /** Queue names this worker serves. */
  get queueNames(): string[] {
    return [...this.queues.keys()].map(trainQueueName);
  }

  private async fetchLoop(): Promise<void> {
    const pollMs = this.settings.pollMs ?? 1000;
    while (!this.stopping) {
      let took = false;
      try {
        took = await this.takeOne();
        this.outage.ready();
      } catch (e) {
        this.outage.error(e as Error);
      }
      if (!took && !this.stopping) await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, pollMs);
        this.wake = () => (clearTimeout(t), resolve());
      });
    }
  }

  /** Takes one job that fits the free GPUs, largest first; false when none waits. */
  private async takeOne(): Promise<boolean> {
    for (const k of [...this.queues.keys()].sort((a, b) => b - a)) {
      if (k === 0 ? this.cpuBusy : k > this.free.length) continue;
      const token = `${this.id}:${++this.seq}`;
      const job = await this.queues.get(k)!.getNextJob(token, { block: false });
      if (!job) continue;
      const gpus = this.free.splice(0, k);
      if (k === 0) this.cpuBusy = true;
      const entry: Running = { job };
      this.running.set(job.id!, entry);
      void this.run(entry, token, gpus)
        .catch((e: Error) => this.log(`train ${job.id}: ${e.message.split('\n')[0]}\n`))
        .finally(() => {
          this.running.delete(job.id!);
          this.free.push(...gpus);
          this.free.sort((a, b) => this.settings.gpus.indexOf(a) - this.settings.gpus.indexOf(b));
          if (k === 0) this.cpuBusy = false;
          this.wake?.();
        });
      return true;
    }
    return false;
  }

  private async run(entry: Running, token: string, gpus: string[]): Promise<void> {
    const { job } = entry;
    const { prefix } = this.target;
    const fail = async (e: Error) => {
      await job.moveToFailed(e, token, false);
      this.log(`train ${job.id}: ${job.attemptsMade < (job.opts.attempts ?? 1) ? 'attempt failed, will retry' : 'failed'}: ${e.message}\n`);
    };
    // its build failed (failParentOnFailure), or BullMQ gave up on it
    if (job.deferredFailure) return fail(new UnrecoverableError(/^child /.test(job.deferredFailure) ? `its build failed (${job.deferredFailure})` : job.deferredFailure));
    const parsed = TrainPayloadSchema.safeParse(job.data);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      return fail(new UnrecoverableError(`bad train job payload: ${i.path.join('.')}: ${i.message}`));
    }
    const p = parsed.data;
    const rec = await readTrainRecord(this.redis, prefix, p.trainId);
    if (!rec) return fail(new UnrecoverableError(`train ${p.trainId} is not recorded at prefix ${prefix} (deleted, or Redis lost it)`));
    if (rec.cancel) return fail(new UnrecoverableError('cancelled'));
    if (rec.attempt && rec.finished === undefined && rec.attempt.job === job.id) {
      // the attempt that was running never ended: its worker died (or lost Redis past its lock)
      await recordExit(this.redis, prefix, p.trainId, null);
      return fail(new Error(`its worker ${rec.attempt.host} ${rec.attempt.pid ? `(pid ${rec.attempt.pid}) ` : ''}was lost while it ran (killed, or cut off from Redis for longer than the job lock)`));
    }
    if (!existsSync(p.dataset)) return fail(new Error(`the dataset ${p.dataset} is not visible on ${hostname()} (every train worker must mount it at that path)`));
    try {
      mkdirSync(p.runDir, { recursive: true });
    } catch (e) {
      return fail(new Error(`cannot make the run folder ${p.runDir} on ${hostname()}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`));
    }
    const attempt = job.attemptsMade + 1;
    const file = createWriteStream(join(p.runDir, 'train.log'), { flags: 'a' });
    const logs = new LogSink(this.redis, jobLogKey(prefix, job.queueName, job.id!), trainKeys(prefix, p.trainId).record, file);
    logs.line(`== spatialgen: attempt ${attempt} of ${job.opts.attempts ?? 1} on ${hostname()}, GPUs [${gpus.join(',')}], ${new Date().toISOString()}`);
    const exit = await this.execute(entry, token, p, gpus, logs, attempt);
    const how = entry.stop === 'cancel' ? 'cancelled' : exitText(exit);
    logs.line(`== spatialgen: ${how}`);
    await logs.close();
    if (entry.stop === 'lock') {
      this.log(`train ${job.id}: lost its lock (Redis unreachable?); stopped its command, the job is another worker's now\n`);
      return;
    }
    await recordExit(this.redis, prefix, p.trainId, exit.code);
    if (entry.stop === 'cancel') return fail(new UnrecoverableError('cancelled'));
    if (entry.stop === 'shutdown') return fail(new Error(`interrupted: its worker on ${hostname()} stopped (${how})`));
    if (exit.code === 0) {
      await job.moveToCompleted({ exit_code: 0, run_dir: p.runDir }, token, false);
      this.log(`train ${job.id}: done (exit 0)\n`);
      return;
    }
    return fail(new Error(exit.error ? `the command did not start: ${exit.error}` : how));
  }

  /** Runs the command to its end, renewing the lock and watching for a cancel. */
  private async execute(entry: Running, token: string, p: TrainPayload, gpus: string[], logs: LogSink, attempt: number): Promise<TrainExit> {
    const { job } = entry;
    // recorded before the command starts: a worker killed at any moment after this leaves an attempt that never
    // ended, which the next worker counts (see `run`); the supervisor's pid follows once it exists
    const started = { host: hostname(), pid: 0, gpus, started: Date.now(), number: attempt, job: job.id! };
    await recordAttempt(this.redis, this.target.prefix, p.trainId, started);
    const proc = new TrainProcess({
      command: expandCommand(p.cmd, p, gpus),
      cwd: p.runDir,
      env: trainEnv(p, gpus),
      graceMs: this.settings.graceMs,
      onOutput: (chunk) => logs.raw(chunk),
      onLine: (line) => logs.line(line, false),
    });
    entry.proc = proc;
    await recordPid(this.redis, this.target.prefix, p.trainId, proc.pid);
    this.log(`train ${job.id}: running on GPUs [${gpus.join(',')}] (pid ${proc.pid})\n`);
    if (this.stopping) this.stop(entry, 'shutdown');
    const renewEvery = Math.max(500, Math.round(this.settings.lockMs / 2));
    let lastRenew = Date.now();
    let renewed = Date.now();
    const tick = setInterval(() => {
      // Redis away for longer than the lock: another worker's stall check may hand the job out again, and two runs of
      // one training must never overlap, so the command stops here
      if (Date.now() - renewed > this.settings.lockMs) this.stop(entry, 'lock');
      void (async () => {
        await logs.flush();
        if (Date.now() - lastRenew >= renewEvery) {
          lastRenew = Date.now();
          if ((await job.extendLock(token, this.settings.lockMs)) === 0) this.stop(entry, 'lock');
          else renewed = Date.now();
        }
        if ((await this.redis.hget(trainKeys(this.target.prefix, p.trainId).record, 'cancel')) === '1') this.stop(entry, 'cancel');
      })().catch(() => {
        /* Redis away: the outage logger says so; the lock expires if it stays away */
      });
    }, 500);
    try {
      return await proc.exited;
    } finally {
      clearInterval(tick);
    }
  }

  private stop(entry: Running, why: NonNullable<Running['stop']>): void {
    if (entry.stop) return;
    entry.stop = why;
    entry.proc?.terminate(why === 'lock' ? 0 : this.settings.graceMs);
  }

  /** Stops taking jobs; running commands get SIGTERM (SIGKILL after the grace period) and their jobs are failed as
   * interrupted (retried where they have retries). Forced: SIGKILL at once. */
  async close(force = false): Promise<void> {
    this.stopping = true;
    this.wake?.();
    for (const r of this.running.values()) {
      if (force) r.proc?.terminate(0);
      this.stop(r, 'shutdown');
    }
    await this.loop;
    while (this.running.size > 0) await new Promise((r) => setTimeout(r, 100));
    await Promise.all([...this.queues.values()].map((w) => w.close(force)));
    this.redis.disconnect();
  }
}

function exitText(e: TrainExit): string {
  if (e.error) return `could not start: ${e.error}`;
  return e.code !== null ? `exit code ${e.code}` : `killed by ${e.signal}`;
}

/** The command's output: every byte to train.log; lines to the job's log in Redis, batched, the last one to the
 * record (for `status`). */
class LogSink {
  private pending: string[] = [];
  private dropped = 0;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly redis: Redis, private readonly logKey: string, private readonly recordKey: string, private readonly file: WriteStream) {}

  raw(chunk: Buffer): void {
    this.file.write(chunk);
  }

  /** A line for the job log; `toFile` for our own lines (the command's are in the file as bytes already). */
  line(text: string, toFile = true): void {
    if (toFile) this.file.write(`${text}\n`);
    if (this.pending.length >= MAX_LINES_PER_FLUSH) this.dropped++;
    else this.pending.push(text.length > MAX_LINE ? `${text.slice(0, MAX_LINE)}…` : text);
  }

  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.dropped > 0) this.pending.push(`== spatialgen: ${this.dropped} more lines in train.log`);
      const lines = this.pending;
      this.pending = [];
      this.dropped = 0;
      if (lines.length === 0) return;
      // one transaction, so a reader of the list and the count (`train` following the log) sees both or neither
      await this.redis.multi()
        .rpush(this.logKey, ...lines)
        .ltrim(this.logKey, -LOG_KEEP, -1)
        .hincrby(this.recordKey, 'lines', lines.length)
        .hset(this.recordKey, 'last', lines[lines.length - 1])
        .exec();
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    await this.flush().catch(() => {});
    await new Promise<void>((resolve) => this.file.end(() => resolve()));
  }
}
