// The SPEC action of a recorded step, and the robot-base frame it is expressed in. One definition, shared by the
// episode writer, the action test and the demo benchmark (which replays a demo from its own actions).
import { type Pose, type Quat, mat3Multiply, mat3ToEulerXYZ, mat3Transpose, quatMultiply, quatToMat3, rotate, sub } from '../../core/math.js';
import type { EpisodeRecording } from '../demos/recording.js';

const conj = (q: Quat): Quat => [-q[0], -q[1], -q[2], q[3]];

/** A world pose expressed in the robot base frame. */
export function inBase(base: Pose, p: Pose): Pose {
  const inv = conj(base.quaternion);
  return { position: rotate(inv, sub(p.position, base.position)), quaternion: quatMultiply(inv, p.quaternion) };
}

/** SPEC action: TCP change from this step to the next in the base frame; rotation as extrinsic XYZ of R_next·R_thisᵀ. */
export function tcpAction(thisTcp: Pose, nextTcp: Pose, gripperClose: boolean): number[] {
  const d = sub(nextTcp.position, thisTcp.position);
  const r = mat3Multiply(quatToMat3(nextTcp.quaternion), mat3Transpose(quatToMat3(thisTcp.quaternion)));
  return [...d, ...mat3ToEulerXYZ(r), gripperClose ? 1 : 0];
}

/** The SPEC action of every recorded step (the last one: no motion, the gripper as it is). */
export function episodeActions(rec: EpisodeRecording): number[][] {
  const base = rec.steps.map((s) => inBase(rec.robotBase, s.tcp));
  return rec.steps.map((s, k) => (k + 1 < rec.steps.length ? tcpAction(base[k], base[k + 1], rec.steps[k + 1].gripperClosed) : [0, 0, 0, 0, 0, 0, s.gripperClosed ? 1 : 0]));
}
