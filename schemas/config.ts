// The build config: what a user writes in CONFIG.yaml or picks as a preset. Validated with zod so a bad value
// is one line naming the file and the key, before anything is simulated or written.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ROBOT_NAMES, TASK_KINDS } from './task-kinds.js';

const vec3 = z.tuple([z.number(), z.number(), z.number()]);
const positive = z.number().positive();

export const CameraConfigSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'camera names are lowercase identifiers (they become column names)'),
  width: z.number().int().min(16).max(4096),
  height: z.number().int().min(16).max(4096),
  fov_y_deg: z.number().min(10).max(150),
  position: vec3,
  target: vec3,
  /** uniform jitter of the camera position per episode, metres (domain randomisation) */
  position_jitter: z.number().min(0).max(0.5).default(0),
});

export const SHAPE_KINDS = ['box', 'sphere', 'cylinder', 'capsule', 'cone'] as const;

export const BuildConfigSchema = z.strictObject({
  name: z.string().default('custom'),
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(0),
  episodes: z.number().int().min(1).max(10_000_000),
  /** share of episodes held out per split, by a hash of the episode id; the rest is `train` */
  splits: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.number().min(0).max(1)).default({ validation: 0.1 }),
  scene: z
    .strictObject({
      /** where objects come from: the asset library (procedural families and imported models) or plain primitives */
      objects: z.enum(['library', 'primitives']).default('library'),
      /** which held-out share of the library to draw from: `test` for unseen-object evaluation */
      asset_split: z.enum(['train', 'test']).default('train'),
      /** library categories to draw from (default: every graspable category that fits the table) */
      categories: z.array(z.string().min(1)).optional(),
      objects_min: z.number().int().min(1).max(30).default(3),
      objects_max: z.number().int().min(1).max(30).default(8),
      shapes: z.array(z.enum(SHAPE_KINDS)).min(1).default([...SHAPE_KINDS]),
      /** half extents of the area objects are dropped on, metres, centred on the table */
      area: z.tuple([positive, positive]).default([0.22, 0.3]),
      object_size: z.tuple([positive, positive]).default([0.035, 0.08]),
    })
    .refine((s) => s.objects_min <= s.objects_max, { message: 'objects_min must not exceed objects_max' })
    .prefault({}),
  physics: z
    .strictObject({
      hz: z.number().int().min(60).max(2000).default(240),
      settle_s: z.number().min(0).max(10).default(1),
    })
    .prefault({}),
  task: z
    .strictObject({
      /** `push`: a kinematic rod pushes one object; `pick_place`: a robot arm manipulates objects by friction grasps */
      kind: z.enum(['push', 'pick_place']).default('push'),
      /** how far the pusher moves its object, metres (push) */
      push_distance: z.tuple([positive, positive]).default([0.08, 0.16]),
      /** the arm (pick_place) */
      robot: z.enum(ROBOT_NAMES).default('widowx250'),
      /** task primitives drawn per episode (pick_place) */
      primitives: z.array(z.enum(TASK_KINDS)).min(1).default([...TASK_KINDS]),
      /** how high "pick up" must lift, metres */
      lift_height: z.number().min(0.01).max(0.5).default(0.08),
      /** "move X near Y": the distance that counts as near, metres */
      near_distance: z.number().min(0.01).max(0.5).default(0.05),
      /** an attempt that runs longer (simulated seconds) fails with 'timeout' */
      max_seconds: z.number().min(1).max(600).default(40),
    })
    .prefault({}),
  recording: z
    .strictObject({
      hz: z.number().min(1).max(60).default(10),
    })
    .prefault({}),
  cameras: z.array(CameraConfigSchema).min(1).max(8),
  render: z
    .strictObject({
      image_format: z.enum(['jpeg', 'png']).default('jpeg'),
      jpeg_quality: z.number().int().min(10).max(100).default(90),
      depth: z.boolean().default(true),
      segmentation: z.boolean().default(true),
    })
    .prefault({}),
  stage1: z
    .strictObject({
      /** stage-1 samples are made from every n-th recorded frame */
      every_n_frames: z.number().int().min(1).default(10),
      coord_format: z.string().default('abs:224x224'),
      /** an object needs this many visible pixels to be asked about */
      min_visible_pixels: z.number().int().min(1).default(30),
    })
    .prefault({}),
  output: z
    .strictObject({
      rows_per_shard: z.number().int().min(1).default(2000),
      /**
       * episodes per shard job: each split's episodes, in index order, are cut into groups of this many, and one job
       * packs each group as soon as its episodes are committed. Each group ends in at most one short shard per kind;
       * at 1000 (~100 000 frames) that is a few per cent of a big build's shards, while packing runs in parallel,
       * overlapped with rendering, and a build of up to 1000 episodes per split is packed as one group.
       */
      episodes_per_shard_job: z.number().int().min(1).default(1000),
    })
    .prefault({}),
});

export type BuildConfig = z.infer<typeof BuildConfigSchema>;
export type CameraConfig = z.infer<typeof CameraConfigSchema>;

/** A config problem a user can fix: one line, naming the place. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length ? issue.path.join('.') : '(top level)';
  return `${where}: ${issue.message}`;
}

/** Validates a parsed config object; `place` names where it came from (a file, a preset) for the error line. */
export function parseBuildConfig(raw: unknown, place: string): BuildConfig {
  const result = BuildConfigSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    throw new ConfigError(`${place}: ${describeIssue(issues[0])}${more}`);
  }
  return result.data;
}

export function loadBuildConfigFile(path: string): BuildConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`${path}: cannot read config (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0];
    throw new ConfigError(`${path}: not valid YAML: ${msg}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${path}: expected a mapping of config keys at the top level`);
  return parseBuildConfig(raw, path);
}
