// A build's identity: what names a build, its episodes and its shard groups. Every value here is a pure function of
// the resolved config (seed included), so the enqueuer, every worker, the shard jobs, finalize and a resume agree on
// it without storing it anywhere, and the same config gives the same dataset on any number of machines.
//
// A leaf: it imports no generator, asset, renderer or physics code, so the processes that only pack, enqueue or
// control builds load it in milliseconds.
//   buildId        first 16 hex digits of sha256 over the canonical JSON of the config
//   episodeId      `<first 8 of the build id>-<index, 6 digits>`
//   episodeSeed    the seed of episode i's random stream, from (config seed, i)
//   episodeSplit   the split of an episode, by a hash of its id: stable whatever the episode or worker count
//   shardGroups    each split's episodes in index order, cut into groups of `output.episodes_per_shard_job`
import { createHash } from 'node:crypto';
import { deriveSeed } from '../core/random.js';
import type { BuildConfig } from './config.js';

/** JSON with object keys sorted at every level and undefined values left out (as JSON.stringify does): the same value
 * always gives the same bytes. Build ids and asset content hashes both stand on it. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Build id: a hash of the resolved config (seed included), so the same build has the same id everywhere. */
export function buildId(config: BuildConfig): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 16);
}

/**
 * The id of a dataset written from anything other than a build config (a `convert`): a hash of the JSON of what made
 * it, as recorded in its manifest's `config`.
 */
export function datasetId(config: unknown): string {
  return createHash('sha256').update(JSON.stringify(config ?? null)).digest('hex').slice(0, 16);
}

export function episodeId(build: string, index: number): string {
  return `${build.slice(0, 8)}-${String(index).padStart(6, '0')}`;
}

export function episodeSeed(config: BuildConfig, index: number): number {
  return deriveSeed(config.seed, 'episode', index);
}

/** Split by a hash of the episode id: stable whatever the episode count or worker count. */
export function episodeSplit(config: BuildConfig, id: string): string {
  const u = deriveSeed(0, 'split', id) / 2 ** 32;
  let acc = 0;
  for (const [name, share] of Object.entries(config.splits).sort(([a], [b]) => a.localeCompare(b))) {
    acc += share;
    if (u < acc) return name;
  }
  return 'train';
}

/** The build's splits in dataset order: train, then the held-out ones by name. */
export function buildSplits(config: BuildConfig): string[] {
  return ['train', ...Object.keys(config.splits).sort()];
}

export interface ShardGroup {
  split: string;
  /** 0, 1, … within the split */
  group: number;
  /** the group's episode indices, ascending */
  indices: number[];
}

// a shard job's process packs many groups of the same build: the plan (~2 µs per episode) is made once per build
const cache = new Map<string, ShardGroup[]>();

/** Every shard group of the build, in (split, group) order; a split without episodes has none. */
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
