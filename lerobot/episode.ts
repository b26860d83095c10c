// One spatialgen episode made into LeRobot rows: the parquet columns (numeric features as list<float>, LeRobot's
// bookkeeping columns), its feature statistics, and its colour frames per camera for the video writer. Timestamps
// are frame_index / fps exactly (LeRobot checks rows against that grid and seeks videos by it); `index` counts frames
// over the whole export.
import { ExportError } from './errors.js';
import type { Column } from './parquet.js';
import { type NumericFeature, featureValues, imageKey } from './features.js';
import type { SourceEpisode } from './source.js';
import { type StatsByFeature, imageStats, vectorStats } from './stats.js';

export interface PreparedEpisode {
  source: SourceEpisode;
  /** contiguous 0..N-1 in export order */
  index: number;
  /** the first frame's `index` */
  firstFrame: number;
  taskIndex: number;
  length: number;
  columns: Column[];
  stats: StatsByFeature;
  /** encoded colour frames per camera */
  images: Map<string, Uint8Array[]>;
}

export async function prepareEpisode(
  ep: SourceEpisode, numeric: readonly NumericFeature[], cameras: readonly string[],
  at: { index: number; firstFrame: number; taskIndex: number; fps: number; where: string },
): Promise<PreparedEpisode> {
  const n = ep.frames.length;
  const columns: Column[] = [];
  const stats: StatsByFeature = new Map();
  const images = new Map<string, Uint8Array[]>();
  for (const cam of cameras) {
    const frames = ep.frames.map((f) => f[imageKey(cam)] as Uint8Array);
    images.set(cam, frames);
    const bad = (i: number, e: Error) => new ExportError(ep.shard, `episode ${ep.episodeId}, ${cam} frame ${i}: not a decodable image (${e.message.split('\n')[0]})`);
    stats.set(imageKey(cam), { stats: await imageStats(frames, bad), image: true });
  }
  for (const f of numeric) {
    const values = featureValues(ep, f, at.where);
    columns.push({ name: f.key, kind: 'f32list', values });
    stats.set(f.key, { stats: vectorStats(values), image: false });
  }
  const frame = Array.from({ length: n }, (_, i) => i);
  const book: [string, Column['kind'], number[]][] = [
    ['timestamp', 'f32', frame.map((i) => Math.fround(i / at.fps))],
    ['frame_index', 'i64', frame],
    ['episode_index', 'i64', frame.map(() => at.index)],
    ['index', 'i64', frame.map((i) => at.firstFrame + i)],
    ['task_index', 'i64', frame.map(() => at.taskIndex)],
  ];
  for (const [name, kind, values] of book) {
    columns.push({ name, kind, values });
    stats.set(name, { stats: vectorStats(values.map((v) => [v])), image: false });
  }
  return { source: ep, index: at.index, firstFrame: at.firstFrame, taskIndex: at.taskIndex, length: n, columns, stats, images };
}

/** Columns of several episodes back to back (a v3.0 data file). */
export function concatColumns(episodes: readonly PreparedEpisode[]): Column[] {
  if (episodes.length === 0) return [];
  return episodes[0].columns.map((c, j) => ({ name: c.name, kind: c.kind, values: episodes.flatMap((e) => e.columns[j].values) }));
}
