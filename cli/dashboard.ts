// `spatialgen dashboard`: Bull Board over this deployment's queues. It listens on 127.0.0.1 unless --host says
// otherwise: the board can retry, promote and delete jobs, so exposing it is a deliberate choice.
import type { Server } from 'node:http';
import type { Command } from 'commander';
import express from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Queue } from 'bullmq';
import { openRedis, probeRedis, QUEUE_NAMES } from '../workers/queue-connection.js';
import { MAX_TRAIN_GPUS, trainQueueName } from '../workers/train-jobs.js';
import { queueOptions, requireTarget, type QueueFlags } from './control.js';
import { intArg } from './args.js';
import { UserError } from './errors.js';

interface DashboardFlags extends QueueFlags {
  host: string;
  port: number;
}

async function dashboard(flags: DashboardFlags): Promise<void> {
  const target = requireTarget(flags);
  await probeRedis(target);
  const redis = openRedis(target, 'dashboard');
  // the training queues that have ever held a job (train-<k>gpu, workers/train-jobs.ts), after the build queues
  const trainQueues: string[] = [];
  for (let k = 0; k <= MAX_TRAIN_GPUS; k++) if (await redis.exists(`${target.prefix}:${trainQueueName(k)}:meta`)) trainQueues.push(trainQueueName(k));
  const names = [...QUEUE_NAMES, ...trainQueues];
  const queues = names.map((n) => new Queue(n, { connection: redis, prefix: target.prefix }));
  for (const q of queues) q.on('error', () => {});
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath('/');
  // @bull-board/express 9.10.1 pins its own copy of @bull-board/api 9.10.1: the same interface, a separate class
  // declaration to TypeScript, hence the cast
  type BoardAdapter = Parameters<typeof createBullBoard>[0]['serverAdapter'];
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter: serverAdapter as unknown as BoardAdapter, options: { uiConfig: { boardTitle: `spatialgen ${target.prefix}` } } });
  const app = express();
  app.use('/', serverAdapter.getRouter());
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(flags.port, flags.host, () => resolve(s));
    s.on('error', (e: NodeJS.ErrnoException) => reject(new UserError(`cannot listen on ${flags.host}:${flags.port}: ${e.code ?? e.message}`)));
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : flags.port;
  process.stdout.write(`spatialgen dashboard: http://${flags.host.includes(':') ? `[${flags.host}]` : flags.host}:${port}/ (queues ${names.join(', ')} at ${target.display}, prefix ${target.prefix}); Ctrl-C stops it\n`);
  await new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await Promise.all(queues.map((q) => q.close()));
  redis.disconnect();
}

export function registerDashboard(program: Command): void {
  queueOptions(program.command('dashboard').description('Bull Board for the queues, in the browser'))
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0: any free port)', intArg('--port', 0, 65535), 3000)
    .action((flags: DashboardFlags) => dashboard(flags));
}
