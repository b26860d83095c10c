// Queued builds from the command line: connecting, waiting with a progress bar, and `status`, `cancel`, `resume`.
// `build --redis` (cli/build.ts) and `resume` share `waitForBuild`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { defaultWorkers, intArg, textArg, workersArg } from './args.js';
import type { BuildConfig } from '../schemas/config.js';
import { verifyDataset } from '../export/verify.js';
import { preflightBuild } from '../generators/preflight.js';
import { bitmapIndices, episodeCounts, listBuildIds, readBuild, type BuildRecord } from '../workers/build-registry.js';
import { cancelBuild, pendingItems, QueueClient, recordConfig, requireBuild, runIsLive, startBuildRun } from '../workers/build-flow.js';
import { watchBuild, type Progress } from '../workers/build-watch.js';
import { buildKeys, outageLogger, probeRedis, queueTarget, type QueueTarget } from '../workers/queue-connection.js';
import { DEFAULT_RETRY } from '../workers/queue-jobs.js';
import { DEFAULT_LOCK_MS, QueueWorker } from '../workers/queue-worker.js';
import { UserError } from './errors.js';
import { progress } from './progress.js';
import { isTrainId } from '../workers/train-jobs.js';
import { listTrainIds, readTrainRecord, type TrainRecord } from '../workers/train-registry.js';
import { cancelTrain, requireTrain, trainStatus, type TrainStatus } from '../workers/train-queue.js';

export interface QueueFlags {
  redis?: string;
  prefix?: string;
}

/** --redis and --prefix, on every queue command. */
export function queueOptions(c: Command, redisHelp = 'Redis URL, redis:// or rediss:// (default: $REDIS_URL)'): Command {
  return c
    .option('--redis <url>', redisHelp, textArg('--redis', 'URL'))
    .option('--prefix <prefix>', 'key prefix of this deployment\'s queues (default: $SPATIALGEN_PREFIX or spatialgen)', textArg('--prefix'));
}

/** The queue target, proven reachable: one clear line and a non-zero exit within seconds otherwise. */
export async function connectQueues(flags: QueueFlags): Promise<QueueClient> {
  const target = requireTarget(flags);
  await probeRedis(target);
  const q = new QueueClient(target);
  const outage = outageLogger('client', target);
  q.redis.on('error', (e: Error) => outage.error(e));
  q.redis.on('ready', () => outage.ready());
  return q;
}

export function requireTarget(flags: QueueFlags): QueueTarget {
  const target = queueTarget(flags.redis, flags.prefix);
  if (!target) throw new UserError('give --redis URL (or set REDIS_URL)');
  return target;
}

export interface WaitOptions {
  config: BuildConfig;
  outDir: string;
  /** local worker processes to run while waiting (0: rely on `spatialgen worker`s elsewhere) */
  workers: number;
  lockMs: number;
  progress: boolean;
}

/** Waits for a queued build to finish, showing progress; resolves only for a complete, verified dataset. */
export async function waitForBuild(q: QueueClient, buildId: string, opts: WaitOptions): Promise<void> {
  const started = Date.now();
  const total = opts.config.episodes;
  const local = opts.workers > 0
    ? new QueueWorker(q.target, { concurrency: opts.workers, queues: ['episodes', 'builds'], lockMs: opts.lockMs, log: () => {} })
    : null;
  const bar = progress('episodes', total, opts.progress);
  const onProgress = (p: Progress) => bar.update(p);
  const interrupt = () => {
    bar.stop();
    process.stderr.write(`spatialgen: stopped waiting; build ${buildId} goes on in the queue (spatialgen status ${buildId} / resume ${buildId})\n`);
    void (local ? local.close(true) : Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  let result;
  try {
    const watch = watchBuild(q, buildId, {
      total,
      onProgress,
      onNote: (l) => process.stderr.write(`spatialgen: ${l}\n`),
      recover: { config: opts.config, outDir: opts.outDir, retry: DEFAULT_RETRY },
    });
    const fatal = local ? local.fatalReason.then((r) => ({ state: 'fatal' as const, error: r })) : new Promise<never>(() => {});
    result = await Promise.race([watch, fatal]);
  } finally {
    process.off('SIGINT', interrupt);
    bar.stop();
    await local?.close();
  }
  if (result.state === 'fatal') throw new UserError(`this machine cannot run episodes (${result.error}); build ${buildId} stays queued for other workers`);
  if (result.state === 'cancelled') throw new UserError(`build ${buildId} was cancelled; \`spatialgen resume ${buildId}\` completes it`);
  if (result.state === 'failed') throw new UserError(`build ${buildId} failed: ${result.error}`);
  await verifyDataset(opts.outDir);
  const m = JSON.parse(readFileSync(join(opts.outDir, 'manifest.json'), 'utf8')) as {
    build_id: string; shards: unknown[]; counts: { episodes_attempted: number; episodes_succeeded: number; frames: number; stage1_samples: number };
  };
  const c = m.counts;
  process.stdout.write(
    `built ${opts.outDir}: ${c.episodes_succeeded}/${c.episodes_attempted} episodes succeeded, ${c.frames} frames, ` +
      `${c.stage1_samples} stage-1 samples, ${m.shards.length} shards in ${((Date.now() - started) / 1000).toFixed(1)} s (build ${m.build_id}, queued)\n`,
  );
}

interface ResumeFlags extends QueueFlags {
  workers: number;
  lockMs: number;
  progress: boolean;
  detach?: boolean;
}

async function resume(id: string, flags: ResumeFlags): Promise<void> {
  const q = await connectQueues(flags);
  try {
    const rec = await requireBuild(q, id);
    if (rec.state === 'done' && existsSync(join(rec.outDir, 'manifest.json'))) {
      process.stdout.write(`build ${id} is complete (${rec.outDir}); nothing to resume\n`);
      return;
    }
    if (!existsSync(rec.outDir)) throw new UserError(`build ${id} writes to ${rec.outDir}, which this machine does not see; resume it where that directory is mounted`);
    const config = recordConfig(rec);
    preflightBuild(config);
    const r = await startBuildRun(q, config, rec.outDir, DEFAULT_RETRY);
    process.stderr.write(r.attached
      ? `build ${id} is running (run ${r.run}); waiting for it\n`
      : `resumed build ${id} (run ${r.run}): ${r.enqueued} episodes enqueued, ${r.committed} already committed\n`);
    if (flags.detach) return;
    await waitForBuild(q, id, { config, outDir: rec.outDir, workers: flags.workers, lockMs: flags.lockMs, progress: flags.progress });
  } finally {
    await q.close();
  }
}

async function cancel(id: string, flags: QueueFlags): Promise<void> {
  const q = await connectQueues(flags);
  try {
    if (isTrainId(id)) {
      const how = await cancelTrain(q, id);
      process.stdout.write(how === 'removed'
        ? `cancelled training ${id}: removed from the queue before it ran\n`
        : `cancelling training ${id}: its worker sends SIGTERM to the command (SIGKILL after its grace period)\n`);
      return;
    }
    const r = await cancelBuild(q, id);
    process.stdout.write(`cancelled build ${id}: ${r.removed} queued episodes removed, ${r.running} running ones finish; \`spatialgen resume ${id}\` completes it\n`);
  } finally {
    await q.close();
  }
}

async function statusLine(q: QueueClient, rec: BuildRecord): Promise<string> {
  const { done, failed } = await episodeCounts(q.redis, q.target.prefix, rec.buildId);
  let state: string = rec.state;
  if (rec.state === 'running' && !(await runIsLive(q, rec))) state = 'stalled(lost run)';
  return `${rec.buildId}  ${state.padEnd(9)}  ${String(done).padStart(7)}  ${String(failed).padStart(6)}  ${String(rec.total).padStart(7)}  ${rec.outDir}`;
}

function trainLine(s: TrainStatus): string {
  const where = s.host ? `${s.host} GPUs [${s.gpus_held.join(',')}]` : `${s.gpus} GPU${s.gpus === 1 ? '' : 's'}`;
  const elapsed = s.elapsed_s !== null ? `${s.elapsed_s} s` : '-';
  const end = s.state === 'failed' ? s.error ?? (s.exit_code !== null ? `exit code ${s.exit_code}` : '') : s.last_line ?? '';
  return `${s.train_id.padEnd(22)}  ${s.state.padEnd(17)}  ${where.padEnd(24)}  ${elapsed.padStart(8)}  ${end.slice(0, 100)}`;
}
const STATUS_HEADER = `${'TRAINING'.padEnd(22)}  ${'STATE'.padEnd(17)}  ${'WHERE'.padEnd(24)}  ${'ELAPSED'.padStart(8)}  LAST LINE / ERROR`;

/** `status ID` of a training job: its line, what it runs, and the end of its log. */
async function trainDetail(q: QueueClient, rec: TrainRecord, json: boolean): Promise<void> {
  const s = await trainStatus(q, rec);
  if (json) {
    process.stdout.write(`${JSON.stringify([s], null, 2)}\n`);
    return;
  }
  process.stdout.write(`${STATUS_HEADER}\n${trainLine(s)}\n`);
  const logs = await q.queue(rec.queue).getJobLogs(rec.job, -20, -1);
  process.stdout.write(`dataset ${s.dataset}\nrun folder ${s.run_dir} (train.log holds the whole log)\ncommand ${s.cmd}\n` +
    `${s.build ? `starts when build ${s.build} completes\n` : ''}${s.error ? `error: ${s.error}\n` : ''}` +
    `${logs.logs.length ? `last ${logs.logs.length} log lines:\n${logs.logs.map((l) => `  ${l}`).join('\n')}\n` : ''}`);
}

async function status(id: string | undefined, flags: QueueFlags & { json?: boolean }): Promise<void> {
  const q = await connectQueues(flags);
  try {
    if (id && isTrainId(id)) return await trainDetail(q, await requireTrain(q, id), flags.json === true);
    const ids = id ? [(await requireBuild(q, id)).buildId] : await listBuildIds(q.redis, q.target.prefix);
    const trains = id ? [] : (await Promise.all((await listTrainIds(q.redis, q.target.prefix)).map((t) => readTrainRecord(q.redis, q.target.prefix, t))))
      .filter((r): r is TrainRecord => r !== null);
    const recs = (await Promise.all(ids.map((b) => readBuild(q.redis, q.target.prefix, b)))).filter((r): r is BuildRecord => r !== null);
    if (flags.json) {
      const rows = [];
      for (const r of recs) {
        const c = await episodeCounts(q.redis, q.target.prefix, r.buildId);
        rows.push({ build_id: r.buildId, state: r.state, run: r.run, out: r.outDir, total: r.total, done: c.done, failed: c.failed, live: await runIsLive(q, r), ...(r.error ? { error: r.error } : {}) });
      }
      for (const t of trains) rows.push(await trainStatus(q, t));
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return;
    }
    if (recs.length === 0) {
      process.stdout.write(`no builds at ${q.target.display} (prefix ${q.target.prefix})\n`);
    } else {
      process.stdout.write(`BUILD             STATE         DONE  FAILED    TOTAL  OUT\n`);
      for (const r of recs) process.stdout.write(`${await statusLine(q, r)}\n`);
    }
    if (trains.length > 0) {
      process.stdout.write(`${STATUS_HEADER}\n`);
      for (const t of trains) process.stdout.write(`${trainLine(await trainStatus(q, t))}\n`);
    }
    if (id && recs[0]) {
      const r = recs[0];
      const pending = await pendingItems(q, r);
      const failedIdx = await bitmapIndices(q.redis, buildKeys(q.target.prefix, r.buildId).failed);
      process.stdout.write(`run ${r.run}, started ${new Date(r.created).toISOString()}, ${pending} episodes queued or running` +
        `${failedIdx.length ? `, failed episodes: ${failedIdx.slice(0, 20).join(' ')}${failedIdx.length > 20 ? ' …' : ''}` : ''}${r.error ? `\nerror: ${r.error}` : ''}\n`);
    }
    const counts = await q.episodes.getJobCounts('waiting', 'active', 'delayed', 'failed');
    let workers = '?';
    try {
      workers = String(await q.episodes.getWorkersCount());
    } catch {
      /* CLIENT LIST may be disabled on managed Redis */
    }
    process.stdout.write(`episodes queue: ${counts.waiting} waiting, ${counts.active} active, ${counts.delayed} delayed, ${counts.failed} failed; ${workers} workers\n`);
  } finally {
    await q.close();
  }
}

export function registerControl(program: Command): void {
  queueOptions(program.command('status').description('queued builds (state, episodes done / failed / total, output directory) and training jobs (state, GPUs, elapsed, last log line)'))
    .argument('[id]', 'one build or training job (default: all at this prefix)')
    .option('--json', 'machine-readable output')
    .action((id: string | undefined, flags: QueueFlags & { json?: boolean }) => status(id, flags));
  queueOptions(program.command('cancel').description('stop handing out a build\'s episodes (running ones finish, committed ones are kept), or stop a training job'))
    .argument('<id>', 'a build id, or a training id (SIGTERM to its command, SIGKILL after the worker\'s --term-grace)')
    .action((id: string, flags: QueueFlags) => cancel(id, flags));
  queueOptions(program.command('resume').description('enqueue what a cancelled, failed or lost build is missing, and wait for it'))
    .argument('<build_id>')
    .option('--workers <n>', 'local worker processes while waiting (one per CPU core by default; 0: only remote workers)', workersArg('--workers', 0), defaultWorkers())
    .option('--lock-ms <ms>', 'job lock duration of the local workers', intArg('--lock-ms', 1000), DEFAULT_LOCK_MS)
    .option('--detach', 'enqueue and return at once')
    .option('--no-progress', 'no progress output')
    .action((id: string, flags: ResumeFlags) => resume(id, flags));
}
