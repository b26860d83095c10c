// LeRobot v2.1: one parquet file and one mp4 per camera per episode (paths in layout.ts), `meta/episodes.jsonl`
// (index, tasks, length), `meta/tasks.jsonl` and `meta/episodes_stats.jsonl`, which v2.1 aggregates into the
// dataset's stats when it loads.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PreparedEpisode } from './episode.js';
import { imageKey } from './features.js';
import { CHUNKS_SIZE, V21, v21Paths } from './layout.js';
import { hfFeaturesKv, writeParquet } from './parquet.js';
import { statsByFeatureJson } from './stats.js';
import { VideoWriter } from './video.js';
import type { LayoutWriter, WriterContext } from './writer.js';
import { jsonl } from './writer.js';

export function v21Writer(ctx: WriterContext): LayoutWriter {
  const episodes: string[] = [];
  const stats: string[] = [];
  let open: VideoWriter[] = [];
  return {
    async add(ep: PreparedEpisode) {
      const p = v21Paths(ep.index);
      const data = join(ctx.root, p.data);
      mkdirSync(dirname(data), { recursive: true });
      writeParquet(data, ep.columns, hfFeaturesKv(ep.columns));
      // cameras encode in parallel: one ffmpeg each
      open = ctx.cameras.map((cam) => new VideoWriter(join(ctx.root, p.video(imageKey(cam))), ctx.fps, `${imageKey(cam)} of episode ${ep.source.episodeId}`));
      await Promise.all(open.map(async (w, i) => {
        for (const img of ep.images.get(ctx.cameras[i])!) await w.write(img, `${ep.source.shard} (episode ${ep.source.episodeId})`);
        await w.close();
      }));
      open = [];
      episodes.push(JSON.stringify({ episode_index: ep.index, tasks: [ctx.tasks[ep.taskIndex]], length: ep.length }));
      stats.push(JSON.stringify({ episode_index: ep.index, stats: statsByFeatureJson(ep.stats) }));
    },
    async finish() {
      writeFileSync(join(ctx.root, 'meta', 'episodes.jsonl'), jsonl(episodes));
      writeFileSync(join(ctx.root, 'meta', 'episodes_stats.jsonl'), jsonl(stats));
      writeFileSync(join(ctx.root, 'meta', 'tasks.jsonl'), jsonl(ctx.tasks.map((task, task_index) => JSON.stringify({ task_index, task }))));
      return {
        version: V21.version,
        counts: { total_videos: episodes.length * ctx.cameras.length, total_chunks: Math.ceil(episodes.length / CHUNKS_SIZE) },
        sizes: {},
        paths: { data_path: V21.data_path, video_path: V21.video_path },
      };
    },
    abort() {
      for (const w of open) w.kill();
    },
  };
}
