// episodes.arrow (SPEC §A dataset directory): one row per episode attempted, failed ones included with their reason.
// Columns are the EpisodeRecord fields in declaration order.
import type { Schema } from 'apache-arrow';
import type { EpisodeEnvironment, EpisodeLanguage, EpisodeRecord } from './records.js';
import { bool, field, float64, int64, listOf, referringType, struct, utf8 } from './arrow-types.js';
import { schemaWithHf } from './hf-features.js';

let cached: Schema | null = null;

export function episodesSchema(): Schema {
  cached ??= schemaWithHf([
    field('episode_id', utf8()),
    field('episode_index', int64()),
    // int64: seeds are unsigned 32-bit or wider, beyond int32
    field('seed', int64()),
    field('split', utf8()),
    field('task', utf8()),
    field('instruction', utf8()),
    field('assets', listOf(utf8())),
    field('distractors', listOf(utf8())),
    field('success', bool()),
    field('failure_reason', utf8()),
    field('num_frames', int64()),
    field('content_hash', utf8()),
    field('environment', struct([
      ['map', utf8()],
      ['map_rotation', float64()],
      ['map_intensity', float64()],
      ['background', utf8()],
      ['background_rgb', listOf(float64())],
      ['table', utf8()],
      ['table_size', listOf(float64())],
      ['table_pattern_seed', int64()],
      ['table_roughness', float64()],
      ['table_drop', float64()],
      ['sun_direction', listOf(float64())],
      ['sun_intensity', float64()],
      ['sun_kelvin', float64()],
      ['shadow_edge', float64()],
      ['fill_intensity', float64()],
      ['exposure', float64()],
    ])),
    field('language', struct([
      ['instruction_template', utf8()],
      ['instruction_split', utf8()],
      ['spatial_prompt_template', utf8()],
      ['spatial_prompt_split', utf8()],
      ['referring', listOf(referringType())],
    ])),
  ]);
  return cached;
}

export function episodeToRecord(e: EpisodeRecord): Record<string, unknown> {
  return {
    episode_id: e.episode_id,
    episode_index: e.episode_index,
    seed: e.seed,
    split: e.split,
    task: e.task,
    instruction: e.instruction,
    assets: e.assets,
    distractors: e.distractors,
    success: e.success,
    failure_reason: e.failure_reason,
    num_frames: e.num_frames,
    content_hash: e.content_hash,
    environment: e.environment,
    language: e.language,
  };
}

export function episodeFromRecord(r: Record<string, unknown>): EpisodeRecord {
  return {
    episode_id: r.episode_id as string,
    episode_index: r.episode_index as number,
    seed: r.seed as number,
    split: r.split as string,
    task: r.task as string | null,
    instruction: r.instruction as string,
    assets: (r.assets as string[] | null) ?? [],
    distractors: (r.distractors as string[] | null) ?? [],
    success: r.success as boolean,
    failure_reason: (r.failure_reason as string | null) ?? null,
    num_frames: r.num_frames as number,
    content_hash: r.content_hash as string,
    environment: (r.environment as EpisodeEnvironment | null) ?? null,
    language: (r.language as EpisodeLanguage | null) ?? null,
  };
}
