// The episode job processor: (config, index) → a committed fragment. Shared by the embedded runner and the
// queue workers, so both produce the same bytes. Errors that concern one episode become a failed episode record;
// errors of the environment (no GPU adapter, disk full) propagate and stop the build.
import type { BuildConfig } from '../schemas/config.js';
import type { EpisodeOutput } from '../schemas/records.js';
import { runEpisode } from '../generators/episode/run.js';
import { buildId, episodeId } from '../schemas/identity.js';
import { Renderer, RendererUnavailableError } from '../generators/rendering/index.js';
import { nonFiniteValue, readFragmentInfo, writeFragment, type FragmentInfo } from '../export/fragment.js';
import { LibraryError } from '../assets/core/index-file.js';
import { failedOutput } from './failed-episode.js';

export { failedOutput };

let renderer: Promise<Renderer> | undefined;

/** One renderer (one GPU device) per process, created on first use and kept for every later episode. */
export function processRenderer(): Promise<Renderer> {
  renderer ??= Renderer.create();
  return renderer;
}

/** A fault of the machine, not of the episode: the build (embedded) or the worker (queued) stops, nothing is recorded. */
export function isEnvironmentError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  return e instanceof RendererUnavailableError || e instanceof LibraryError || code === 'ENOSPC' || code === 'EACCES' || code === 'EROFS';
}

/** Runs episode `index` unless its fragment is already committed (a retried or resumed job does no work twice). */
export async function processEpisode(config: BuildConfig, index: number, workDir: string): Promise<FragmentInfo> {
  const done = await readFragmentInfo(workDir, episodeId(buildId(config), index));
  if (done) return done;
  let output: EpisodeOutput;
  try {
    output = await runEpisode(config, index, await processRenderer());
    const nonFinite = nonFiniteValue(output);
    if (nonFinite) output = failedOutput(config, index, `non_finite: ${nonFinite}`);
  } catch (e) {
    if (isEnvironmentError(e)) throw e;
    output = failedOutput(config, index, `error: ${(e as Error).message.split('\n')[0]}`);
  }
  return writeFragment(workDir, output);
}
