// DatasetView: what `spatialgen view` reads from a dataset directory, lazily. Nothing is loaded whole: shards are
// indexed by record batch (viewer/arrow-file.ts), an episode's frames are found by reading the episode-id column of
// stage-2 batches (not their images), and only the batches a page shows are decoded, a few kept in a small cache.
// Memory is therefore bounded by the batch cache and per-episode index entries, not by the dataset's size.
//
// Only files the manifest lists, and that lie inside the dataset, are ever opened.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Table } from 'apache-arrow';
import { isInside, realPath } from '../core/paths.js';
import { tableRecords, type PlainRecord } from '../export/arrow-codec.js';
import { MANIFEST_FORMAT, type Manifest, type ShardInfo } from '../export/manifest.js';
import { failureCode } from '../export/assemble.js';
import { ArrowStreamFile } from './arrow-file.js';

export class NotADatasetError extends Error {
  override name = 'NotADatasetError';
}

/** An episode as the episode table lists it (episodes.arrow without the environment and language records). */
export interface EpisodeSummary {
  episode_index: number;
  episode_id: string;
  split: string;
  task: string | null;
  instruction: string;
  success: boolean;
  failure_reason: string | null;
  num_frames: number;
  assets: string[];
}

export interface EpisodeFilter {
  split?: string;
  task?: string;
  success?: boolean;
  reason?: string;
}

/** Where an episode's stage-2 rows are: consecutive rows, possibly over several batches and shards. */
interface Run {
  shard: string;
  batch: number;
  /** first row inside the batch */
  start: number;
  count: number;
}

const IMAGE_COLUMN = /^observation\.(images|depth|segmentation)\./;
/** What the player draws and plots of a stage-2 row (camera matrices, 3D points and joint positions stay in the shard). */
const PLAYER_COLUMN = /^(frame_index|timestamp|instruction|spatial_prompt|action|observation\.state|annotations\.[^.]+\.(boxes|trace_2d|grasp_point|place_point))$/;
const BATCH_CACHE = 4;

export class DatasetView {
  readonly manifest: Manifest;
  private readonly files = new Map<string, ArrowStreamFile>();
  private readonly cache = new Map<string, Table>();
  /** stage-2 shard → the runs of episodes in it, once its episode-id columns have been read */
  private readonly stage2Runs = new Map<string, { id: string; run: Run }[]>();
  private overviewCache: unknown;

  private constructor(readonly dir: string) {
    const path = join(dir, 'manifest.json');
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new NotADatasetError(`${dir} is not a folder`);
    let m: Manifest;
    try {
      m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    } catch {
      throw new NotADatasetError(`${dir} is not a spatialgen dataset (no readable manifest.json)`);
    }
    if (m?.format !== MANIFEST_FORMAT || !Array.isArray(m.shards) || !Array.isArray(m.files)) {
      throw new NotADatasetError(`${dir} is not a spatialgen dataset (its manifest.json does not say "format": "${MANIFEST_FORMAT}")`);
    }
    // every listed file must be there, inside, with its size (a full hash check is `build`'s and `export`'s job)
    for (const f of [...m.shards, ...m.files]) {
      const p = resolve(dir, f.path);
      if (!isInside(realPath(p), realPath(dir))) throw new NotADatasetError(`${path}: ${f.path} lies outside the dataset`);
      if (!existsSync(p) || statSync(p).size !== f.bytes) throw new NotADatasetError(`${p}: missing, or not the ${f.bytes} bytes its manifest says`);
    }
    this.manifest = m;
  }

  static open(dir: string): DatasetView {
    return new DatasetView(resolve(dir));
  }

  /** The stage-2 cameras and the optional depth / segmentation images. */
  get layout(): { cameras: string[]; depth: string[]; segmentation: string[] } {
    return this.manifest.stage2_layout ?? { cameras: [], depth: [], segmentation: [] };
  }

  shards(kind: 'stage1' | 'stage2', split?: string): ShardInfo[] {
    return this.manifest.shards.filter((s) => s.kind === kind && (split === undefined || s.split === split));
  }

  private file(rel: string): ArrowStreamFile {
    let f = this.files.get(rel);
    if (!f) this.files.set(rel, (f = ArrowStreamFile.open(join(this.dir, rel))));
    return f;
  }

  /** A decoded batch, from a small least-recently-used cache. */
  private batch(rel: string, i: number): Table {
    const key = `${rel}#${i}`;
    let t = this.cache.get(key);
    if (t) {
      this.cache.delete(key);
    } else {
      t = this.file(rel).readBatch(i);
      if (this.cache.size >= BATCH_CACHE) this.cache.delete(this.cache.keys().next().value!);
    }
    this.cache.set(key, t);
    return t;
  }

  /** Every episodes.arrow row, batch by batch (nothing kept); `summaryOnly` skips the environment and language
   * records, which tables and counts do not show (they are most of a row's decoding time). */
  *episodeRows(summaryOnly = false): Generator<PlainRecord> {
    if (!this.manifest.files.some((f) => f.path === 'episodes.arrow')) return;
    const f = this.file('episodes.arrow');
    const keep = summaryOnly ? (name: string) => name !== 'environment' && name !== 'language' : undefined;
    for (let b = 0; b < f.batchCount; b++) yield* tableRecords(f.readBatch(b), keep);
  }

  episodes(filter: EpisodeFilter, offset: number, limit: number): { total: number; rows: EpisodeSummary[] } {
    const rows: EpisodeSummary[] = [];
    let total = 0;
    for (const r of this.episodeRows(true)) {
      const e = summary(r);
      if (filter.split !== undefined && e.split !== filter.split) continue;
      if (filter.task !== undefined && e.task !== filter.task) continue;
      if (filter.success !== undefined && e.success !== filter.success) continue;
      // the code the manifest counts failed episodes by (its failure_reasons keys)
      if (filter.reason !== undefined && (e.success || failureCode(e.failure_reason) !== filter.reason)) continue;
      if (total >= offset && rows.length < limit) rows.push(e);
      total++;
    }
    return { total, rows };
  }

  /** One episodes.arrow row, whole; null when there is none with this index. */
  episodeRecord(index: number): PlainRecord | null {
    for (const r of this.episodeRows()) if (r.episode_index === index) return r;
    return null;
  }

  private indexStage2(rel: string): { id: string; run: Run }[] {
    let runs = this.stage2Runs.get(rel);
    if (runs) return runs;
    runs = [];
    const f = this.file(rel);
    for (let b = 0; b < f.batchCount; b++) {
      const ids = f.readStrings(b, 'episode_id');
      for (let r = 0; r < ids.length; r++) {
        const last = runs[runs.length - 1];
        if (last && last.id === ids[r] && last.run.batch === b) last.run.count++;
        else runs.push({ id: ids[r], run: { shard: rel, batch: b, start: r, count: 1 } });
      }
    }
    this.stage2Runs.set(rel, runs);
    return runs;
  }

  /** Where an episode's frames are, in order; [] when it has none (a failed episode of a build that keeps none). */
  frameRuns(episodeId: string, split: string): Run[] {
    const out: Run[] = [];
    for (const s of this.shards('stage2', split)) {
      const runs = this.indexStage2(s.path).filter((x) => x.id === episodeId).map((x) => x.run);
      if (runs.length === 0 && out.length > 0) break; // consecutive rows: once past them, done
      out.push(...runs);
    }
    return out;
  }

  /** The stage-2 rows of an episode, without images; `all` keeps every other column, else only what the player shows. */
  episodeFrames(runs: readonly Run[], all = false): PlainRecord[] {
    const keep = all ? (name: string) => !IMAGE_COLUMN.test(name) : (name: string) => PLAYER_COLUMN.test(name);
    return runs.flatMap((r) => tableRecords(this.batch(r.shard, r.batch), keep, r.start, r.start + r.count));
  }

  /** One stored image of a frame: `observation.images.<cam>` (colour), `observation.depth.<cam>`, `observation.segmentation.<cam>`. */
  frameImage(runs: readonly Run[], frame: number, column: string): Uint8Array | null {
    let i = frame;
    for (const r of runs) {
      if (i < r.count) {
        const t = this.batch(r.shard, r.batch);
        const v = t.getChild(column)?.get(r.start + i) as { bytes?: Uint8Array } | null;
        return v?.bytes ?? null;
      }
      i -= r.count;
    }
    return null;
  }

  /**
   * Stage-1 samples of one split (and task type), from a cursor: {shard index, row}. Only the task-type column is
   * read to find matches; the batches of the samples returned are decoded, without their images.
   */
  stage1(split: string, type: string | undefined, cursor: { shard: number; row: number }, limit: number): { samples: PlainRecord[]; next: { shard: number; row: number } | null } {
    const shards = this.shards('stage1', split);
    const samples: PlainRecord[] = [];
    let { shard, row } = cursor;
    while (shard < shards.length) {
      const f = this.file(shards[shard].path);
      while (row < f.rows) {
        const at = f.locate(row);
        const types = f.readStrings(at.batch, 'task_type');
        for (let r = at.row; r < types.length; r++, row++) {
          if (type !== undefined && types[r] !== type) continue;
          if (samples.length === limit) return { samples, next: { shard, row } };
          const [rec] = tableRecords(this.batch(shards[shard].path, at.batch), (n) => n !== 'image', r, r + 1);
          samples.push({ ...rec, _shard: shard, _row: row });
        }
      }
      shard++;
      row = 0;
    }
    return { samples, next: null };
  }

  /** The image of a stage-1 sample. */
  stage1Image(split: string, shard: number, row: number): Uint8Array | null {
    const s = this.shards('stage1', split)[shard];
    if (!s || row < 0 || row >= s.rows) return null;
    const f = this.file(s.path);
    const at = f.locate(row);
    const v = this.batch(s.path, at.batch).getChild('image')?.get(at.row) as { bytes?: Uint8Array } | null;
    return v?.bytes ?? null;
  }

  /** stats.json as written. */
  stats(): unknown {
    if (!this.manifest.files.some((f) => f.path === 'stats.json')) return {};
    return JSON.parse(readFileSync(join(this.dir, 'stats.json'), 'utf8'));
  }

  /** State and action of up to `n` stage-2 rows, spread over the dataset's batches (for histograms). */
  sampleRows(n: number): { state: number[][]; action: number[][] } {
    const state: number[][] = [];
    const action: number[][] = [];
    const refs = this.shards('stage2').flatMap((s) => Array.from({ length: this.file(s.path).batchCount }, (_, b) => ({ s: s.path, b })));
    const per = Math.max(1, Math.ceil(n / Math.max(1, refs.length)));
    const step = Math.max(1, Math.floor(refs.length / n));
    for (let k = 0; k < refs.length && state.length < n; k += step) {
      const f = this.file(refs[k].s);
      // only the two columns: a batch is decoded, its images are not converted
      const rows = tableRecords(f.readBatch(refs[k].b), (c) => c === 'observation.state' || c === 'action');
      for (const r of rows.slice(0, per)) {
        state.push(r['observation.state'] as number[]);
        action.push(r.action as number[]);
      }
    }
    return { state: state.slice(0, n), action: action.slice(0, n) };
  }

  /** Counts the overview page shows, from the manifest and one pass over episodes.arrow (then kept). */
  overview(categoryOf: (assetId: string) => string): unknown {
    if (this.overviewCache) return this.overviewCache;
    const byTask = new Map<string, { n: number; ok: number }>();
    const byCategory = new Map<string, { n: number; ok: number }>();
    const count = (m: Map<string, { n: number; ok: number }>, k: string, ok: boolean) => {
      const c = m.get(k) ?? { n: 0, ok: 0 };
      c.n++;
      if (ok) c.ok++;
      m.set(k, c);
    };
    for (const r of this.episodeRows(true)) {
      const e = summary(r);
      count(byTask, e.task ?? '(none)', e.success);
      // the task's objects: the first assets are the ones the task names (distractors are listed apart)
      for (const a of new Set(e.assets.map(categoryOf))) count(byCategory, a, e.success);
    }
    const table = (m: Map<string, { n: number; ok: number }>) => [...m].sort((a, b) => b[1].n - a[1].n).map(([k, v]) => ({ key: k, episodes: v.n, succeeded: v.ok, rate: v.n ? v.ok / v.n : 0 }));
    const m = this.manifest;
    this.overviewCache = {
      dir: this.dir,
      build_id: m.build_id,
      format_version: m.format_version,
      code_version: m.code_version,
      counts: m.counts,
      splits: m.splits,
      layout: this.layout,
      shards: m.shards.map((s) => ({ kind: s.kind, split: s.split, path: s.path, rows: s.rows, bytes: s.bytes })),
      by_task: table(byTask),
      by_category: table(byCategory),
      config: m.config,
      source: m.source ?? null,
    };
    return this.overviewCache;
  }
}

export function summary(r: PlainRecord): EpisodeSummary {
  return {
    episode_index: r.episode_index as number,
    episode_id: r.episode_id as string,
    split: r.split as string,
    task: (r.task as string | null) ?? null,
    instruction: (r.instruction as string | null) ?? '',
    success: r.success === true,
    failure_reason: (r.failure_reason as string | null) ?? null,
    num_frames: (r.num_frames as number | null) ?? 0,
    assets: (r.assets as string[] | null) ?? [],
  };
}
