// Training jobs (issue 16): a user's command run on a finished dataset by a `spatialgen worker --queues train` that
// holds GPUs. This file is the protocol: queues, payload, Redis keys, job options, and how the command is filled in.
//
// Queues. BullMQ cannot make a worker take only the jobs that fit its free GPUs, so the GPU count is part of the
// queue's name: a job asking for k GPUs waits in `train-<k>gpu`. A train worker fetches by hand (BullMQ's manual
// fetching, workers/train-worker.ts) and only from queues whose k fits its free GPUs at that moment, so it never takes
// a job it cannot start. `train` in `worker --queues` means all of them.
//
// Redis keys besides BullMQ's, under <prefix>:train:<id> (one record per `spatialgen train` or `build --train-cmd`):
//   hash  dataset, run_dir, cmd, gpus, name, retries, created   what was asked (never changes)
//         job          the BullMQ job id of its current chain of attempts (`<id>.<n>`: a resumed build makes n+1)
//         queue        that job's queue, `train-<k>gpu`
//         build        the build whose completion it waits for (`build --train-cmd`), if any
//         cancel       set by `spatialgen cancel`; the worker running it polls it every second
//         host, pid, gpus_held, started, attempt    the attempt running or last run (written by the worker)
//         exit_code, finished, last, lines          how it ended, its last log line, log lines so far
// and the zset <prefix>:trains (train ids by creation time, for `status`). The job's state (waiting, waiting for its
// build, active, done, failed) is BullMQ's; its log is BullMQ's job log (the last LOG_KEEP lines; all of it is in
// <run_dir>/train.log).
import { randomBytes } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import type { JobsOptions } from 'bullmq';

/** Most GPUs one training job may ask for: one worker is one machine, and 16 is the largest common node. */
export const MAX_TRAIN_GPUS = 16;
/** Log lines kept in Redis per job (the whole log is in the run folder). */
export const LOG_KEEP = 1000;
/** `--queues train` stands for every `train-<k>gpu` queue the worker's GPUs fit. */
export const TRAIN_QUEUE = 'train';

export const trainQueueName = (gpus: number) => `train-${gpus}gpu`;

/** `<name>-<6 hex>`: readable in `status`, unique without coordination, never a build id (16 hex, no dash). */
export const TRAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9_.]{0,47}$/;
const TRAIN_ID = /^[A-Za-z0-9][A-Za-z0-9_.]{0,47}-[0-9a-f]{6}$/;
export const isTrainId = (s: string) => TRAIN_ID.test(s);
export const newTrainId = (name: string) => `${name}-${randomBytes(3).toString('hex')}`;

const AbsoluteDir = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => isAbsolute(p) && resolve(p) !== '/' && !/[\0\n\r]/.test(p), 'must be an absolute path below / (the same on every worker machine)');

/** What a train job carries; everything else is in the record. */
export const TrainPayloadSchema = z.strictObject({
  trainId: z.string().regex(TRAIN_ID, 'must be <name>-<6 hex digits>'),
  dataset: AbsoluteDir,
  runDir: AbsoluteDir,
  cmd: z.string().min(1).max(16_384),
  gpus: z.number().int().min(0).max(MAX_TRAIN_GPUS),
});
export type TrainPayload = z.infer<typeof TrainPayloadSchema>;

export function trainKeys(prefix: string, trainId: string) {
  return { record: `${prefix}:train:${trainId}` };
}
export const trainIndexKey = (prefix: string) => `${prefix}:trains`;

/** BullMQ's key of a job's log list (what `Job.log` appends to and `Queue.getJobLogs` reads). */
export const jobLogKey = (prefix: string, queue: string, jobId: string) => `${prefix}:${queue}:${jobId}:logs`;

/**
 * A training job runs once unless the user opts into retries (`--retries N`): a failed run is usually a bug, and a
 * second run of a day-long job on the same bug wastes a day of GPUs. Finished jobs stay 30 days for `status`.
 */
export function trainJobOptions(jobId: string, retries: number): JobsOptions {
  return {
    jobId,
    attempts: retries + 1,
    backoff: { type: 'fixed', delay: 5000 },
    keepLogs: LOG_KEEP,
    removeOnComplete: { age: 30 * 24 * 3600 },
    removeOnFail: { age: 30 * 24 * 3600 },
  };
}

/** Every attempt of a train job gets these, besides the worker's own environment. */
export function trainEnv(p: TrainPayload, gpuIds: readonly string[]): Record<string, string> {
  return {
    SPATIALGEN_DATASET: p.dataset,
    SPATIALGEN_RUN_DIR: p.runDir,
    SPATIALGEN_TRAIN_ID: p.trainId,
    SPATIALGEN_GPUS: String(gpuIds.length),
    // a job that asked for no GPU sees none, rather than every GPU of the machine
    CUDA_VISIBLE_DEVICES: gpuIds.join(','),
  };
}

const PLACEHOLDER = /\{(dataset|run_dir|gpus|id)\}/g;

/** `{dataset}`, `{run_dir}`, `{gpus}` (the count) and `{id}` in the command, shell-quoted; other braces stay. */
export function expandCommand(cmd: string, p: TrainPayload, gpuIds: readonly string[]): string {
  const v: Record<string, string> = { dataset: p.dataset, run_dir: p.runDir, gpus: String(gpuIds.length), id: p.trainId };
  return cmd.replace(PLACEHOLDER, (_, k: string) => shellQuote(v[k]));
}

export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
