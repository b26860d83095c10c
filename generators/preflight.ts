// What a build checks before its first episode, so that a mistake in the setup is one line and nothing written or
// enqueued, never a dataset of episodes that all failed for the same reason. The checks, in the order a build makes
// them:
//   1. the config: schema, ranges, cameras, splits, coordinate format, limits   (schemas/config.ts, on parsing)
//   2. the asset library: it loads, has the configured categories and something to draw   (here)
//   3. the output folder: new, empty or this build's unfinished run; never an input, `/`, home or here   (export/out-dir.ts)
//   4. with --redis: the server answers, the login and the database number are accepted   (workers/queue-connection.ts)
// What is left to fail during a build is about one episode (a grasp that slips, a scene without a feasible task) or
// about the machine running it (no GPU adapter, disk full, a library broken meanwhile): the first is that episode's
// failure, recorded with its reason; the second stops the build (embedded) or the worker (queued), and records nothing.
import type { BuildConfig } from '../schemas/config.js';
import { checkLibraryFor } from './scene/objects.js';

/** Throws one line when this machine cannot build `config` for a reason that no episode could change. */
export function preflightBuild(config: BuildConfig): void {
  checkLibraryFor(config);
}
