// The shard groups of a build: which episodes each shard job packs. A pure function of the config — every split's
// episode indices (the split is a hash of the episode id, generators/episode.ts) in index order, cut into runs of
// `output.episodes_per_shard_job` — so the enqueuer, every shard job, finalize and the embedded runner agree on it
// without storing it anywhere, and a re-run or a resume finds the same groups.
import type { BuildConfig } from '../schemas/config.js';
import { buildId, episodeId, episodeSplit } from '../generators/episode.js';

export interface ShardGroup {
  split: string;
  /** 0, 1, … within the split */
  group: number;
  /** the group's episode indices, ascending */
  indices: number[];
}

/** The build's splits in dataset order: train, then the held-out ones by name. */
export function buildSplits(config: BuildConfig): string[] {
  return ['train', ...Object.keys(config.splits).sort()];
}

// a shard job's process packs many groups of the same build: the plan (~2 µs per episode) is made once per build
const cache = new Map<string, ShardGroup[]>();

/** Every group of the build, in (split, group) order; a split without episodes has none. */
export function shardGroups(config: BuildConfig): ShardGroup[] {
  const id = buildId(config);
  const hit = cache.get(id);
  if (hit) return hit;
  const bySplit = new Map(buildSplits(config).map((s) => [s, [] as number[]]));
  for (let i = 0; i < config.episodes; i++) {
    const split = episodeSplit(config, episodeId(id, i));
    const list = bySplit.get(split);
    if (!list) throw new Error(`episode ${i} of build ${id} is in split ${split}, which the config does not name`);
    list.push(i);
  }
  const size = config.output.episodes_per_shard_job;
  const groups: ShardGroup[] = [];
  for (const [split, indices] of bySplit) {
    for (let g = 0; g * size < indices.length; g++) groups.push({ split, group: g, indices: indices.slice(g * size, (g + 1) * size) });
  }
  if (cache.size >= 4) cache.delete(cache.keys().next().value!);
  cache.set(id, groups);
  return groups;
}

/** One group of the build, or null when it has no such group. */
export function shardGroup(config: BuildConfig, split: string, group: number): ShardGroup | null {
  return shardGroups(config).find((g) => g.split === split && g.group === group) ?? null;
}
