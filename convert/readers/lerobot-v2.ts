// LeRobot v2.0 / v2.1: one parquet file and one mp4 per camera per episode, at
//   data_path  = data/chunk-{episode_chunk:03d}/episode_{episode_index:06d}.parquet
//   video_path = videos/chunk-{episode_chunk:03d}/{video_key}/episode_{episode_index:06d}.mp4
// with episode_chunk = episode_index // chunks_size; `meta/episodes.jsonl` lists episodes (index, tasks, length) and
// `meta/tasks.jsonl` the task strings by task_index. Row timestamps are seconds from the episode start, which is
// also the episode video's clock.
import { existsSync } from 'node:fs';
import { join, resolve, basename } from 'node:path';
import { InputError } from '../errors.js';
import type { DemoCamera, DemoDataset, DemoEpisode } from '../episode.js';
import { assertVideoExists } from '../video.js';
import { type ReaderOptions, bytesCamera, checkVideo, datasetFile, probeOnce, pyFormat, readJsonl, videoCamera } from './common.js';
import { classifyFeatures, fieldsOf, imageBytes, readInfo, readParquet, splitOf, toNumber } from './lerobot-meta.js';

export async function openLerobotV2(root: string, opts: ReaderOptions): Promise<DemoDataset> {
  root = resolve(root);
  const info = readInfo(root);
  if (!info.version.startsWith('v2')) throw new InputError(join(root, 'meta/info.json'), `codebase_version ${info.version} is not v2.x`);
  const episodesPath = join(root, 'meta', 'episodes.jsonl');
  const episodes = readJsonl(episodesPath).map((e) => ({ index: Number(e.episode_index), tasks: (e.tasks ?? []) as string[], length: Number(e.length) }));
  if (episodes.length === 0) throw new InputError(episodesPath, 'lists no episodes');
  const tasks = new Map<number, string>(readJsonl(join(root, 'meta', 'tasks.jsonl')).map((t) => [Number(t.task_index), String(t.task)]));
  const { videos, images, fields } = classifyFeatures(info);
  if (videos.length && !info.video_path) throw new InputError(join(root, 'meta/info.json'), 'has video features but no video_path');

  const paths = (index: number) => {
    const v = { episode_chunk: Math.floor(index / info.chunks_size), episode_index: index };
    return {
      data: datasetFile(root, pyFormat(info.data_path, v), join(root, 'meta/info.json'), 'data_path'),
      video: (key: string) => datasetFile(root, pyFormat(info.video_path!, { ...v, video_key: key }), join(root, 'meta/info.json'), 'video_path'),
    };
  };
  // Every file must be there before anything is converted.
  for (const e of episodes) {
    const p = paths(e.index);
    if (!existsSync(p.data)) throw new InputError(p.data, `parquet file of episode ${e.index} is missing`);
    for (const c of videos) assertVideoExists(p.video(c.key));
  }

  return {
    name: basename(root),
    format: 'lerobot-v2',
    root,
    fps: info.fps,
    cameras: [...videos, ...images],
    fields,
    episodeCount: episodes.length,
    notes: [],
    async episode(i) {
      const e = episodes[i];
      if (!e) throw new RangeError(`episode ${i} of ${episodes.length}`);
      const p = paths(e.index);
      const rows = await readParquet(p.data, `parquet file of episode ${e.index}`);
      const rowsName = `episode ${e.index}`;
      if (rows.length !== e.length) throw new InputError(p.data, `has ${rows.length} rows, meta/episodes.jsonl says ${e.length}`);
      const timestamps = rows.map((r) => toNumber(r.timestamp));
      if (timestamps.some((t) => !Number.isFinite(t))) throw new InputError(p.data, 'timestamp column is missing or not numeric');
      const cams: DemoCamera[] = [];
      for (const c of videos) {
        const path = p.video(c.key);
        const vi = await probeOnce(path);
        checkVideo(path, vi, { count: rows.length, fps: info.fps, width: c.width, height: c.height, name: rowsName });
        cams.push(videoCamera(c.key, path, vi, timestamps, rowsName, opts));
      }
      for (const c of images) cams.push(bytesCamera(c.key, c.width, c.height, rows.map((r) => imageBytes(r[c.key])), p.data));
      const taskIndex = rows.length && rows[0].task_index !== undefined ? toNumber(rows[0].task_index) : null;
      const instruction = (taskIndex !== null ? tasks.get(taskIndex) : undefined) ?? e.tasks[0] ?? null;
      const ep: DemoEpisode = {
        dataset: basename(root), index: e.index, split: splitOf(info, e.index), instruction, fps: info.fps, length: rows.length,
        timestamps, fields: fieldsOf(rows, fields, p.data), cameras: cams,
      };
      return ep;
    },
  };
}
