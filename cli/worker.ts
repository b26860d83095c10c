// `spatialgen worker`: a long-running worker for builds started anywhere. Any number of them, on any machines that
// reach the Redis and mount the builds' output directories at the same paths.
//
// SIGTERM / SIGINT: stop taking jobs and finish the running ones, then exit 0. A second signal exits at once; the
// jobs it held go back to the queue when their locks expire (--lock-ms) and another worker finishes them.
import type { Command } from 'commander';
import { probeRedis, QUEUE_NAMES, type QueueName } from '../workers/queue-connection.js';
import { DEFAULT_LOCK_MS, QueueWorker } from '../workers/queue-worker.js';
import { queueOptions, requireTarget, type QueueFlags } from './control.js';
import { intArg, workersArg } from './args.js';
import { UserError } from './errors.js';

interface WorkerFlags extends QueueFlags {
  concurrency: number;
  queues: string;
  lockMs: number;
}

function parseQueues(list: string): QueueName[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !(QUEUE_NAMES as readonly string[]).includes(n));
  if (bad.length > 0 || names.length === 0) throw new UserError(`--queues: unknown queue ${bad.join(', ') || '(none)'} (known: ${QUEUE_NAMES.join(', ')})`);
  return [...new Set(names)] as QueueName[];
}

async function worker(flags: WorkerFlags): Promise<void> {
  const queues = parseQueues(flags.queues);
  const target = requireTarget(flags);
  await probeRedis(target);
  const w = new QueueWorker(target, { concurrency: flags.concurrency, queues, lockMs: flags.lockMs });
  await w.ready();
  process.stdout.write(`spatialgen worker ${process.pid}: serving ${queues.join(', ')} at ${target.display} (prefix ${target.prefix}), ${flags.concurrency} at a time\n`);
  let signals = 0;
  const stopped = new Promise<number>((resolve) => {
    const stop = (sig: NodeJS.Signals) => {
      signals++;
      if (signals === 1) {
        process.stdout.write(`spatialgen worker: ${sig}: finishing running jobs (send again to stop now)\n`);
        void w.close().then(() => resolve(0));
      } else {
        process.stdout.write(`spatialgen worker: ${sig}: stopping now; running jobs return to the queue when their locks expire\n`);
        void w.close(true).finally(() => resolve(1));
      }
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    void w.fatalReason.then((reason) => {
      process.stderr.write(`spatialgen worker: this machine cannot run episodes (${reason}); stopping\n`);
      void w.close().then(() => resolve(1));
    });
  });
  process.exitCode = await stopped;
}

export function registerWorker(program: Command): void {
  queueOptions(program.command('worker').description('serve queued builds started anywhere (runs until SIGTERM)'))
    .option('--concurrency <n>', 'episodes at once, each in its own sandboxed process', workersArg('--concurrency', 1), 1)
    .option('--queues <list>', `queues to serve, comma-separated (${QUEUE_NAMES.join(', ')})`, QUEUE_NAMES.join(','))
    .option('--lock-ms <ms>', 'job lock duration: how long a dead worker\'s jobs wait before others take them', intArg('--lock-ms', 1000), DEFAULT_LOCK_MS)
    .addHelpText('after', '\nExample:\n  spatialgen worker --redis rediss://:password@queue-host:6380 --concurrency 4')
    .action((flags: WorkerFlags) => worker(flags));
}
