// Synthetic episode outputs for the dataset-writer tests: tiny real images (PNG, JPEG, 16-bit depth PNG), frames and
// stage-1 samples with known values, four episodes over two splits (one failed), and a file-tree hasher.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import type { EpisodeOutput, ObjectBox, ReferringRecord, Stage1Sample, Stage2Frame, TaskType } from '../../schemas/records.js';

export const CAMERAS = ['base', 'wrist'];
export const f32 = Math.fround;
export const f32s = (a: readonly number[] | null) => (a === null ? null : a.map(f32));
export const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export let png: Uint8Array;
export let jpeg: Uint8Array;
export let depthPng: Uint8Array;

export async function makeImages(): Promise<void> {
  const raw = Buffer.alloc(8 * 6 * 3, 0);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 37) % 256;
  png = new Uint8Array(await sharp(raw, { raw: { width: 8, height: 6, channels: 3 } }).png().toBuffer());
  jpeg = new Uint8Array(await sharp(raw, { raw: { width: 8, height: 6, channels: 3 } }).jpeg().toBuffer());
  const d = Buffer.alloc(8 * 6 * 2);
  for (let i = 0; i < 48; i++) d.writeUInt16LE(500 + i * 11, i * 2);
  depthPng = new Uint8Array(await sharp(d, { raw: { width: 8, height: 6, channels: 1 } }).toColourspace('grey16').png().toBuffer());
}

function frame(ep: number, id: string, i: number): Stage2Frame {
  const v = (n: number, k: number) => Array.from({ length: n }, (_, j) => 0.1 * (ep + 1) + 0.01 * i + 0.001 * j + k);
  const boxes: ObjectBox[] = [
    { label: 'red cube', object_id: 3, bbox_tight: [1.5, 2.25, 5.1, 5.9], bbox_amodal: [1.25, 2, 5.5, 6], occlusion: 0.1 },
    { label: 'mug', object_id: 7, bbox_tight: null, bbox_amodal: [0, 0, 2.2, 1.3], occlusion: 1 },
  ];
  const cam = (c: number) => ({
    image: { bytes: c === 0 ? png : jpeg, path: null },
    ...(c === 0 ? { depth: { bytes: depthPng, path: `depth_${i}.png` } } : {}),
    K: [100 + c, 0, 4, 0, 100 + c, 3, 0, 0, 1],
    T_world_to_cam: v(16, c),
    boxes: c === 0 ? boxes : [],
    trace_2d: Array.from({ length: 10 }, (_, k) => [k + 0.3, k * 0.7] as [number, number]),
    grasp_point: i % 2 === 0 ? ([3.3, 4.4] as [number, number]) : null,
    place_point: null,
  });
  return {
    episode_id: id,
    episode_index: ep,
    frame_index: i,
    timestamp: i / 30,
    task: 'pick_place',
    instruction: `put the red cube in the mug (${ep})`,
    spatial_prompt: 'trace: [[1,2],[3,4]]',
    cameras: { base: cam(0), wrist: cam(1) },
    state: v(8, 0),
    eef_pose: v(7, 1),
    base_pose: [0, 0, 0, 0, 0, 0, 1],
    action: v(7, 2),
    action_joint_position: v(7, 3),
    trace_3d: Array.from({ length: 10 }, (_, k) => [0.1 * k, 0.2, 0.3 + i] as [number, number, number]),
    grasp_point_3d: i % 2 === 0 ? [0.4, 0.1, 0.05] : null,
    place_point_3d: null,
  };
}

const REFERRING: ReferringRecord = {
  object_id: 3, text: 'the red cube to the left of the mug', frame: 'camera:base', noun: 'cube', color: 'red', size: null, position: null,
  relation: 'left', reference_id: 4, reference_noun: 'mug', reference_color: null,
};

function sample(id: string, i: number, type: TaskType): Stage1Sample {
  return {
    id: `${id}-s${i}`,
    source: 'synthetic',
    episode_id: id,
    frame_index: i,
    camera: i % 2 ? 'wrist' : 'base',
    image: { bytes: i % 2 ? jpeg : png, path: null },
    width: 8,
    height: 6,
    task_type: type,
    conversations: [
      { from: 'human', value: '<image>\nWhere is the red cube?' },
      { from: 'gpt', value: '{"bbox_2d": [1, 2, 5, 6], "label": "red cube"}' },
    ],
    coord_format: 'abs:224x224',
    boxes: type === 'box' ? [{ label: 'red cube', bbox_2d: [1.1, 2.2, 5.3, 5.9] }] : [],
    points: type === 'point' ? [{ label: 'mug', point_2d: [0.5, 0.75] }] : [],
    trace: type === 'trace' ? [[1, 1], [2.5, 3.1]] : [],
    template: `${type}#${i}`,
    phrasing_split: i % 5 === 4 ? 'test' : 'train',
    referring: type === 'box' ? [REFERRING] : [],
  };
}

export interface EpSpec {
  index: number;
  split: string;
  frames: number;
  fail?: string;
}
export const SPECS: EpSpec[] = [
  { index: 0, split: 'train', frames: 5 },
  { index: 1, split: 'train', frames: 0, fail: 'grasp_missed' },
  { index: 2, split: 'validation', frames: 3 },
  { index: 3, split: 'train', frames: 4 },
];

export function output(s: EpSpec): EpisodeOutput {
  const id = `ep${String(s.index).padStart(4, '0')}`;
  const frames = Array.from({ length: s.frames }, (_, i) => frame(s.index, id, i));
  const types: TaskType[] = ['box', 'point', 'trace'];
  const samples = s.fail ? [] : Array.from({ length: s.frames }, (_, i) => sample(id, i, types[(i + s.index) % 3]));
  return {
    episode: {
      episode_id: id,
      episode_index: s.index,
      seed: 4_000_000_000 + s.index,
      split: s.split,
      task: 'pick_place',
      instruction: `put the red cube in the mug (${s.index})`,
      assets: ['cube@abc', 'mug@def'],
      distractors: s.fail ? [] : ['mug@def'],
      success: !s.fail,
      failure_reason: s.fail ?? null,
      num_frames: s.frames,
      content_hash: '',
      environment: s.fail ? null : {
        map: 'lab', map_rotation: 0.25 * s.index, map_intensity: 0.5, background: 'map', background_rgb: [0.7, 0.7, 0.8],
        table: 'walnut', table_size: [1.5, 1.3, 0.05], table_pattern_seed: 1_234_567 + s.index, table_roughness: 0.5, table_drop: 0.03,
        sun_direction: [-0.3, 0.2, -0.93], sun_intensity: 2.5, sun_kelvin: 5600, shadow_edge: 0.004, fill_intensity: 0, exposure: 1.05,
      },
      language: s.fail ? null : {
        instruction_template: 'place_in#3', instruction_split: 'train', spatial_prompt_template: 'place_in.prompt#4', spatial_prompt_split: 'test',
        referring: [{ ...REFERRING, frame: 'robot' }],
      },
    },
    frames,
    samples,
  };
}

export const OUTPUTS = () => SPECS.map(output);

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

export function filesOf(dir: string): Record<string, string> {
  return Object.fromEntries(walk(dir).map((p) => [relative(dir, p), sha(readFileSync(p))]));
}

