// The sandboxed job processor: BullMQ forks child processes that load this file and hand them one job at a time.
// Rendering (Dawn, native) and physics (Rapier, wasm) run here, so a crash in either kills this child — the job
// fails and is retried — never the worker that holds the job's lock. Each child keeps its renderer for every later
// episode (workers/episode-job.ts).
//
// The worker (workers/queue-worker.ts) has already checked the payload and looked up the run's record in Redis (a
// build's config, a convert's spec, an import's model list); it sends `{payload, configJson, failedForGood}`. All
// are checked again here: a child never trusts its input.
import '../core/orphan-guard.js';
import { rm } from 'node:fs/promises';
import type { SandboxedJob } from 'bullmq';
import { parseBuildConfig, type BuildConfig } from '../schemas/config.js';
import { buildId } from '../schemas/identity.js';
import { verifyDataset } from '../export/verify.js';
import { parsePayload, type ItemResult, type JobName } from './queue-jobs.js';
import { finalizeBuild } from './finalize-job.js';
import { packShardGroup } from './shard-job.js';
import { workDirOf } from './work-dir.js';
import { UnrecoverableJobError } from './job-errors.js';

/** What the worker sends the child for one job. */
export interface SandboxInput {
  payload: unknown;
  configJson?: string;
  /** the items' parent only (a shard job; a convert's or import's finalize): item index → reason, for items whose
   * jobs ran out of retries */
  failedForGood?: Record<string, string>;
}


function configOf(input: SandboxInput, id: string): BuildConfig {
  if (typeof input.configJson !== 'string') throw new UnrecoverableJobError(`build ${id}: no config was sent with the job`);
  let config: BuildConfig;
  try {
    config = parseBuildConfig(JSON.parse(input.configJson), `build ${id}`);
  } catch (e) {
    throw new UnrecoverableJobError((e as Error).message);
  }
  // the build id is the config's hash: a mismatch means the record and the job belong to different builds
  if (buildId(config) !== id) throw new UnrecoverableJobError(`build ${id}: its stored config hashes to ${buildId(config)}`);
  return config;
}

function payloadOf<N extends JobName>(name: N, data: unknown) {
  try {
    return parsePayload<N>(name, data);
  } catch (e) {
    throw new UnrecoverableJobError((e as Error).message);
  }
}

async function episode(input: SandboxInput): Promise<ItemResult> {
  const p = payloadOf('episode', input.payload);
  const config = configOf(input, p.buildId);
  if (p.index >= config.episodes) throw new UnrecoverableJobError(`episode index ${p.index} is outside build ${p.buildId} (${config.episodes} episodes)`);
  // loaded on first use: a child that only packs never loads the renderer
  const { processEpisode, isEnvironmentError } = await import('./episode-job.js');
  try {
    const info = await processEpisode(config, p.index, workDirOf(p.outDir));
    return { index: p.index, success: info.episode.success };
  } catch (e) {
    // this machine cannot render (no adapter) or write (disk full): the worker stops taking jobs
    if (isEnvironmentError(e)) throw new Error(`environment: ${(e as Error).message.split('\n')[0]}`);
    throw e;
  }
}

async function shard(input: SandboxInput): Promise<{ split: string; group: number; episodes: number; parts: number }> {
  const p = payloadOf('shard', input.payload);
  const config = configOf(input, p.buildId);
  const r = await packShardGroup(config, p.outDir, { split: p.split, group: p.group }, failedMap(input));
  return { split: r.split, group: r.group, episodes: r.episodes.length, parts: r.parts.length };
}

async function finalize(input: SandboxInput): Promise<{ episodes: number; succeeded: number }> {
  const p = payloadOf('finalize', input.payload);
  const config = configOf(input, p.buildId);
  const { manifest } = await finalizeBuild(config, p.outDir);
  return { episodes: manifest.counts.episodes_attempted, succeeded: manifest.counts.episodes_succeeded };
}

async function build(input: SandboxInput): Promise<{ verified: true }> {
  const p = payloadOf('build', input.payload);
  await verifyDataset(p.outDir);
  await rm(workDirOf(p.outDir), { recursive: true, force: true });
  return { verified: true };
}

// convert and import jobs: their modules load on first use (a build's job process never loads the converters)
function recordOf<T>(input: SandboxInput, parse: (json: string) => T, id: string): T {
  if (typeof input.configJson !== 'string') throw new UnrecoverableJobError(`${id}: no record was sent with the job`);
  try {
    return parse(input.configJson);
  } catch (e) {
    throw new UnrecoverableJobError((e as Error).message);
  }
}

const failedMap = (input: SandboxInput) => new Map(Object.entries(input.failedForGood ?? {}).map(([i, r]) => [Number(i), String(r)]));

async function convertJob(name: 'convert-episode' | 'convert-finalize' | 'convert', input: SandboxInput): Promise<unknown> {
  const p = payloadOf(name, input.payload);
  const c = await import('./convert-job.js');
  const rec = recordOf(input, (json) => c.parseConvertRecord(json, p.buildId, p.outDir), `convert ${p.buildId}`);
  if (name === 'convert-episode') return c.convertItem(rec, p.buildId, p.outDir, (p as { index: number }).index);
  if (name === 'convert-finalize') return c.convertFinalize(rec, p.buildId, p.outDir, failedMap(input));
  return { converted: true };
}

async function importJob(name: 'import-model' | 'import-index' | 'import', input: SandboxInput): Promise<unknown> {
  const p = payloadOf(name, input.payload);
  const m = await import('./import-job.js');
  const rec = recordOf(input, (json) => m.parseImportRecord(json, p.buildId, p.outDir), `import ${p.buildId}`);
  if (name === 'import-model') return m.importItem(rec, p.buildId, p.outDir, (p as { index: number }).index);
  if (name === 'import-index') return m.importFinalize(rec, p.buildId, p.outDir, failedMap(input));
  await m.importDone(p.outDir, p.buildId);
  return { imported: true };
}

/** One processor entry for every kind of job: the job name says which (workers/queue-jobs.ts `JOB_KINDS`). */
export default async function processJob(job: SandboxedJob<SandboxInput>): Promise<unknown> {
  const input = job.data ?? { payload: undefined };
  switch (job.name) {
    case 'episode':
      return episode(input);
    case 'shard':
      return shard(input);
    case 'finalize':
      return finalize(input);
    case 'build':
      return build(input);
    case 'convert-episode':
    case 'convert-finalize':
    case 'convert':
      return convertJob(job.name, input);
    case 'import-model':
    case 'import-index':
    case 'import':
      return importJob(job.name, input);
    default:
      throw new UnrecoverableJobError(`unknown job name ${JSON.stringify(job.name)}`);
  }
}
