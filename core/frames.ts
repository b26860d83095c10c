// Rigid transforms for kinematics: 4×4 row-major matrices (as math.ts's Mat4) plus the quaternion and rotation
// helpers that math.ts does not have. Kinematics composes dozens of these per physics step, so they stay plain
// arrays and plain loops.
import { type Mat3, type Mat4, type Pose, type Quat, type Vec3, poseToMat4, quatMultiply } from './math.js';

export const IDENTITY4: Mat4 = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

export function mat4Multiply(a: Mat4, b: Mat4): Mat4 {
  const o = new Array<number>(16);
  for (let i = 0; i < 3; i++) {
    const a0 = a[i * 4], a1 = a[i * 4 + 1], a2 = a[i * 4 + 2], a3 = a[i * 4 + 3];
    o[i * 4] = a0 * b[0] + a1 * b[4] + a2 * b[8];
    o[i * 4 + 1] = a0 * b[1] + a1 * b[5] + a2 * b[9];
    o[i * 4 + 2] = a0 * b[2] + a1 * b[6] + a2 * b[10];
    o[i * 4 + 3] = a0 * b[3] + a1 * b[7] + a2 * b[11] + a3;
  }
  o[12] = 0; o[13] = 0; o[14] = 0; o[15] = 1;
  return o;
}

export function mat4Position(m: Mat4): Vec3 {
  return [m[3], m[7], m[11]];
}

export function mat4Rotation(m: Mat4): Mat3 {
  return [m[0], m[1], m[2], m[4], m[5], m[6], m[8], m[9], m[10]];
}

/** Unit quaternion of a row-major rotation matrix (Shepperd's method: stable for every rotation). */
export function mat3ToQuat(r: Mat3): Quat {
  const tr = r[0] + r[4] + r[8];
  let q: Quat;
  if (tr > 0) {
    const s = Math.sqrt(tr + 1) * 2;
    q = [(r[7] - r[5]) / s, (r[2] - r[6]) / s, (r[3] - r[1]) / s, s / 4];
  } else if (r[0] > r[4] && r[0] > r[8]) {
    const s = Math.sqrt(1 + r[0] - r[4] - r[8]) * 2;
    q = [s / 4, (r[1] + r[3]) / s, (r[2] + r[6]) / s, (r[7] - r[5]) / s];
  } else if (r[4] > r[8]) {
    const s = Math.sqrt(1 + r[4] - r[0] - r[8]) * 2;
    q = [(r[1] + r[3]) / s, s / 4, (r[5] + r[7]) / s, (r[2] - r[6]) / s];
  } else {
    const s = Math.sqrt(1 + r[8] - r[0] - r[4]) * 2;
    q = [(r[2] + r[6]) / s, (r[5] + r[7]) / s, s / 4, (r[3] - r[1]) / s];
  }
  // one sign convention (w ≥ 0) so equal rotations give equal arrays
  if (q[3] < 0) q = [-q[0], -q[1], -q[2], -q[3]];
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  return [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
}

export function mat4ToPose(m: Mat4): Pose {
  return { position: mat4Position(m), quaternion: mat3ToQuat(mat4Rotation(m)) };
}

export { poseToMat4 };

/** URDF `rpy` (fixed axes X, Y, Z — the SPEC's extrinsic XYZ) as a quaternion. */
export function rpyToQuat(rpy: Vec3): Quat {
  const [r, p, y] = rpy;
  const qx: Quat = [Math.sin(r / 2), 0, 0, Math.cos(r / 2)];
  const qy: Quat = [0, Math.sin(p / 2), 0, Math.cos(p / 2)];
  const qz: Quat = [0, 0, Math.sin(y / 2), Math.cos(y / 2)];
  return quatMultiply(qz, quatMultiply(qy, qx));
}

/** Spherical interpolation, shortest way round. */
export function quatSlerp(a: Quat, b: Quat, t: number): Quat {
  let d = a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
  let bb = b;
  if (d < 0) {
    d = -d;
    bb = [-b[0], -b[1], -b[2], -b[3]];
  }
  if (d > 0.9995) {
    const q: Quat = [a[0] + (bb[0] - a[0]) * t, a[1] + (bb[1] - a[1]) * t, a[2] + (bb[2] - a[2]) * t, a[3] + (bb[3] - a[3]) * t];
    const n = Math.hypot(...q);
    return [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
  }
  const th = Math.acos(d);
  const s = Math.sin(th);
  const wa = Math.sin((1 - t) * th) / s, wb = Math.sin(t * th) / s;
  return [a[0] * wa + bb[0] * wb, a[1] * wa + bb[1] * wb, a[2] * wa + bb[2] * wb, a[3] * wa + bb[3] * wb];
}

/** Angle (radians) of the rotation taking a to b. */
export function quatAngle(a: Quat, b: Quat): number {
  const d = Math.abs(a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3]);
  return 2 * Math.acos(Math.min(1, d));
}

/**
 * Rotation vector (axis × angle) of R_target · R_currentᵀ, from row-major rotation parts: the orientation error an
 * IK step has to close, in the parent frame.
 */
export function rotationError(target: Mat3, current: Mat3): Vec3 {
  // E = T · Cᵀ
  const e = new Array<number>(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) e[i * 3 + j] = target[i * 3] * current[j * 3] + target[i * 3 + 1] * current[j * 3 + 1] + target[i * 3 + 2] * current[j * 3 + 2];
  const v: Vec3 = [e[7] - e[5], e[2] - e[6], e[3] - e[1]];
  const cos = Math.max(-1, Math.min(1, (e[0] + e[4] + e[8] - 1) / 2));
  const angle = Math.acos(cos);
  const s = Math.hypot(v[0], v[1], v[2]);
  if (s < 1e-9) {
    if (cos > 0) return [0, 0, 0];
    // 180°: the axis is the column of E + I with the largest norm
    const cols: Vec3[] = [[e[0] + 1, e[3], e[6]], [e[1], e[4] + 1, e[7]], [e[2], e[5], e[8] + 1]];
    const best = cols.reduce((a, b) => (Math.hypot(...a) >= Math.hypot(...b) ? a : b));
    const n = Math.hypot(...best);
    return [(best[0] / n) * Math.PI, (best[1] / n) * Math.PI, (best[2] / n) * Math.PI];
  }
  const k = angle / s;
  return [v[0] * k, v[1] * k, v[2] * k];
}

/** Row-major rotation of extrinsic XYZ Euler angles (roll, pitch, yaw): R = Rz(yaw)·Ry(pitch)·Rx(roll). */
export function eulerXYZToMat3(e: Vec3): Mat3 {
  const [cr, sr] = [Math.cos(e[0]), Math.sin(e[0])];
  const [cp, sp] = [Math.cos(e[1]), Math.sin(e[1])];
  const [cy, sy] = [Math.cos(e[2]), Math.sin(e[2])];
  return [
    cy * cp, cy * sp * sr - sy * cr, cy * sp * cr + sy * sr,
    sy * cp, sy * sp * sr + cy * cr, sy * sp * cr - cy * sr,
    -sp, cp * sr, cp * cr,
  ];
}
