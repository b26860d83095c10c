// The jobs of a queued build and their payloads (zod-checked when enqueued and again when processed).
//
// A build is one BullMQ flow per run:
//   build          (queue `builds`)    marks the build done once its dataset verifies, removes the fragments
//   └ finalize     (queue `builds`)    numbers the shard groups' parts and renames them into place, merges their
//     │                                stats, writes episodes.arrow, stats.json and manifest.json (manifest last)
//     └ shard × G  (queue `builds`)    one group of a split's episodes (schemas/identity.ts shardGroups): records the
//       │                              group's failed-for-good episodes, packs its fragments into shard parts
//       └ episode × ≤ episodes_per_shard_job (`episodes`)   one episode → one committed fragment
// Flow-parent semantics give exactly-once packing: a shard job starts only when every episode of its group has
// finished and finalize only when every shard job has; each reads committed files in index order and commits its
// own output last (a fragment's, a group's record, the manifest), so a re-run writes the same bytes and a job that
// finds its output committed does nothing. Groups are fixed by the config (split by episode-id hash, index order),
// so every run, worker and the embedded runner cut the same ones. Convert and import flows have no shard stage:
// their items are children of finalize directly.
//
// The config travels once, in the build's Redis hash (workers/build-registry.ts), not in every episode job: a job is
// `{buildId, outDir, index}`, ~100 bytes, so a queue of 100 000 episodes costs megabytes of Redis, not the ~200 MB
// that a copy of the config per job would. The worker reads the config (cached per build) and hands it to the
// sandboxed processor together with the payload.
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import type { JobsOptions } from 'bullmq';
import { SPLIT_NAME } from '../export/shard-group.js';

const BuildIdSchema = z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 lowercase hex digits');
const OutDirSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => isAbsolute(p), 'must be an absolute path (the same on every worker machine)')
  .refine((p) => resolve(p) !== '/' && !/[\0\n\r]/.test(p), 'must name a folder below / (no NUL or line break)');

/** a per-item job: a build's episode, a convert's source episode, an import's model */
export const ItemPayloadSchema = z.strictObject({
  buildId: BuildIdSchema,
  outDir: OutDirSchema,
  index: z.number().int().min(0).max(2 ** 31 - 1),
});
export const FinalizePayloadSchema = z.strictObject({
  buildId: BuildIdSchema,
  outDir: OutDirSchema,
  run: z.number().int().min(1),
  total: z.number().int().min(1),
});
export const ShardPayloadSchema = z.strictObject({
  buildId: BuildIdSchema,
  outDir: OutDirSchema,
  run: z.number().int().min(1),
  split: z.string().regex(SPLIT_NAME, 'must be letters, digits and _ (it is part of the job id and of file names)'),
  group: z.number().int().min(0).max(2 ** 31 - 1),
});
export const BuildPayloadSchema = z.strictObject({
  buildId: BuildIdSchema,
  outDir: OutDirSchema,
  run: z.number().int().min(1),
});
export type ItemPayload = z.infer<typeof ItemPayloadSchema>;
export type ShardPayload = z.infer<typeof ShardPayloadSchema>;
export type FinalizePayload = z.infer<typeof FinalizePayloadSchema>;
export type BuildPayload = z.infer<typeof BuildPayloadSchema>;

// Every queued job has one of four shapes, whatever it does: a per-item job (queue `episodes`), optionally a shard
// job that starts once its group of items has finished, the finalize that starts once all of its children have
// finished, and the root (queue `builds`) that marks the run done. Builds, convert and asset imports are the three
// kinds of such flows; the job name says kind and stage, and the payload schema is the stage's (checked by
// `parsePayload`). What a kind's jobs need besides the payload (a build config, a convert spec, the model list of an
// import) travels once, in the record.
export const JOB_KINDS = {
  /** episodes of a dataset build (workers/episode-job.ts, workers/shard-job.ts, workers/finalize-job.ts) */
  build: { item: 'episode', shard: 'shard', finalize: 'finalize', root: 'build' },
  /** episodes of a recorded dataset converted (workers/convert-job.ts) */
  convert: { item: 'convert-episode', finalize: 'convert-finalize', root: 'convert' },
  /** models imported into an asset library (workers/import-job.ts) */
  import: { item: 'import-model', finalize: 'import-index', root: 'import' },
} as const;
export type JobKind = keyof typeof JOB_KINDS;
export type JobStage = 'item' | 'shard' | 'finalize' | 'root';
type Kinds = typeof JOB_KINDS;
type NameOf<S extends JobStage> = { [K in JobKind]: S extends keyof Kinds[K] ? Kinds[K][S] : never }[JobKind];
export type JobName = NameOf<JobStage>;

const STAGE_OF = new Map<string, { kind: JobKind; stage: JobStage }>(
  (Object.keys(JOB_KINDS) as JobKind[]).flatMap((kind) => Object.entries(JOB_KINDS[kind]).map(([stage, name]) => [name, { kind, stage: stage as JobStage }] as const)),
);
export const JOB_NAMES = [...STAGE_OF.keys()] as JobName[];

/** Kind and stage of a job name; null for a name no spatialgen job has. */
export function stageOf(name: string): { kind: JobKind; stage: JobStage } | null {
  return STAGE_OF.get(name) ?? null;
}

/** The name of a kind's shard stage, or null for kinds whose items are finalize's children. */
export function shardStageOf(kind: JobKind): NameOf<'shard'> | null {
  const names = JOB_KINDS[kind];
  return 'shard' in names ? names.shard : null;
}

/** The stage whose jobs are the items' parents: it collects the items that failed for good. */
export function itemParentStage(kind: JobKind): 'shard' | 'finalize' {
  return shardStageOf(kind) ? 'shard' : 'finalize';
}

const STAGE_SCHEMAS = { item: ItemPayloadSchema, shard: ShardPayloadSchema, finalize: FinalizePayloadSchema, root: BuildPayloadSchema };
type SchemaOf<N extends JobName> = N extends NameOf<'item'> ? typeof ItemPayloadSchema : N extends NameOf<'shard'> ? typeof ShardPayloadSchema
  : N extends NameOf<'finalize'> ? typeof FinalizePayloadSchema : typeof BuildPayloadSchema;
const SCHEMAS = Object.fromEntries([...STAGE_OF].map(([name, { stage }]) => [name, STAGE_SCHEMAS[stage]])) as { [N in JobName]: SchemaOf<N> };

export class BadPayloadError extends Error {
  override name = 'BadPayloadError';
}

/** The payload of a `name` job, or one line saying what is wrong with it. */
export function parsePayload<N extends JobName>(name: string, data: unknown): z.infer<(typeof SCHEMAS)[N]> {
  if (!STAGE_OF.has(name)) throw new BadPayloadError(`unknown job name ${JSON.stringify(name)} (known: ${JOB_NAMES.join(', ')})`);
  const r = SCHEMAS[name as N].safeParse(data);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new BadPayloadError(`bad ${name} job payload: ${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`);
  }
  return r.data as z.infer<(typeof SCHEMAS)[N]>;
}

// Job ids name the build, the run and the episode, so the dashboard reads like the build and progress can be
// filtered from QueueEvents by prefix. BullMQ forbids ':' in custom ids.
export const runJobId = (buildId: string, run: number) => `${buildId}.r${run}`;
export const finalizeJobId = (buildId: string, run: number) => `${buildId}.r${run}.finalize`;
export const itemJobId = (buildId: string, run: number, index: number) => `${buildId}.r${run}.e${index}`;
export const shardJobId = (buildId: string, run: number, split: string, group: number) => `${buildId}.r${run}.s${split}.g${group}`;
const ITEM_JOB_ID = /^([0-9a-f]{16})\.r(\d+)\.e(\d+)$/;

/** (build id, run, index) of an episode job id, or null for any other job. */
export function parseItemJobId(id: string | undefined): { buildId: string; run: number; index: number } | null {
  const m = id ? ITEM_JOB_ID.exec(id) : null;
  return m ? { buildId: m[1], run: Number(m[2]), index: Number(m[3]) } : null;
}

/**
 * The child named by a deferred failure: with `failParentOnFailure`, BullMQ fails a parent later, when a worker
 * takes it, with the reason "child <prefix>:<queue>:<job id> failed". Null for any other reason.
 */
export function deferredFailureChild(reason: string | undefined): { queue: string; jobId: string } | null {
  const m = /^child (\S+) failed$/.exec(reason ?? '');
  if (!m) return null;
  const parts = m[1].split(':');
  return parts.length >= 3 ? { queue: parts[parts.length - 2], jobId: parts[parts.length - 1] } : null;
}

export interface RetryPolicy {
  /** tries per episode before it is recorded as failed (default 3) */
  attempts: number;
  /** first retry delay in ms; doubles each time (default 2000) */
  backoffMs: number;
}
export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, backoffMs: 2000 };

export function itemJobOptions(retry: RetryPolicy): JobsOptions {
  return {
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffMs },
    // a finished episode lives on as its fragment, its result in the parent's `processed` hash: keep Redis small
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600 },
    // an episode that fails for good must not fail the build: its parent (shard job, or finalize of a convert or
    // import) records it with its reason
    ignoreDependencyOnFailure: true,
  };
}

/** Options of a shard job and of finalize: packing steps. */
export function finalizeJobOptions(retry: RetryPolicy): JobsOptions {
  return {
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffMs },
    // a dataset that cannot be packed is a failed build, visible on the build job and to `build`/`status`: a shard
    // job's failure fails finalize, whose failure fails the build job
    failParentOnFailure: true,
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

export function buildJobOptions(retry: RetryPolicy): JobsOptions {
  return { attempts: retry.attempts, backoff: { type: 'exponential', delay: retry.backoffMs }, removeOnComplete: { age: 30 * 24 * 3600 }, removeOnFail: { age: 30 * 24 * 3600 } };
}

/** What an item job (a build's episode, a convert's episode, an import's model) returns (kept tiny: it is stored in
 * its parent's `processed` hash). */
export interface ItemResult {
  index: number;
  success: boolean;
  /** set when the job did no work because its build was cancelled or superseded */
  skipped?: string;
}
