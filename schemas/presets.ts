// Named configs: `smoke` (seconds, for tests), `demo` (the README's main job), `interndata` (InternData-M1's camera
// layout), `bench` (the benchmark's).
import { type BuildConfig, parseBuildConfig } from './config.js';

const TWO_CAMERAS = [
  // over the robot's shoulder, looking down the table
  { name: 'base', width: 256, height: 256, fov_y_deg: 55, position: [-0.55, 0, 0.55], target: [0.02, 0, 0.02], position_jitter: 0.02 },
  // from the side, lower
  { name: 'side', width: 256, height: 256, fov_y_deg: 50, position: [0.05, -0.7, 0.38], target: [0, 0, 0.03], position_jitter: 0.02 },
];

/** Per-episode camera jitter of the arm presets: pose, look-at point, field of view, principal point (GenManip-like). */
const JITTER = { position_jitter: 0.02, target_jitter: 0.02, fov_jitter_deg: 3 };

/**
 * A wrist camera on the hand, as on a Panda with a RealSense on its flange: 9 cm off the fingers' axis, 12 cm behind
 * the tool-centre point, looking past the fingertips; image up away from the axis, so the fingers show at the bottom.
 */
const wrist = (width: number, height: number) => ({
  name: 'wrist', mount: 'tcp', width, height, fov_y_deg: 58, position: [0.09, 0, -0.12], target: [0, 0, 0.1], up: [1, 0, 0],
  position_jitter: 0.005, principal_jitter_px: Math.round(width / 64),
});

// an arm at −x needs the cameras off its shoulder line, or the upper arm fills the view
const ARM_CAMERAS = [
  { name: 'base', width: 256, height: 256, fov_y_deg: 55, position: [-0.3, 0.6, 0.75], target: [0.05, 0, 0.02], ...JITTER, principal_jitter_px: 4 },
  { name: 'side', width: 256, height: 256, fov_y_deg: 55, position: [0.05, -0.75, 0.45], target: [-0.05, 0, 0.12], ...JITTER, principal_jitter_px: 4 },
  wrist(256, 256),
];

// InternData-M1's layout: two 640×480 scene cameras and a wrist camera on the Panda
const INTERNDATA_CAMERAS = [
  { name: 'base', width: 640, height: 480, fov_y_deg: 50, position: [-0.3, 0.6, 0.75], target: [0.05, 0, 0.02], ...JITTER, principal_jitter_px: 8 },
  { name: 'side', width: 640, height: 480, fov_y_deg: 50, position: [0.05, -0.75, 0.45], target: [-0.05, 0, 0.12], ...JITTER, principal_jitter_px: 8 },
  wrist(640, 480),
];

const PRESETS: Record<string, Record<string, unknown>> = {
  smoke: { name: 'smoke', episodes: 3, cameras: TWO_CAMERAS, stage1: { every_n_frames: 15 } },
  // the arm's base moves ±5 cm and turns ±5° per episode (GenManip moves it ±10 cm),
  // and 2–4 distractors stand beside what the tasks need; the table grows by up to 20 %
  demo: { name: 'demo', episodes: 20, cameras: ARM_CAMERAS, scene: { distractors: [2, 4] }, environment: { table_size_jitter: 0.2, table_height_jitter: 0.08, shadow_edge_mm: [0, 8] }, task: { kind: 'pick_place', robot: 'panda', base_jitter: [0.05, 5] } },
  interndata: { name: 'interndata', episodes: 20, cameras: INTERNDATA_CAMERAS, scene: { distractors: [2, 4] }, environment: { table_size_jitter: 0.2, table_height_jitter: 0.08, shadow_edge_mm: [0, 8] }, task: { kind: 'pick_place', robot: 'panda', base_jitter: [0.05, 5] } },
  bench: { name: 'bench', episodes: 8, cameras: TWO_CAMERAS, scene: { objects_min: 8, objects_max: 8 } },
};

export const PRESET_NAMES = Object.keys(PRESETS);

export function presetConfig(name: string): BuildConfig {
  const raw = PRESETS[name];
  if (!raw) throw new Error(`unknown preset '${name}' (known: ${PRESET_NAMES.join(', ')})`);
  return parseBuildConfig(structuredClone(raw), `preset ${name}`);
}
