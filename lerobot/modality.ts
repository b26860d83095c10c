// meta/modality.json: the GR00T-style description that InternVLA-M1's and starVLA's LeRobot loaders read
// (gr00t_lerobot/datasets.py; ../shared/notes/trainer-formats.md) to slice state and action vectors into named parts,
// find each camera's video, and the task text:
//   "state" / "action": {name: {start, end, original_key, absolute?, rotation_type?}}   end exclusive
//   "video":            {name: {original_key}}
//   "annotation":       {"human.action.task_description": {original_key: "task_index"}}
// The slices are those of the exported columns (features.ts): state = arm joints then gripper opening; end-effector
// pose = xyz then quaternion xyzw (base frame); action = the commanded TCP change (xyz, then extrinsic XYZ roll,
// pitch, yaw) then gripper close (1 = close), as SPEC defines them.
import type { NumericFeature } from './features.js';
import { imageKey } from './features.js';

interface Slice {
  start: number;
  end: number;
  original_key: string;
  absolute?: boolean;
  rotation_type?: string;
}

export function modalityJson(numeric: readonly NumericFeature[], cameras: readonly string[]): Record<string, unknown> {
  const size = (key: string) => numeric.find((f) => f.key === key)?.names.length ?? 0;
  const state = size('observation.state');
  const slice = (original_key: string, start: number, end: number, extra: Partial<Slice> = {}): Slice => ({ start, end, original_key, ...extra });
  return {
    state: {
      joints: slice('observation.state', 0, state - 1, { absolute: true }),
      gripper: slice('observation.state', state - 1, state, { absolute: true }),
      eef_position: slice('observation.eef_pose', 0, 3, { absolute: true }),
      eef_rotation: slice('observation.eef_pose', 3, 7, { absolute: true, rotation_type: 'quaternion' }),
    },
    action: {
      eef_position: slice('action', 0, 3, { absolute: false }),
      eef_rotation: slice('action', 3, 6, { absolute: false, rotation_type: 'euler_angles_rpy' }),
      gripper: slice('action', 6, 7, { absolute: true }),
      ...(size('action.joint_position') ? { joint_position: slice('action.joint_position', 0, size('action.joint_position'), { absolute: true }) } : {}),
    },
    video: Object.fromEntries(cameras.map((c) => [c, { original_key: imageKey(c) }])),
    annotation: { 'human.action.task_description': { original_key: 'task_index' } },
  };
}
