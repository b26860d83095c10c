// LeRobot v3.0: many episodes per file.
//   data_path  = data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet            (rows of many episodes)
//   video_path = videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4  (episodes back to back)
//   meta/episodes/chunk-*/file-*.parquet: per episode `data/chunk_index`, `data/file_index`, `tasks`, `length`,
//     `videos/<key>/{chunk_index,file_index,from_timestamp,to_timestamp}`
//   meta/tasks.parquet: `task_index` and the task string (pandas writes the index as `task` or `__index_level_0__`).
// Row timestamps are seconds from the episode start; on the video's clock a row is at from_timestamp + timestamp.
import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import type { DemoCamera, DemoDataset, DemoEpisode } from '../episode.js';
import { assertVideoExists } from '../video.js';
import { type ReaderOptions, bytesCamera, checkVideo, datasetFile, probeOnce, pyFormat, videoCamera } from './common.js';
import { type Row, classifyFeatures, fieldsOf, imageBytes, readInfo, readParquet, splitOf, toNumber } from './lerobot-meta.js';

/** meta/episodes/chunk-XXX/file-YYY.parquet in chunk, file order. */
function episodeFiles(root: string): string[] {
  const dir = join(root, 'meta', 'episodes');
  if (!existsSync(dir)) throw new InputError(dir, 'episode metadata folder is missing');
  const out: string[] = [];
  for (const chunk of readdirSync(dir).filter((d) => /^chunk-\d+$/.test(d)).sort()) {
    for (const f of readdirSync(join(dir, chunk)).filter((f) => /^file-\d+\.parquet$/.test(f)).sort()) out.push(join(dir, chunk, f));
  }
  if (out.length === 0) throw new InputError(dir, 'holds no chunk-*/file-*.parquet');
  return out;
}

function taskString(r: Row): string | undefined {
  for (const k of ['task', '__index_level_0__']) if (typeof r[k] === 'string') return r[k] as string;
  return undefined;
}

export async function openLerobotV3(root: string, opts: ReaderOptions): Promise<DemoDataset> {
  root = resolve(root);
  const info = readInfo(root);
  if (!info.version.startsWith('v3')) throw new InputError(join(root, 'meta/info.json'), `codebase_version ${info.version} is not v3.x`);
  const { videos, images, fields } = classifyFeatures(info);
  if (videos.length && !info.video_path) throw new InputError(join(root, 'meta/info.json'), 'has video features but no video_path');

  const metaFiles = episodeFiles(root);
  const episodes: { row: Row; file: string }[] = [];
  for (const f of metaFiles) for (const row of await readParquet(f, 'episode metadata')) episodes.push({ row, file: f });
  episodes.sort((a, b) => toNumber(a.row.episode_index) - toNumber(b.row.episode_index));
  const tasksPath = join(root, 'meta', 'tasks.parquet');
  const tasks = new Map<number, string>();
  if (existsSync(tasksPath)) for (const r of await readParquet(tasksPath, 'meta/tasks.parquet')) {
    const s = taskString(r);
    if (s !== undefined) tasks.set(toNumber(r.task_index), s);
  }

  const need = (e: { row: Row; file: string }, col: string): number => {
    const v = e.row[col];
    if (v === undefined || v === null) throw new InputError(e.file, `episode ${String(e.row.episode_index)} has no "${col}"`);
    return toNumber(v);
  };
  const dataPath = (e: { row: Row; file: string }) =>
    datasetFile(root, pyFormat(info.data_path, { chunk_index: need(e, 'data/chunk_index'), file_index: need(e, 'data/file_index') }), join(root, 'meta/info.json'), 'data_path');
  const videoPath = (e: { row: Row; file: string }, key: string) => datasetFile(root, pyFormat(info.video_path!, {
    video_key: key, chunk_index: need(e, `videos/${key}/chunk_index`), file_index: need(e, `videos/${key}/file_index`),
  }), join(root, 'meta/info.json'), 'video_path');
  // Every file must be there before anything is converted.
  for (const e of episodes) {
    const d = dataPath(e);
    if (!existsSync(d)) throw new InputError(d, `data file of episode ${String(e.row.episode_index)} is missing`);
    for (const c of videos) assertVideoExists(videoPath(e, c.key));
  }

  // Data files hold many episodes: keep the last one read, since jobs tend to go through episodes in order.
  let cached: { path: string; rows: Promise<Row[]> } | null = null;
  const dataRows = (path: string) => {
    if (cached?.path !== path) cached = { path, rows: readParquet(path, 'data file') };
    return cached.rows;
  };

  return {
    name: basename(root),
    format: 'lerobot-v3',
    root,
    fps: info.fps,
    cameras: [...videos, ...images],
    fields,
    episodeCount: episodes.length,
    notes: [],
    async episode(i) {
      const e = episodes[i];
      if (!e) throw new RangeError(`episode ${i} of ${episodes.length}`);
      const index = toNumber(e.row.episode_index);
      const rowsName = `episode ${index}`;
      const d = dataPath(e);
      const rows = (await dataRows(d)).filter((r) => toNumber(r.episode_index) === index);
      rows.sort((a, b) => toNumber(a.frame_index) - toNumber(b.frame_index));
      const length = need(e, 'length');
      if (rows.length !== length) throw new InputError(d, `has ${rows.length} rows of ${rowsName}, the episode metadata says ${length}`);
      const timestamps = rows.map((r) => toNumber(r.timestamp));
      if (timestamps.some((t) => !Number.isFinite(t))) throw new InputError(d, 'timestamp column is missing or not numeric');
      const cams: DemoCamera[] = [];
      for (const c of videos) {
        const path = videoPath(e, c.key);
        const from = need(e, `videos/${c.key}/from_timestamp`);
        const to = need(e, `videos/${c.key}/to_timestamp`);
        const vi = await probeOnce(path);
        checkVideo(path, vi, { count: rows.length, fps: info.fps, span: [from, to], width: c.width, height: c.height, name: rowsName });
        cams.push(videoCamera(c.key, path, vi, timestamps.map((t) => from + t), rowsName, opts));
      }
      for (const c of images) cams.push(bytesCamera(c.key, c.width, c.height, rows.map((r) => imageBytes(r[c.key])), d));
      const taskIndex = rows.length && rows[0].task_index !== undefined ? toNumber(rows[0].task_index) : null;
      const listed = Array.isArray(e.row.tasks) ? (e.row.tasks as string[]) : [];
      const instruction = (taskIndex !== null ? tasks.get(taskIndex) : undefined) ?? listed[0] ?? null;
      const ep: DemoEpisode = {
        dataset: basename(root), index, split: splitOf(info, index), instruction, fps: info.fps, length: rows.length,
        timestamps, fields: fieldsOf(rows, fields, d), cameras: cams,
      };
      return ep;
    },
  };
}
