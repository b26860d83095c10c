// The producer side of training jobs: enqueueing one on a finished dataset (`spatialgen train`) or as the parent of a
// build's flow (`build --train-cmd`), cancelling, reading its status, and following its log.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { Job, type FlowJob } from 'bullmq';
import type { QueueClient } from './build-flow.js';
import { jobLogKey, newTrainId, trainIndexKey, trainJobOptions, trainKeys, TrainPayloadSchema, trainQueueName, type TrainPayload } from './train-jobs.js';
import { readTrainRecord, writeTrainRecord, type TrainRecord } from './train-registry.js';

export class TrainControlError extends Error {
  override name = 'TrainControlError';
}

export interface TrainRequest {
  /** absolute path of the dataset, the same on every worker machine */
  dataset: string;
  cmd: string;
  gpus: number;
  name: string;
  retries: number;
  /** default: `<dataset's folder>/runs/<train id>` */
  runDir?: string;
  /** the build it waits for (`build --train-cmd`) */
  build?: string;
}

/**
 * What a folder holds, for `train`: a spatialgen dataset (a build or a conversion), a LeRobot export, or a VLM
 * export. Anything else is refused with one line: a training job on the wrong folder wastes a GPU day.
 */
export function datasetKind(dir: string): 'spatialgen' | 'lerobot' | 'vlm' {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new TrainControlError(`${dir} is not a folder`);
  const format = (file: string): unknown => {
    try {
      return (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { format?: unknown }).format;
    } catch {
      return undefined;
    }
  };
  if (format('manifest.json') === 'spatialgen-dataset') return 'spatialgen';
  if (format('meta.json') === 'spatialgen-vlm') return 'vlm';
  if (existsSync(join(dir, 'meta', 'info.json'))) return 'lerobot';
  throw new TrainControlError(`${dir} is not a dataset (no spatialgen manifest.json, LeRobot meta/info.json or VLM meta.json)`);
}

/** The record and first payload of a new training job, checked; nothing is written. */
export function planTrain(req: TrainRequest): { record: Omit<TrainRecord, 'cancel' | 'lines'>; payload: TrainPayload } {
  const trainId = newTrainId(req.name);
  const runDir = resolve(req.runDir ?? join(dirname(req.dataset), 'runs', trainId));
  const inside = relative(req.dataset, runDir);
  if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside))) {
    throw new TrainControlError(`the run folder ${runDir} is inside the dataset ${req.dataset}; a dataset stays as it was built (give --run-dir elsewhere)`);
  }
  const parsed = TrainPayloadSchema.safeParse({ trainId, dataset: req.dataset, runDir, cmd: req.cmd, gpus: req.gpus });
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new TrainControlError(`bad training job: ${i.path.join('.')}: ${i.message}`);
  }
  const record = {
    trainId, name: req.name, dataset: req.dataset, runDir, cmd: req.cmd, gpus: req.gpus, retries: req.retries, created: Date.now(),
    job: `${trainId}.1`, queue: trainQueueName(req.gpus), ...(req.build ? { build: req.build } : {}),
  };
  return { record, payload: parsed.data };
}

/** `spatialgen train`: the record, then the job. */
export async function enqueueTrain(q: QueueClient, req: TrainRequest): Promise<Omit<TrainRecord, 'cancel' | 'lines'>> {
  const { record, payload } = planTrain(req);
  await writeTrainRecord(q.redis, q.target.prefix, record);
  await q.queue(record.queue).add('train', payload, trainJobOptions(record.job, record.retries));
  return record;
}

/** Records a training job that waits for a build (its flow's parent, added by `withTrainParent`). */
export async function recordBuildTrain(q: QueueClient, req: TrainRequest): Promise<string> {
  const { record } = planTrain(req);
  await writeTrainRecord(q.redis, q.target.prefix, record);
  return record.trainId;
}

/** Removes a recorded training job that was never enqueued. */
export async function forgetTrain(q: QueueClient, trainId: string): Promise<void> {
  await q.redis.multi().del(trainKeys(q.target.prefix, trainId).record).zrem(trainIndexKey(q.target.prefix), trainId).exec();
}

/**
 * A run's flow with the training job as its parent, so BullMQ releases the training only when the build's root job
 * has verified the dataset (a failed build fails it: failParentOnFailure). On a later run of the same build (resume,
 * recovery), the training gets a new parent job unless it was already released, ran, or was cancelled; the parent of
 * a run that will never finish is removed (its children stay). Null when there is nothing to wait for.
 */
export async function withTrainParent(q: QueueClient, trainId: string, buildFlow: FlowJob): Promise<FlowJob | null> {
  const rec = await readTrainRecord(q.redis, q.target.prefix, trainId);
  if (!rec || rec.cancel) return null;
  const queue = q.queue(rec.queue);
  let jobId = rec.job;
  const old = await Job.fromId(queue, jobId);
  if (old) {
    const state = await old.getState();
    const released = ['waiting', 'delayed', 'prioritized'].includes(state) && !old.deferredFailure;
    if (state === 'active' || state === 'completed' || released) return null;
    if (state !== 'failed') await queue.remove(jobId, { removeChildren: false }).catch(() => {});
    const n = Number(/\.(\d+)$/.exec(jobId)?.[1] ?? 1);
    jobId = `${trainId}.${n + 1}`;
    await q.redis.hset(trainKeys(q.target.prefix, trainId).record, 'job', jobId);
  }
  const payload = TrainPayloadSchema.parse({ trainId, dataset: rec.dataset, runDir: rec.runDir, cmd: rec.cmd, gpus: rec.gpus });
  return {
    name: 'train',
    queueName: rec.queue,
    data: payload,
    opts: trainJobOptions(jobId, rec.retries),
    children: [{ ...buildFlow, opts: { ...buildFlow.opts, failParentOnFailure: true } }],
  };
}

export interface TrainStatus {
  train_id: string;
  name: string;
  state: 'waiting for build' | 'queued' | 'retry pending' | 'running' | 'done' | 'failed' | 'cancelled' | 'lost';
  gpus: number;
  /** GPU ids of the attempt running or last run */
  gpus_held: string[];
  host: string | null;
  attempt: number | null;
  elapsed_s: number | null;
  exit_code: number | null;
  last_line: string | null;
  error: string | null;
  dataset: string;
  run_dir: string;
  build: string | null;
  cmd: string;
}

export async function requireTrain(q: QueueClient, id: string): Promise<TrainRecord> {
  const rec = await readTrainRecord(q.redis, q.target.prefix, id);
  if (!rec) throw new TrainControlError(`no training job ${id} at ${q.target.display} (prefix ${q.target.prefix})`);
  return rec;
}

export async function trainStatus(q: QueueClient, known: TrainRecord): Promise<TrainStatus> {
  const job = await Job.fromId(q.queue(known.queue), known.job);
  const jobState = job ? await job.getState() : null;
  // read again after the job's state: a worker records how the command ended before it finishes the job, so a
  // finished job is never shown with the record of a moment before
  const rec = (await readTrainRecord(q.redis, q.target.prefix, known.trainId)) ?? known;
  let state: TrainStatus['state'];
  let error: string | null = null;
  if (jobState === 'completed') state = 'done';
  else if (jobState === 'active') state = 'running';
  else if (jobState === 'waiting-children') state = 'waiting for build';
  else if (jobState === 'delayed') state = 'retry pending';
  else if (jobState === 'failed') {
    state = job!.failedReason === 'cancelled' ? 'cancelled' : 'failed';
    if (state === 'failed') error = job!.failedReason;
  } else if (jobState === 'waiting' || jobState === 'prioritized') state = 'queued';
  else state = rec.cancel ? 'cancelled' : 'lost';
  if (state === 'queued' && job?.deferredFailure) error = job.deferredFailure;
  const a = rec.attempt?.job === rec.job ? rec.attempt : undefined;
  const end = state === 'running' ? Date.now() : rec.finished;
  return {
    train_id: rec.trainId,
    name: rec.name,
    state,
    gpus: rec.gpus,
    gpus_held: a?.gpus ?? [],
    host: a?.host ?? null,
    attempt: a?.number ?? null,
    elapsed_s: a && end !== undefined ? Math.max(0, Math.round((end - a.started) / 1000)) : null,
    exit_code: a ? rec.exitCode ?? null : null,
    last_line: rec.last ?? null,
    error,
    dataset: rec.dataset,
    run_dir: rec.runDir,
    build: rec.build ?? null,
    cmd: rec.cmd,
  };
}

/**
 * Cancel: a job not yet running is removed (a build it waits for goes on); a running one is stopped by its worker,
 * which reads the cancel flag every second (SIGTERM to the command's process group, SIGKILL after the grace period).
 */
export async function cancelTrain(q: QueueClient, id: string): Promise<'removed' | 'stopping'> {
  const rec = await requireTrain(q, id);
  const queue = q.queue(rec.queue);
  const job = await Job.fromId(queue, rec.job);
  const state = job ? await job.getState() : null;
  if (state === 'completed' || state === 'failed') throw new TrainControlError(`training job ${id} has already ${state === 'completed' ? 'completed' : 'failed'}; nothing to cancel`);
  await q.redis.hset(trainKeys(q.target.prefix, id).record, 'cancel', '1');
  if (state === 'active' || state === null) return 'stopping';
  try {
    await queue.remove(rec.job, { removeChildren: false });
    return 'removed';
  } catch {
    // taken by a worker in the meantime: it sees the flag within a second
    return 'stopping';
  }
}

/** The job log kept in Redis and the count of lines ever logged, read together (the worker writes both in one MULTI). */
async function readLog(q: QueueClient, rec: TrainRecord): Promise<{ lines: string[]; total: number }> {
  const [[, lines], [, count]] = (await q.redis.multi()
    .lrange(jobLogKey(q.target.prefix, rec.queue, rec.job), 0, -1)
    .hget(trainKeys(q.target.prefix, rec.trainId).record, 'lines')
    .exec()) as [[null, string[]], [null, string | null]];
  return { lines, total: Number(count ?? 0) };
}

/** Prints a job's log as it arrives until the job ends; resolves with its final status. */
export async function followTrain(q: QueueClient, id: string, write: (line: string) => void, pollMs = 500): Promise<TrainStatus> {
  let printed = 0;
  const printNew = async (rec: TrainRecord) => {
    const { lines, total } = await readLog(q, rec);
    const fresh = Math.min(total - printed, lines.length);
    for (const l of lines.slice(lines.length - fresh)) write(`${l}\n`);
    printed = total;
  };
  for (;;) {
    const rec = await requireTrain(q, id);
    await printNew(rec);
    const s = await trainStatus(q, rec);
    if (['done', 'failed', 'cancelled', 'lost'].includes(s.state)) {
      // the worker flushes the log before it finishes the job: one more read has every line
      await printNew(rec);
      return s;
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
