// The record of an episode that produced no frames. Its own module so that packing (finalize) can write one without
// loading the renderer.
import type { BuildConfig } from '../schemas/config.js';
import type { EpisodeOutput } from '../schemas/records.js';
import { buildId, episodeId, episodeSeed, episodeSplit } from '../schemas/identity.js';

/** The record of an episode that produced no frames, with its reason (also used for episodes that failed for good). */
export function failedOutput(config: BuildConfig, index: number, reason: string): EpisodeOutput {
  const id = episodeId(buildId(config), index);
  return {
    episode: {
      episode_id: id, episode_index: index, seed: episodeSeed(config, index), split: episodeSplit(config, id),
      task: null, instruction: '', assets: [], distractors: [], success: false, failure_reason: reason, num_frames: 0, content_hash: '', environment: null, language: null,
    },
    frames: [],
    samples: [],
  };
}
