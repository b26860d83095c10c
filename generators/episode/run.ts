// One episode, end to end, in its three steps: simulate (scene and scripted demo → recording), render (every step
// from every camera, pipelined), annotate (each step's stage-2 row and stage-1 samples). Pure with respect to
// (config, index): the same pair gives the same EpisodeOutput on any worker, which is what lets builds retry, spread
// and resume without changing a byte.
import type { BuildConfig } from '../../schemas/config.js';
import { episodeSplit } from '../../schemas/identity.js';
import type { EpisodeEnvironment, EpisodeOutput, Stage1Sample, Stage2Frame } from '../../schemas/records.js';
import { type Scene, TABLE_ID } from '../../core/scene.js';
import { FrameEncoder } from '../encode/frame.js';
import type { Renderer } from '../rendering/index.js';
import { EpisodeAnnotator } from './annotate.js';
import { renderSteps } from './render.js';
import { simulateEpisode } from './simulate.js';

/** What episodes.arrow records of a scene's surroundings and light: every drawn choice, so it can be traced and re-rendered. */
export function episodeEnvironment(scene: Scene): EpisodeEnvironment {
  const l = scene.lighting;
  const env = l.environment;
  const slab = scene.objects.find((o) => o.id === TABLE_ID);
  const table = slab?.material;
  const pattern = table?.texture && 'pattern' in table.texture ? table.texture : null;
  return {
    map: env?.map ?? null, map_rotation: env?.rotation ?? null, map_intensity: env?.intensity ?? null,
    background: env?.background ? 'map' : 'flat', background_rgb: [...l.background],
    table: table?.colorName ?? '', table_size: slab?.shape.kind === 'box' ? [...slab.shape.size] : [], table_pattern_seed: pattern?.seed ?? null, table_roughness: table?.roughness ?? 0, table_drop: scene.tableDrop ?? 0,
    sun_direction: [...l.sunDirection], sun_intensity: l.sunIntensity, sun_kelvin: l.sunKelvin ?? null, shadow_edge: l.shadowEdge ?? null, fill_intensity: env ? 0 : l.ambientIntensity, exposure: l.exposure ?? null,
  };
}

export async function runEpisode(config: BuildConfig, index: number, renderer: Renderer): Promise<EpisodeOutput> {
  const ep = await simulateEpisode(config, index);
  const annotator = new EpisodeAnnotator(config, ep);
  const encoder = new FrameEncoder(config.render, renderer);
  const frames: Stage2Frame[] = [];
  const samples: Stage1Sample[] = [];
  for await (const r of renderSteps(renderer, ep.scene, ep.recording)) {
    const images = r.buffers.map((b) => encoder.encode(b));
    const out = annotator.step(r.index, r.step, r.buffers, images);
    frames.push(out.frame);
    samples.push(...out.samples);
  }
  await encoder.done();
  const rec = ep.recording;
  return {
    episode: {
      episode_id: ep.id, episode_index: index, seed: ep.seed, split: episodeSplit(config, ep.id), task: rec.task, instruction: rec.instruction,
      assets: [...new Set(ep.scene.objects.filter((o) => o.annotated).map((o) => o.assetId))].sort(),
      distractors: ep.scene.objects.filter((o) => o.distractor).map((o) => o.assetId),
      success: rec.success, failure_reason: rec.failureReason, num_frames: frames.length, content_hash: '',
      environment: episodeEnvironment(ep.scene), language: rec.language,
    },
    frames,
    samples,
  };
}
