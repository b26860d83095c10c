// Waiting for a queued run of any kind (a convert, an asset import) the way `build --redis` waits for a build: N
// local workers serve the queues meanwhile (0: rely on `spatialgen worker`s elsewhere), progress comes from the same
// watcher (QueueEvents + the record's bitmaps), and Ctrl-C stops waiting, not the run.
import { Job } from 'bullmq';
import type { QueueClient } from './build-flow.js';
import { watchBuild, type Progress, type WatchResult } from './build-watch.js';
import { finalizeJobId } from './queue-jobs.js';
import { QueueWorker } from './queue-worker.js';

export interface RunWaitOptions {
  /** items in the run (progress total) */
  total: number;
  /** local worker processes while waiting */
  workers: number;
  lockMs: number;
  /** what the run is, for the Ctrl-C line: "convert 0123…" */
  what: string;
  onProgress?: (p: Progress) => void;
  onNote?: (line: string) => void;
}

export type RunWaitResult = WatchResult | { state: 'fatal'; error: string };

export async function waitForRun(q: QueueClient, id: string, opts: RunWaitOptions): Promise<RunWaitResult> {
  const local = opts.workers > 0
    ? new QueueWorker(q.target, { concurrency: opts.workers, queues: ['episodes', 'builds'], lockMs: opts.lockMs, log: () => {} })
    : null;
  const interrupt = () => {
    process.stderr.write(`spatialgen: stopped waiting; ${opts.what} goes on in the queue (spatialgen status ${id})\n`);
    void (local ? local.close(true) : Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  try {
    const watch = watchBuild(q, id, { total: opts.total, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}), ...(opts.onNote ? { onNote: opts.onNote } : {}) });
    const fatal = local ? local.fatalReason.then((r) => ({ state: 'fatal' as const, error: r })) : new Promise<never>(() => {});
    return await Promise.race([watch, fatal]);
  } finally {
    process.off('SIGINT', interrupt);
    await local?.close();
  }
}

/** What the finalize job of a run returned (kept 7 days after it completed); null when Redis no longer has it. */
export async function finalizeResult<T>(q: QueueClient, id: string, run: number): Promise<T | null> {
  const job = await Job.fromId(q.builds, finalizeJobId(id, run));
  const v: unknown = job?.returnvalue;
  if (v === undefined || v === null) return null;
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}
