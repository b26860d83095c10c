// Step 1 of an episode, simulate: the seeded scene and the scripted demo in physics → a recording of every control
// step (object poses, TCP, gripper, joints). Nothing is rendered here; the recording is all that the render and
// annotate steps read, so they can run after the physics is gone.
import type { BuildConfig } from '../../schemas/config.js';
import { buildId, episodeId, episodeSeed } from '../../schemas/identity.js';
import { Rng } from '../../core/random.js';
import type { Scene } from '../../core/scene.js';
import type { EpisodeRecording } from '../demos/recording.js';
import { recordPushDemo } from '../demos/push.js';
import { recordPickPlaceDemo } from '../demos/pick-place.js';
import { sampleScene } from '../scene/sample.js';

export interface SimulatedEpisode {
  id: string;
  index: number;
  /** the episode's seed (SPEC episodes.arrow `seed`); every random choice below is a named fork of its stream */
  seed: number;
  /** the sampled scene, at its settled start (a pick-and-place demo has added the robot's links) */
  scene: Scene;
  recording: EpisodeRecording;
  /** the stream stage-1 question phrasing draws from */
  stage1Rng: Rng;
}

/** The scripted demo the config asks for; pick-and-place adds the robot's links to the scene. */
export function recordDemo(scene: Scene, config: BuildConfig, rng: Rng): Promise<EpisodeRecording> {
  if (config.task.kind === 'push') return recordPushDemo(scene, config, rng);
  const t = config.task;
  return recordPickPlaceDemo(scene, config, rng, t.robot, { tasks: t.primitives, liftHeight: t.lift_height, nearDistance: t.near_distance, maxSeconds: t.max_seconds, base: scene.robotBase });
}

/** Episode `index` of the build `config`, simulated: the same pair gives the same recording on any worker. */
export async function simulateEpisode(config: BuildConfig, index: number): Promise<SimulatedEpisode> {
  const seed = episodeSeed(config, index);
  const rng = new Rng(seed);
  const scene = sampleScene(config, rng.fork('scene'));
  const recording = await recordDemo(scene, config, rng.fork('demo'));
  return { id: episodeId(buildId(config), index), index, seed, scene, recording, stage1Rng: rng.fork('stage1') };
}
