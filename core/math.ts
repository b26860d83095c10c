// Plain-array geometry shared by physics, rendering and annotation. Conventions (SPEC): world z up, metres,
// quaternions [x, y, z, w], matrices row-major. Arrays, not classes, so they serialise into jobs and shards as they are.

export type Vec2 = [number, number];
export type Vec3 = [number, number, number];
export type Quat = [number, number, number, number];
/** 4×4 row-major. */
export type Mat4 = number[];
/** 3×3 row-major. */
export type Mat3 = number[];

export interface Pose {
  position: Vec3;
  quaternion: Quat;
}

export function add(a: Vec3, b: Vec3): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}
export function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}
export function scale(a: Vec3, s: number): Vec3 {
  return [a[0] * s, a[1] * s, a[2] * s];
}
export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
export function norm(a: Vec3): number {
  return Math.hypot(a[0], a[1], a[2]);
}
export function lerp(a: Vec3, b: Vec3, t: number): Vec3 {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** Rotates v by unit quaternion q. */
export function rotate(q: Quat, v: Vec3): Vec3 {
  const [x, y, z, w] = q;
  // t = 2 * cross(q.xyz, v); v' = v + w t + cross(q.xyz, t)
  const tx = 2 * (y * v[2] - z * v[1]);
  const ty = 2 * (z * v[0] - x * v[2]);
  const tz = 2 * (x * v[1] - y * v[0]);
  return [v[0] + w * tx + (y * tz - z * ty), v[1] + w * ty + (z * tx - x * tz), v[2] + w * tz + (x * ty - y * tx)];
}

export function quatMultiply(a: Quat, b: Quat): Quat {
  const [ax, ay, az, aw] = a;
  const [bx, by, bz, bw] = b;
  return [
    aw * bx + ax * bw + ay * bz - az * by,
    aw * by - ax * bz + ay * bw + az * bx,
    aw * bz + ax * by - ay * bx + az * bw,
    aw * bw - ax * bx - ay * by - az * bz,
  ];
}

export function quatFromAxisAngle(axis: Vec3, angle: number): Quat {
  const n = norm(axis);
  const s = Math.sin(angle / 2) / n;
  return [axis[0] * s, axis[1] * s, axis[2] * s, Math.cos(angle / 2)];
}

/** Row-major 3×3 rotation matrix of a unit quaternion. */
export function quatToMat3(q: Quat): Mat3 {
  const [x, y, z, w] = q;
  return [
    1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
    2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
    2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y),
  ];
}

/** Extrinsic XYZ Euler angles (roll, pitch, yaw) of a row-major rotation matrix: R = Rz(yaw)·Ry(pitch)·Rx(roll). */
export function mat3ToEulerXYZ(r: Mat3): Vec3 {
  const sy = -r[6];
  const pitch = Math.asin(Math.max(-1, Math.min(1, sy)));
  if (Math.abs(sy) < 0.999999) {
    return [Math.atan2(r[7], r[8]), pitch, Math.atan2(r[3], r[0])];
  }
  // gimbal lock: roll and yaw share one axis; put it all in yaw
  return [0, pitch, Math.atan2(-r[1], r[4])];
}

export function mat3Multiply(a: Mat3, b: Mat3): Mat3 {
  const out = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) out[i * 3 + j] += a[i * 3 + k] * b[k * 3 + j];
  return out;
}

export function mat3Transpose(a: Mat3): Mat3 {
  return [a[0], a[3], a[6], a[1], a[4], a[7], a[2], a[5], a[8]];
}

export function transformPoint(m: Mat4, p: Vec3): Vec3 {
  return [
    m[0] * p[0] + m[1] * p[1] + m[2] * p[2] + m[3],
    m[4] * p[0] + m[5] * p[1] + m[6] * p[2] + m[7],
    m[8] * p[0] + m[9] * p[1] + m[10] * p[2] + m[11],
  ];
}

export function poseToMat4(pose: Pose): Mat4 {
  const r = quatToMat3(pose.quaternion);
  const t = pose.position;
  return [r[0], r[1], r[2], t[0], r[3], r[4], r[5], t[1], r[6], r[7], r[8], t[2], 0, 0, 0, 1];
}

/** Inverse of a rigid transform (rotation + translation), row-major. */
export function invertRigid(m: Mat4): Mat4 {
  const rt = [m[0], m[4], m[8], m[1], m[5], m[9], m[2], m[6], m[10]];
  const t: Vec3 = [m[3], m[7], m[11]];
  const ti = [-(rt[0] * t[0] + rt[1] * t[1] + rt[2] * t[2]), -(rt[3] * t[0] + rt[4] * t[1] + rt[5] * t[2]), -(rt[6] * t[0] + rt[7] * t[1] + rt[8] * t[2])];
  return [rt[0], rt[1], rt[2], ti[0], rt[3], rt[4], rt[5], ti[1], rt[6], rt[7], rt[8], ti[2], 0, 0, 0, 1];
}

/** The 8 corners of an object-frame box of full extents `size`, centred at the origin, placed by `pose`. */
export function boxCorners(pose: Pose, size: Vec3): Vec3[] {
  const out: Vec3[] = [];
  for (const sx of [-0.5, 0.5]) for (const sy of [-0.5, 0.5]) for (const sz of [-0.5, 0.5]) {
    out.push(add(pose.position, rotate(pose.quaternion, [sx * size[0], sy * size[1], sz * size[2]])));
  }
  return out;
}
