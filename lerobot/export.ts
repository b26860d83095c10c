// `export lerobot`: a spatialgen dataset's stage-2 episodes → a LeRobot dataset (v2.1 or v3.0) that
// `LeRobotDataset(repo_id, root=OUT)` loads. Episodes are renumbered 0..N-1 in export order (train, then the other
// splits); `meta/spatialgen_episodes.jsonl` maps each back to its spatialgen episode id, split and build index. Every
// file is written under a hidden temp folder next to OUT, renamed into place only when complete, so a failure leaves
// nothing behind and a reader never sees half an export.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkOutDir, moveIntoPlace, siblingTemp } from '../export/out-dir.js';
import { ExportError } from './errors.js';
import { type PreparedEpisode, prepareEpisode } from './episode.js';
import { type NumericFeature, infoFeatures, numericFeatures, sourceColumns } from './features.js';
import { CHUNKS_SIZE, LEROBOT_VERSIONS, type LerobotVersion } from './layout.js';
import { type SourceDataset, openSource, readEpisodes } from './source.js';
import { type StatsByFeature, mergeEpisodeStats, statsByFeatureJson } from './stats.js';
import { modalityJson } from './modality.js';
import { v21Writer } from './write-v21.js';
import { v30Writer } from './write-v30.js';
import { type LayoutWriter, type WriterContext, jsonl } from './writer.js';

export interface ExportOptions {
  version: string;
  /** v3.0: frames per data / video file before a new one starts */
  framesPerFile?: number;
  onEpisode?: (done: number) => void;
}

export interface ExportResult {
  outDir: string;
  version: LerobotVersion;
  episodes: number;
  frames: number;
  tasks: number;
}

export function checkVersion(v: string): LerobotVersion {
  if (!(LEROBOT_VERSIONS as readonly string[]).includes(v)) throw new ExportError('--version', `unknown LeRobot version "${v}" (expected ${LEROBOT_VERSIONS.join(' or ')})`);
  return v as LerobotVersion;
}

/** robot_type: the arm, or `pusher` for push tasks (a rod, not the configured arm). */
const robotType = (src: SourceDataset) => (src.config.task?.kind === 'push' ? 'pusher' : String(src.config.task?.robot ?? 'unknown'));

export async function exportLerobot(input: string, outArg: string, opts: ExportOptions): Promise<ExportResult> {
  const version = checkVersion(opts.version);
  const src = await openSource(input);
  const rules = { inputs: [src.dir] };
  const out = checkOutDir(outArg, rules).path;
  const fps = Number(src.config.recording?.hz);
  if (!(fps > 0)) throw new ExportError(join(src.dir, 'manifest.json'), 'config has no recording.hz');
  const sizes = new Map((src.config.cameras ?? []).map((c) => [c.name, c]));
  for (const cam of src.cameras) {
    const c = sizes.get(cam);
    if (!c) throw new ExportError(join(src.dir, 'manifest.json'), `camera ${cam} is not in the config`);
    if (c.width % 2 || c.height % 2) throw new ExportError(join(src.dir, 'manifest.json'), `camera ${cam} is ${c.width}x${c.height}; h264 yuv420p video needs even sizes`);
  }

  const tmp = siblingTemp(out, 'export');
  mkdirSync(join(tmp, 'meta'), { recursive: true });
  const ctx: WriterContext = { root: tmp, source: src.dir, fps, cameras: src.cameras, tasks: [] };
  const writer: LayoutWriter = version === 'v2.1' ? v21Writer(ctx) : v30Writer(ctx, opts.framesPerFile);
  try {
    const mapping: string[] = [];
    const stats: StatsByFeature[] = [];
    const splits: Record<string, [number, number]> = {};
    let numeric: NumericFeature[] | null = null;
    let frames = 0;
    for await (const ep of readEpisodes(src, sourceColumns(src))) {
      if (ep.frames.length === 0) continue;
      numeric ??= numericFeatures(src, ep);
      const index = mapping.length;
      let taskIndex = ctx.tasks.indexOf(ep.instruction);
      if (taskIndex < 0) taskIndex = ctx.tasks.push(ep.instruction) - 1;
      const prepared: PreparedEpisode = await prepareEpisode(ep, numeric, src.cameras, { index, firstFrame: frames, taskIndex, fps, where: src.dir });
      await writer.add(prepared);
      stats.push(prepared.stats);
      splits[ep.split] = [splits[ep.split]?.[0] ?? index, index + 1];
      mapping.push(JSON.stringify({
        episode_index: index, episode_id: ep.episodeId, split: ep.split, source_episode_index: ep.sourceIndex,
        task: ep.task, instruction: ep.instruction, spatial_prompt: ep.spatialPrompt, length: ep.frames.length,
      }));
      frames += ep.frames.length;
      opts.onEpisode?.(mapping.length);
    }
    if (!numeric) throw new ExportError(join(src.dir, 'stage2'), 'no successful episodes to export (the stage-2 shards hold no frames)');
    const layout = await writer.finish();
    const info = {
      codebase_version: layout.version,
      robot_type: robotType(src),
      total_episodes: mapping.length,
      total_frames: frames,
      total_tasks: ctx.tasks.length,
      ...layout.counts,
      chunks_size: CHUNKS_SIZE,
      ...layout.sizes,
      fps,
      splits: Object.fromEntries(Object.entries(splits).map(([k, [a, b]]) => [k, `${a}:${b}`])),
      ...layout.paths,
      features: infoFeatures(src.cameras.map((cam) => ({ cam, width: sizes.get(cam)!.width, height: sizes.get(cam)!.height })), numeric, fps),
    };
    writeFileSync(join(tmp, 'meta', 'info.json'), `${JSON.stringify(info, null, 4)}\n`);
    writeFileSync(join(tmp, 'meta', 'modality.json'), `${JSON.stringify(modalityJson(numeric, src.cameras), null, 4)}\n`);
    writeFileSync(join(tmp, 'meta', 'stats.json'), `${JSON.stringify(statsByFeatureJson(mergeEpisodeStats(stats)), null, 4)}\n`);
    writeFileSync(join(tmp, 'meta', 'spatialgen_episodes.jsonl'), jsonl(mapping));
    writeFileSync(join(tmp, 'meta', 'spatialgen.json'), `${JSON.stringify({ source: src.dir, build_id: src.manifest.build_id, code_version: src.manifest.code_version }, null, 2)}\n`);
    // an empty OUT is replaced; checked again in case it filled up meanwhile
    await moveIntoPlace(tmp, out, rules);
    return { outDir: out, version, episodes: mapping.length, frames, tasks: ctx.tasks.length };
  } catch (e) {
    writer.abort();
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
