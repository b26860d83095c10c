// LeRobot v3.0: episodes back to back in shared files. A data file (`data/chunk-CCC/file-FFF.parquet`) and, per
// camera, a video file (`videos/<key>/chunk-CCC/file-FFF.mp4`) hold the same run of episodes; a new pair starts
// when the next episode would take the file past `framesPerFile` (20 000 frames: about 200–300 MB of 256×256 video
// per camera, under LeRobot's 500 MB video target). `meta/episodes/chunk-000/file-000.parquet` gives each episode
// its data file, its row range and, per camera, its file and from/to timestamps on that file's clock;
// `meta/tasks.parquet` maps task_index to the task string, kept as the pandas index as LeRobot reads it.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type PreparedEpisode, concatColumns } from './episode.js';
import { imageKey } from './features.js';
import { V30, pyFormat, v30Position } from './layout.js';
import { type Column, hfFeaturesKv, writeParquet } from './parquet.js';
import { VideoWriter } from './video.js';
import { type StatsByFeature, statsJson } from './stats.js';
import type { LayoutInfo, LayoutWriter, WriterContext } from './writer.js';

export const DEFAULT_FRAMES_PER_FILE = 20_000;

interface EpisodeRow {
  ep: Omit<PreparedEpisode, 'images' | 'columns'>;
  file: number;
  /** first frame's time in the file's videos */
  from: number;
}

/** pandas' footer metadata that makes `task` the frame's index (LeRobot looks task strings up by index label). */
const PANDAS_TASKS = JSON.stringify({
  index_columns: ['task'],
  column_indexes: [{ name: null, field_name: null, pandas_type: 'unicode', numpy_type: 'object', metadata: { encoding: 'UTF-8' } }],
  columns: [
    { name: 'task_index', field_name: 'task_index', pandas_type: 'int64', numpy_type: 'int64', metadata: null },
    { name: 'task', field_name: 'task', pandas_type: 'unicode', numpy_type: 'object', metadata: null },
  ],
  creator: { library: 'spatialgen', version: '1' },
  pandas_version: '2.2.0',
});

/**
 * The episodes file's `stats/<feature>/<stat>` columns: each episode's own stats, shaped as in stats.json (images'
 * [3][1][1], count [n]). LeRobot's resume() + save_episode casts new rows to them, and split_dataset /
 * delete_episodes aggregate them.
 */
function statsColumns(perEpisode: readonly StatsByFeature[]): Column[] {
  const first = perEpisode[0];
  if (!first) return [];
  const out: Column[] = [];
  for (const [feature, { image }] of first) {
    const json = perEpisode.map((s) => statsJson(s.get(feature)!.stats, image));
    for (const stat of Object.keys(json[0])) {
      const kind: Column['kind'] = stat === 'count' ? 'i64list' : image ? 'f64list3' : 'f64list';
      out.push({ name: `stats/${feature}/${stat}`, kind, values: json.map((j) => j[stat]) });
    }
  }
  return out;
}

export function v30Writer(ctx: WriterContext, framesPerFile = DEFAULT_FRAMES_PER_FILE): LayoutWriter {
  const rows: EpisodeRow[] = [];
  let file = 0;
  let pending: PreparedEpisode[] = [];
  let videos: VideoWriter[] = [];
  let framesInFile = 0;

  const path = (template: string, n: number, key?: string) => join(ctx.root, pyFormat(template, { ...v30Position(n), ...(key ? { video_key: key } : {}) }));
  const flush = async () => {
    if (pending.length === 0) return;
    const data = path(V30.data_path, file);
    mkdirSync(dirname(data), { recursive: true });
    const columns = concatColumns(pending);
    writeParquet(data, columns, hfFeaturesKv(columns));
    await Promise.all(videos.map((w) => w.close()));
    pending = [];
    videos = [];
    framesInFile = 0;
    file++;
  };

  return {
    async add(ep: PreparedEpisode) {
      if (framesInFile > 0 && framesInFile + ep.length > framesPerFile) await flush();
      if (videos.length === 0) {
        videos = ctx.cameras.map((cam) => new VideoWriter(path(V30.video_path, file, imageKey(cam)), ctx.fps, `${imageKey(cam)} file ${file}`));
      }
      await Promise.all(videos.map(async (w, i) => {
        for (const img of ep.images.get(ctx.cameras[i])!) await w.write(img, `${ep.source.shard} (episode ${ep.source.episodeId})`);
      }));
      rows.push({ ep: { ...ep }, file, from: framesInFile / ctx.fps });
      framesInFile += ep.length;
      // the frames now live in the encoders; keep only the rows for the data file
      pending.push({ ...ep, images: new Map() });
    },
    async finish(): Promise<LayoutInfo> {
      await flush();
      const col = (name: string, kind: Column['kind'], f: (r: EpisodeRow) => unknown): Column => ({ name, kind, values: rows.map(f) });
      const pos = (r: EpisodeRow) => v30Position(r.file);
      const episodes = [
        col('episode_index', 'i64', (r) => r.ep.index),
        col('tasks', 'utf8list', (r) => [ctx.tasks[r.ep.taskIndex]]),
        col('length', 'i64', (r) => r.ep.length),
        col('data/chunk_index', 'i64', (r) => pos(r).chunk_index),
        col('data/file_index', 'i64', (r) => pos(r).file_index),
        col('dataset_from_index', 'i64', (r) => r.ep.firstFrame),
        col('dataset_to_index', 'i64', (r) => r.ep.firstFrame + r.ep.length),
        ...ctx.cameras.flatMap((cam) => {
          const k = `videos/${imageKey(cam)}`;
          return [
            col(`${k}/chunk_index`, 'i64', (r) => pos(r).chunk_index),
            col(`${k}/file_index`, 'i64', (r) => pos(r).file_index),
            col(`${k}/from_timestamp`, 'f64', (r) => r.from),
            col(`${k}/to_timestamp`, 'f64', (r) => r.from + r.ep.length / ctx.fps),
          ];
        }),
        ...statsColumns(rows.map((r) => r.ep.stats)),
        col('meta/episodes/chunk_index', 'i64', () => 0),
        col('meta/episodes/file_index', 'i64', () => 0),
      ];
      const meta = path(V30.episodes_path, 0);
      mkdirSync(dirname(meta), { recursive: true });
      writeParquet(meta, episodes);
      writeParquet(join(ctx.root, 'meta', 'tasks.parquet'), [
        { name: 'task_index', kind: 'i64', values: ctx.tasks.map((_, i) => i) },
        { name: 'task', kind: 'utf8', values: ctx.tasks },
      ], { pandas: PANDAS_TASKS });
      return {
        version: V30.version,
        counts: {},
        sizes: { data_files_size_in_mb: 100, video_files_size_in_mb: 500 },
        paths: { data_path: V30.data_path, video_path: V30.video_path },
      };
    },
    abort() {
      for (const w of videos) w.kill();
    },
  };
}
