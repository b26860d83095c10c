// TrainRecord: what Redis knows about a training job besides its BullMQ job (the keys are described in
// workers/train-jobs.ts). Written by `spatialgen train` / `build --train-cmd` when the job is enqueued, by the worker
// that runs it (where, on which GPUs, its last log line, how it ended), and by `cancel`.
import type { Redis } from 'ioredis';
import { trainIndexKey, trainKeys } from './train-jobs.js';

export interface TrainRecord {
  trainId: string;
  name: string;
  dataset: string;
  runDir: string;
  cmd: string;
  gpus: number;
  retries: number;
  created: number;
  /** BullMQ job id of the current chain of attempts, and its queue */
  job: string;
  queue: string;
  /** the build it waits for (`build --train-cmd`) */
  build?: string;
  cancel: boolean;
  /** the attempt running or last run */
  attempt?: { host: string; pid: number; gpus: string[]; started: number; number: number; job: string };
  finished?: number;
  exitCode?: number;
  last?: string;
  lines: number;
}

export type NewTrainRecord = Omit<TrainRecord, 'cancel' | 'attempt' | 'finished' | 'exitCode' | 'last' | 'lines'>;

export async function writeTrainRecord(r: Redis, prefix: string, rec: NewTrainRecord): Promise<void> {
  await r.multi()
    .hset(trainKeys(prefix, rec.trainId).record, {
      name: rec.name, dataset: rec.dataset, run_dir: rec.runDir, cmd: rec.cmd, gpus: String(rec.gpus), retries: String(rec.retries),
      created: String(rec.created), job: rec.job, queue: rec.queue, ...(rec.build ? { build: rec.build } : {}), lines: '0',
    })
    .zadd(trainIndexKey(prefix), rec.created, rec.trainId)
    .exec();
}

export async function readTrainRecord(r: Redis, prefix: string, trainId: string): Promise<TrainRecord | null> {
  const h = await r.hgetall(trainKeys(prefix, trainId).record);
  if (!h.cmd) return null;
  const num = (s: string | undefined) => (s === undefined || s === '' ? undefined : Number(s));
  return {
    trainId,
    name: h.name,
    dataset: h.dataset,
    runDir: h.run_dir,
    cmd: h.cmd,
    gpus: Number(h.gpus),
    retries: Number(h.retries ?? 0),
    created: Number(h.created),
    job: h.job,
    queue: h.queue,
    ...(h.build ? { build: h.build } : {}),
    cancel: h.cancel === '1',
    ...(h.host ? { attempt: { host: h.host, pid: Number(h.pid), gpus: h.gpus_held ? h.gpus_held.split(',') : [], started: Number(h.started), number: Number(h.attempt ?? 1), job: h.attempt_job ?? '' } } : {}),
    ...(num(h.finished) !== undefined ? { finished: num(h.finished) } : {}),
    ...(num(h.exit_code) !== undefined ? { exitCode: num(h.exit_code) } : {}),
    ...(h.last ? { last: h.last } : {}),
    lines: Number(h.lines ?? 0),
  };
}

/** Train ids at this prefix, oldest first. */
export async function listTrainIds(r: Redis, prefix: string): Promise<string[]> {
  return r.zrange(trainIndexKey(prefix), '0', '-1');
}

/** The worker starting an attempt: where it runs and on which GPUs. */
export async function recordAttempt(r: Redis, prefix: string, trainId: string, a: NonNullable<TrainRecord['attempt']>): Promise<void> {
  const k = trainKeys(prefix, trainId).record;
  await r.multi()
    .hset(k, { host: a.host, pid: String(a.pid), gpus_held: a.gpus.join(','), started: String(a.started), attempt: String(a.number), attempt_job: a.job })
    .hdel(k, 'finished', 'exit_code')
    .exec();
}

/** The attempt's supervisor pid, once its process exists (recordAttempt is written before it starts). */
export async function recordPid(r: Redis, prefix: string, trainId: string, pid: number): Promise<void> {
  await r.hset(trainKeys(prefix, trainId).record, 'pid', String(pid));
}

export async function recordExit(r: Redis, prefix: string, trainId: string, exitCode: number | null): Promise<void> {
  await r.hset(trainKeys(prefix, trainId).record, { finished: String(Date.now()), ...(exitCode !== null ? { exit_code: String(exitCode) } : {}) });
}
