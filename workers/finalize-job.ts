// Finalize: committed fragments → the dataset directory. The one packing step of every build, embedded or queued,
// so both write the same bytes for the same config and seed.
//
// An episode that failed for good (its job ran out of retries: a crash, a timeout) left no fragment; it gets a
// failure fragment here, with the reason, so `episodes.arrow` lists every attempted episode and the count is exact.
// Packing reads fragments in index order and writes every file atomically with manifest.json last, so finalize can
// run again after a crash (or run twice) and leave the same dataset.
import { join } from 'node:path';
import type { BuildConfig } from '../schemas/config.js';
import { buildId, episodeId } from '../generators/episode.js';
import { packDataset, type PackResult } from '../export/pack.js';
import { readFragmentInfo, writeFragment } from '../export/fragment.js';
import { failedOutput } from './failed-episode.js';
import { libraryManifest } from '../generators/scene/objects.js';

export function workDirOf(outDir: string): string {
  return join(outDir, '.work');
}

export async function finalizeBuild(config: BuildConfig, outDir: string, failedForGood: ReadonlyMap<number, string> = new Map()): Promise<PackResult> {
  const workDir = workDirOf(outDir);
  const id = buildId(config);
  for (const [index, reason] of [...failedForGood].sort(([a], [b]) => a - b)) {
    // a fragment committed by an earlier attempt wins: the episode did finish
    if (await readFragmentInfo(workDir, episodeId(id, index))) continue;
    await writeFragment(workDir, failedOutput(config, index, `error: ${reason.split('\n')[0]}`));
  }
  return packDataset(outDir, {
    workDir, config, buildId: id, expectedEpisodes: config.episodes,
    rowsPerShard: config.output.rows_per_shard, splits: ['train', ...Object.keys(config.splits).sort()],
    extra: config.scene.objects === 'library' ? { asset_library: libraryManifest() } : {},
  });
}
