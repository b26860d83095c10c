// Named configs: `smoke` (seconds, for tests), `demo` (the README's main job), `bench` (the benchmark's).
import { type BuildConfig, parseBuildConfig } from './config.js';

const TWO_CAMERAS = [
  // over the robot's shoulder, looking down the table
  { name: 'base', width: 256, height: 256, fov_y_deg: 55, position: [-0.55, 0, 0.55], target: [0.02, 0, 0.02], position_jitter: 0.02 },
  // from the side, lower
  { name: 'side', width: 256, height: 256, fov_y_deg: 50, position: [0.05, -0.7, 0.38], target: [0, 0, 0.03], position_jitter: 0.02 },
];

// an arm at −x needs the cameras off its shoulder line, or the upper arm fills the view
const ARM_CAMERAS = [
  { name: 'base', width: 256, height: 256, fov_y_deg: 55, position: [-0.3, 0.6, 0.75], target: [0.05, 0, 0.02], position_jitter: 0.02 },
  { name: 'side', width: 256, height: 256, fov_y_deg: 55, position: [0.05, -0.75, 0.45], target: [-0.05, 0, 0.12], position_jitter: 0.02 },
];

const PRESETS: Record<string, Record<string, unknown>> = {
  smoke: { name: 'smoke', episodes: 3, cameras: TWO_CAMERAS, stage1: { every_n_frames: 15 } },
  demo: { name: 'demo', episodes: 20, cameras: ARM_CAMERAS, task: { kind: 'pick_place', robot: 'panda' } },
  bench: { name: 'bench', episodes: 8, cameras: TWO_CAMERAS, scene: { objects_min: 8, objects_max: 8 } },
};

export const PRESET_NAMES = Object.keys(PRESETS);

export function presetConfig(name: string): BuildConfig {
  const raw = PRESETS[name];
  if (!raw) throw new Error(`unknown preset '${name}' (known: ${PRESET_NAMES.join(', ')})`);
  return parseBuildConfig(structuredClone(raw), `preset ${name}`);
}
