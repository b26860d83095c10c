// The exporter's input: a finished spatialgen dataset directory, read through its manifest (never by globbing, so a
// stray file is not data) and its stage-2 shards, yielded one whole episode at a time in export order (train first,
// then the other splits as the manifest lists them; shards and rows in their stored order). Only the columns the
// export uses are copied out of a shard, so depth and segmentation PNGs cost nothing.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import type { Manifest, ShardInfo } from '../export/index.js';
import { readListed, readManifest } from '../export/verify.js';
import type { BuildConfig } from '../schemas/config.js';
import { ExportError } from './errors.js';

export interface SourceDataset {
  dir: string;
  manifest: Manifest;
  config: BuildConfig;
  cameras: string[];
  /** stage-2 shards in export order, as the manifest lists them (path relative to `dir`) */
  shards: ShardInfo[];
}

export interface SourceEpisode {
  episodeId: string;
  /** the shard its first frame is in (absolute), to name in messages */
  shard: string;
  split: string;
  /** the episode's index in the spatialgen build (gaps where episodes failed) */
  sourceIndex: number;
  task: string;
  instruction: string;
  spatialPrompt: string;
  /** per frame, the asked columns: numbers as flat number[], images as their encoded bytes */
  frames: Record<string, number[] | Uint8Array | null>[];
}

/** The dataset at `input`, its manifest checked; a stage-2 shard is checked against it when it is read. */
export async function openSource(input: string): Promise<SourceDataset> {
  const dir = resolve(input);
  if (!existsSync(dir)) throw new ExportError(dir, 'dataset directory does not exist');
  if (!statSync(dir).isDirectory()) throw new ExportError(dir, 'not a directory');
  const manifest = await readManifest(dir);
  const stage2 = manifest.shards.filter((s) => s.kind === 'stage2');
  if (!manifest.stage2_layout || stage2.length === 0) {
    throw new ExportError(join(dir, 'stage2'), 'no stage-2 episodes to export (the dataset has no stage-2 shards)');
  }
  const order = ['train', ...Object.keys(manifest.splits ?? {}).filter((s) => s !== 'train')];
  const rank = (split: string) => (order.includes(split) ? order.indexOf(split) : order.length);
  const shards = [...stage2].sort((a, b) => rank(a.split) - rank(b.split) || a.split.localeCompare(b.split) || a.path.localeCompare(b.path));
  for (const s of shards) if (!existsSync(join(dir, s.path))) throw new ExportError(join(dir, s.path), 'stage-2 shard listed in manifest.json is missing');
  return { dir, manifest, config: manifest.config as BuildConfig, cameras: manifest.stage2_layout.cameras, shards };
}

/** Arrow value → flat numbers (nested lists flattened in order), bytes of an image struct, or null. */
function plain(v: unknown): number[] | Uint8Array | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return [v];
  if (typeof v === 'bigint') return [Number(v)];
  const bytes = (v as { bytes?: unknown }).bytes;
  // copied so a yielded episode does not keep its whole shard's buffer alive
  if (bytes instanceof Uint8Array) return bytes.slice();
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
  const out: number[] = [];
  for (const x of v as Iterable<unknown>) out.push(...(plain(x) as number[] | null ?? []));
  return out;
}

const META = ['episode_id', 'split', 'episode_index', 'frame_index', 'task', 'instruction', 'spatial_prompt'];

/** Whole episodes in export order; an episode may continue from one shard into the next of its split. */
export async function* readEpisodes(src: SourceDataset, columns: readonly string[]): AsyncGenerator<SourceEpisode> {
  let current: SourceEpisode | null = null;
  for (const shard of src.shards) {
    const path = join(src.dir, shard.path);
    // size and sha256 first: a flipped bit must not reach the export as data
    const bytes = await readListed(src.dir, shard);
    let table;
    try {
      table = tableFromIPC(bytes);
    } catch (e) {
      throw new ExportError(path, `not a readable Arrow stream (${(e as Error).message})`);
    }
    const get = (name: string) => {
      const v = table.getChild(name);
      if (!v) throw new ExportError(path, `stage-2 shard has no column ${name}`);
      return v;
    };
    const meta = Object.fromEntries(META.filter((n) => n !== 'split').map((n) => [n, get(n)]));
    const vectors = columns.map((c) => [c, get(c)] as const);
    for (let i = 0; i < table.numRows; i++) {
      const id = String(meta.episode_id.get(i));
      if (current && (current.episodeId !== id || current.split !== shard.split)) {
        yield current;
        current = null;
      }
      current ??= {
        episodeId: id, shard: path, split: shard.split, sourceIndex: Number(meta.episode_index.get(i)), task: String(meta.task.get(i)),
        instruction: String(meta.instruction.get(i)), spatialPrompt: String(meta.spatial_prompt.get(i)), frames: [],
      };
      const frameIndex = Number(meta.frame_index.get(i));
      if (frameIndex !== current.frames.length) {
        throw new ExportError(path, `episode ${id}: row ${i} is frame ${frameIndex}, expected frame ${current.frames.length}`);
      }
      current.frames.push(Object.fromEntries(vectors.map(([c, v]) => [c, plain(v.get(i))])));
    }
  }
  if (current) yield current;
}
