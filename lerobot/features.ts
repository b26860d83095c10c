// What a LeRobot frame of a spatialgen episode holds, and how info.json describes it. LeRobot features must be
// fixed-size numeric arrays (or videos) for its collate and stats, so the export keeps the stage-2 columns that are:
// state, end-effector and base pose, action, joint targets, camera K / T per frame, and the future TCP trace in the
// world and per camera, flattened row-major (`annotations.trace_3d` [30] = 10 points × xyz, `annotations.<cam>.
// trace_2d` [20] = 10 points × uv). Variable-length boxes, nullable grasp / place points, depth and segmentation
// stay in the spatialgen dataset (see README "export lerobot").
import type { SourceDataset, SourceEpisode } from './source.js';
import { ExportError } from './errors.js';

/** LeRobot's per-row bookkeeping columns, last in info.json as in LeRobot's own datasets. */
export const BOOKKEEPING = ['timestamp', 'frame_index', 'episode_index', 'index', 'task_index'] as const;

export interface NumericFeature {
  /** column name in both the stage-2 shard and the LeRobot parquet */
  key: string;
  names: string[];
}

export interface FeatureInfo {
  dtype: string;
  shape: number[];
  names: string[] | null;
  info?: Record<string, unknown>;
}

export const imageKey = (cam: string) => `observation.images.${cam}`;

const XYZQ = ['x', 'y', 'z', 'qx', 'qy', 'qz', 'qw'];
const points = (n: number, axes: string[]) => Array.from({ length: n * axes.length }, (_, i) => `p${Math.floor(i / axes.length)}_${axes[i % axes.length]}`);
const matrix = (prefix: string, n: number) => Array.from({ length: n * n }, (_, i) => `${prefix}${Math.floor(i / n)}${i % n}`);
const TRACE_POINTS = 10;

/** The stage-2 columns an export reads: the numeric ones below and each camera's colour image. */
export function sourceColumns(src: SourceDataset): string[] {
  return [...numericKeys(src), ...src.cameras.map(imageKey)];
}

function numericKeys(src: SourceDataset): string[] {
  return [
    'observation.state', 'observation.eef_pose', 'robot.base_pose', 'action', 'action.joint_position',
    ...src.cameras.flatMap((c) => [`camera.${c}.K`, `camera.${c}.T_world_to_cam`]),
    'annotations.trace_3d', ...src.cameras.map((c) => `annotations.${c}.trace_2d`),
  ];
}

/** Numeric features with their element names; state and joint sizes come from the first episode (all must agree). */
export function numericFeatures(src: SourceDataset, first: SourceEpisode): NumericFeature[] {
  const len = (key: string) => (first.frames[0]?.[key] as number[] | null)?.length ?? 0;
  const pusher = src.config.task?.kind === 'push';
  const joints = (n: number) => (pusher ? ['x', 'y', 'z'].slice(0, n) : Array.from({ length: n }, (_, i) => `joint_${i}`));
  const names: Record<string, string[]> = {
    'observation.state': [...joints(len('observation.state') - 1), 'gripper'],
    'observation.eef_pose': XYZQ,
    'robot.base_pose': XYZQ,
    action: ['dx', 'dy', 'dz', 'droll', 'dpitch', 'dyaw', 'gripper_close'],
    'action.joint_position': joints(len('action.joint_position')),
    'annotations.trace_3d': points(TRACE_POINTS, ['x', 'y', 'z']),
  };
  for (const c of src.cameras) {
    names[`camera.${c}.K`] = matrix('k', 3);
    names[`camera.${c}.T_world_to_cam`] = matrix('t', 4);
    names[`annotations.${c}.trace_2d`] = points(TRACE_POINTS, ['u', 'v']);
  }
  return numericKeys(src).map((key) => ({ key, names: names[key] }));
}

/** An episode's values of one feature, one vector per frame, each checked against the feature's size. */
export function featureValues(ep: SourceEpisode, f: NumericFeature, where: string): number[][] {
  return ep.frames.map((fr, i) => {
    const v = fr[f.key];
    if (!Array.isArray(v) || v.length !== f.names.length) {
      throw new ExportError(where, `episode ${ep.episodeId} frame ${i}: ${f.key} has ${Array.isArray(v) ? v.length : 'no'} values, expected ${f.names.length}`);
    }
    return v;
  });
}

export interface VideoSpec {
  cam: string;
  width: number;
  height: number;
}

/** info.json `features`: videos, numeric features, then LeRobot's bookkeeping columns. */
export function infoFeatures(videos: readonly VideoSpec[], numeric: readonly NumericFeature[], fps: number): Record<string, FeatureInfo> {
  const out: Record<string, FeatureInfo> = {};
  for (const v of videos) {
    out[imageKey(v.cam)] = {
      dtype: 'video', shape: [v.height, v.width, 3], names: ['height', 'width', 'channels'],
      info: {
        'video.height': v.height, 'video.width': v.width, 'video.codec': 'h264', 'video.pix_fmt': 'yuv420p',
        'video.is_depth_map': false, 'video.fps': fps, 'video.channels': 3, has_audio: false,
      },
    };
  }
  for (const f of numeric) out[f.key] = { dtype: 'float32', shape: [f.names.length], names: f.names };
  out.timestamp = { dtype: 'float32', shape: [1], names: null };
  for (const k of BOOKKEEPING.slice(1)) out[k] = { dtype: 'int64', shape: [1], names: null };
  return out;
}
