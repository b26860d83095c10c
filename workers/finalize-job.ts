// Finalize: the committed shard groups of a build → the dataset directory (export/assemble.ts). The last packing
// step of every build, embedded or queued, so both write the same bytes for the same config and seed.
//
// It starts once every shard job has committed its group (workers/shard-job.ts), numbers the groups' parts into
// shard names, renames them into place, merges the groups' stats and writes episodes.arrow, stats.json and
// manifest.json (last). Every step is atomic or re-runnable, so finalize can run again after a crash (or run twice)
// and leave the same dataset.
import type { BuildConfig } from '../schemas/config.js';
import { buildId } from '../schemas/identity.js';
import { assembleDataset, type PackResult } from '../export/assemble.js';
import { libraryManifest } from '../generators/scene/objects.js';
import { buildSplits, shardGroups } from '../schemas/identity.js';
import { workDirOf } from './work-dir.js';

export async function finalizeBuild(config: BuildConfig, outDir: string): Promise<PackResult> {
  return assembleDataset(outDir, {
    workDir: workDirOf(outDir), config, buildId: buildId(config), expectedEpisodes: config.episodes,
    splits: buildSplits(config), groups: shardGroups(config).map(({ split, group }) => ({ split, group })),
    extra: config.scene.objects === 'library' ? { asset_library: libraryManifest() } : {},
  });
}
