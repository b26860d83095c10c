// `spatialgen worker`: a long-running worker for builds started anywhere, and for training jobs. Any number of them,
// on any machines that reach the Redis and mount the builds' output directories at the same paths.
//
// SIGTERM / SIGINT: stop taking jobs and finish the running episode jobs, then exit 0. A training command gets the
// SIGTERM too (a trainer checkpoints on it; SIGKILL after --term-grace) and its job fails as interrupted, retried
// where it has retries. A second signal exits at once; the jobs it held go back to the queue when their locks expire
// (--lock-ms) and another worker finishes them.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { probeRedis, QUEUE_NAMES, type QueueName } from '../workers/queue-connection.js';
import { DEFAULT_LOCK_MS, QueueWorker } from '../workers/queue-worker.js';
import { TrainWorker } from '../workers/train-worker.js';
import { TRAIN_QUEUE } from '../workers/train-jobs.js';
import { queueOptions, requireTarget, type QueueFlags } from './control.js';
import { intArg, workersArg } from './args.js';
import { UserError } from './errors.js';

interface WorkerFlags extends QueueFlags {
  concurrency: number;
  queues: string;
  lockMs: number;
  gpus?: string[];
  termGrace: number;
}

const KNOWN = [...QUEUE_NAMES, TRAIN_QUEUE];

function parseQueues(list: string): { build: QueueName[]; train: boolean } {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !KNOWN.includes(n));
  if (bad.length > 0 || names.length === 0) throw new UserError(`--queues: unknown queue ${bad.join(', ') || '(none)'} (known: ${KNOWN.join(', ')})`);
  return { build: [...new Set(names.filter((n) => n !== TRAIN_QUEUE))] as QueueName[], train: names.includes(TRAIN_QUEUE) };
}

/** `--gpus 0,1,3` or GPU UUIDs (`GPU-…`, `MIG-…`), as CUDA_VISIBLE_DEVICES takes them; each once. */
function gpusArg(v: string): string[] {
  const ids = v.split(',').map((s) => s.trim());
  if (ids.some((id) => !/^(\d{1,3}|(GPU|MIG)-[0-9A-Za-z/-]{1,80})$/.test(id))) throw new InvalidArgumentError('--gpus takes GPU indices or UUIDs, comma-separated (0,1,2,3)');
  if (new Set(ids).size !== ids.length) throw new InvalidArgumentError('--gpus names a GPU twice');
  if (ids.length > 64) throw new InvalidArgumentError('--gpus: at most 64 GPUs per worker');
  return ids;
}

async function worker(flags: WorkerFlags): Promise<void> {
  const queues = parseQueues(flags.queues);
  if (flags.gpus && !queues.train) throw new UserError('--gpus is for training jobs: add train to --queues (e.g. --queues train)');
  const target = requireTarget(flags);
  await probeRedis(target);
  const builds = queues.build.length > 0 ? new QueueWorker(target, { concurrency: flags.concurrency, queues: queues.build, lockMs: flags.lockMs }) : null;
  const gpus = flags.gpus ?? [];
  const train = queues.train ? new TrainWorker(target, { gpus, lockMs: flags.lockMs, graceMs: flags.termGrace * 1000 }) : null;
  await Promise.all([builds?.ready(), train?.ready()]);
  const serving = [
    ...(builds ? [`${queues.build.join(', ')} (${flags.concurrency} at a time)`] : []),
    ...(train ? [`train on ${gpus.length ? `GPUs [${gpus.join(',')}]` : 'no GPU (0-GPU jobs only)'}`] : []),
  ];
  process.stdout.write(`spatialgen worker ${process.pid}: serving ${serving.join('; ')} at ${target.display} (prefix ${target.prefix})\n`);
  let signals = 0;
  const close = (force: boolean) => Promise.all([builds?.close(force), train?.close(force)]);
  const stopped = new Promise<number>((resolve) => {
    const stop = (sig: NodeJS.Signals) => {
      signals++;
      if (signals === 1) {
        process.stdout.write(`spatialgen worker: ${sig}: finishing running jobs (send again to stop now)\n`);
        void close(false).then(() => resolve(0));
      } else {
        process.stdout.write(`spatialgen worker: ${sig}: stopping now; running jobs return to the queue when their locks expire\n`);
        void close(true).finally(() => resolve(1));
      }
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    void builds?.fatalReason.then((reason) => {
      process.stderr.write(`spatialgen worker: this machine cannot run episodes (${reason}); stopping\n`);
      void close(false).then(() => resolve(1));
    });
  });
  process.exitCode = await stopped;
}

export function registerWorker(program: Command): void {
  queueOptions(program.command('worker').description('serve queued builds and training jobs started anywhere (runs until SIGTERM)'))
    .option('--concurrency <n>', 'episodes at once, each in its own sandboxed process', workersArg('--concurrency', 1), 1)
    .option('--queues <list>', `queues to serve, comma-separated (${KNOWN.join(', ')})`, QUEUE_NAMES.join(','))
    .option('--gpus <list>', 'with --queues train: GPUs to hand to training jobs (indices or UUIDs); a job asking for k runs when k are free', gpusArg)
    .option('--term-grace <s>', 'seconds a training command has after SIGTERM (cancel, worker stop) before SIGKILL', intArg('--term-grace', 0, 3600), 30)
    .option('--lock-ms <ms>', 'job lock duration: how long a dead worker\'s jobs wait before others take them', intArg('--lock-ms', 1000), DEFAULT_LOCK_MS)
    .addHelpText('after', [
      '\nExamples:',
      '  spatialgen worker --redis rediss://:password@queue-host:6380 --concurrency 4',
      '  spatialgen worker --redis redis://queue-host:6379 --queues train --gpus 0,1,2,3,4,5,6,7',
    ].join('\n'))
    .action((flags: WorkerFlags) => worker(flags));
}
