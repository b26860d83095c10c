// Packing in one call: the committed fragments of a work directory → the dataset directory of SPEC §A dataset
// directory, for writers that have all their fragments at once (`convert`, tests). Builds split the same two steps
// over jobs instead: one shard job per group of episodes (export/shard-group.ts), then finalize
// (export/assemble.ts). Here every split is one group.
//
// Determinism: fragments are taken in episode_index order (never completion order), shard sizes are planned from the
// fragments' committed row counts and byte sizes, and nothing time- or host-dependent is written, so the same
// fragments give byte-identical files. Crash safety: the groups are packed afresh on every call and assembled as
// finalize does (manifest.json removed first and written last, shards renamed into place whole), so a crashed pack
// run again gives the same result. Only one pack may run on a directory at a time.
import { rm } from 'node:fs/promises';
import type { Stage2Layout } from '../schemas/stage2.js';
import { assembleDataset, type PackResult } from './assemble.js';
import type { CodeVersion } from './manifest.js';
import { listFragments, type FragmentInfo } from './fragment.js';
import { checkSplitName, packGroup, shardsDir, unionLayout, type GroupKey, type PartLimits } from './shard-group.js';

export { failureCode, type PackResult } from './assemble.js';

export interface PackOptions {
  /** where the build's fragments were committed (`<workDir>/fragments/`) */
  workDir: string;
  /** the full resolved config, stored in the manifest as given */
  config: unknown;
  /** default: first 16 hex digits of sha256 of the config's JSON, so equal configs give equal ids */
  buildId?: string;
  /** default: codeVersion() (package.json version + git HEAD) */
  codeVersion?: CodeVersion;
  /** row limit per shard; default 50 000 for stage 1 and 5 000 for stage 2 */
  rowsPerShard?: number | { stage1?: number; stage2?: number };
  /** byte target per shard (estimated from fragment sizes); default 500 MB, as HF's max_shard_size */
  targetShardBytes?: number;
  /** split order (and splits to create even without episodes); others follow: train, validation, test, then by name */
  splits?: string[];
  /** stage-2 layout when no episode has frames; when given it must match the fragments' cameras */
  layout?: Stage2Layout;
  /** also pack the rows of failed episodes (default false: failed demos are not training data) */
  includeFailed?: boolean;
  /** fail unless exactly this many fragments are committed */
  expectedEpisodes?: number;
  /** extra top-level manifest fields (e.g. skipped_assets, source, calibration); must not clash with reserved keys */
  extra?: Record<string, unknown>;
  statsMaxSamples?: number;
}

const KNOWN_SPLITS = ['train', 'validation', 'test'];

function splitOrder(infos: readonly FragmentInfo[], given: readonly string[] = []): string[] {
  const seen = [...new Set(infos.map((i) => i.episode.split))].filter((s) => !given.includes(s));
  const rank = (s: string) => (KNOWN_SPLITS.includes(s) ? KNOWN_SPLITS.indexOf(s) : KNOWN_SPLITS.length);
  seen.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return [...given, ...seen].map(checkSplitName);
}

/** Shard limits of both kinds: rows per shard (default 50 000 stage-1, 5 000 stage-2 rows) and the byte target. */
export function partLimits(rowsPerShard?: PackOptions['rowsPerShard'], targetShardBytes = 500_000_000): PartLimits {
  const rows = (kind: 'stage1' | 'stage2') => (typeof rowsPerShard === 'number' ? rowsPerShard : (rowsPerShard?.[kind] ?? (kind === 'stage1' ? 50_000 : 5_000)));
  return { stage1: { rowsPerShard: rows('stage1'), targetShardBytes }, stage2: { rowsPerShard: rows('stage2'), targetShardBytes } };
}

/** Packs the committed fragments of `opts.workDir` into the dataset directory `outDir`; manifest.json is written last. */
export async function packDataset(outDir: string, opts: PackOptions): Promise<PackResult> {
  const infos = await listFragments(opts.workDir);
  if (opts.expectedEpisodes !== undefined && infos.length !== opts.expectedEpisodes) {
    throw new Error(`expected ${opts.expectedEpisodes} committed episodes, found ${infos.length}`);
  }
  const splits = splitOrder(infos, opts.splits);
  const layout = unionLayout(infos, opts.layout);
  await rm(shardsDir(opts.workDir), { recursive: true, force: true });
  const groups: GroupKey[] = [];
  for (const split of splits) {
    const eps = infos.filter((i) => i.episode.split === split);
    if (eps.length === 0) continue;
    const key = { split, group: 0 };
    await packGroup(opts.workDir, key, eps, {
      limits: partLimits(opts.rowsPerShard, opts.targetShardBytes),
      layout,
      ...(opts.includeFailed ? { includeFailed: true } : {}),
      ...(opts.statsMaxSamples ? { statsMaxSamples: opts.statsMaxSamples } : {}),
    });
    groups.push(key);
  }
  return assembleDataset(outDir, { ...opts, splits, groups });
}
