// Oriented boxes and the separating-axis test: the conservative, cheap collision check grasp and placement
// planning run dozens of times per candidate (gripper parts against the table and the other objects) before
// anything is simulated. Physics remains the judge of what really touches.
import type { Mat4, Pose, Vec3 } from '../../core/math.js';
import { poseToMat4, rotate } from '../../core/math.js';
import type { SceneObject, Shape } from '../../core/scene.js';
import { shapeHalfExtents } from '../../core/scene.js';
import { mat4Multiply } from '../../core/frames.js';

export interface Obb {
  center: Vec3;
  /** unit axes (columns of the rotation) */
  axes: [Vec3, Vec3, Vec3];
  half: Vec3;
}

export function obbFromMatrix(m: Mat4, half: Vec3): Obb {
  return { center: [m[3], m[7], m[11]], axes: [[m[0], m[4], m[8]], [m[1], m[5], m[9]], [m[2], m[6], m[10]]], half };
}

/** The box bounding a shape placed by `pose` (exact for boxes, loose for round shapes). */
export function shapeObb(shape: Shape, pose: Pose): Obb {
  return obbFromMatrix(poseToMat4(pose), shapeHalfExtents(shape));
}

export function objectObb(o: SceneObject): Obb {
  return shapeObb(o.shape, o.pose);
}

/** An OBB given in frame `m` (e.g. a gripper part in the TCP frame), expressed in m's parent frame. */
export function transformObb(m: Mat4, b: Obb): Obb {
  const local = [b.axes[0][0], b.axes[1][0], b.axes[2][0], b.center[0], b.axes[0][1], b.axes[1][1], b.axes[2][1], b.center[1], b.axes[0][2], b.axes[1][2], b.axes[2][2], b.center[2], 0, 0, 0, 1];
  return obbFromMatrix(mat4Multiply(m, local), b.half);
}

export function inflate(b: Obb, margin: number): Obb {
  return { ...b, half: [b.half[0] + margin, b.half[1] + margin, b.half[2] + margin] };
}

/** Lowest world z of the box. */
export function obbMinZ(b: Obb): number {
  return b.center[2] - (Math.abs(b.axes[0][2]) * b.half[0] + Math.abs(b.axes[1][2]) * b.half[1] + Math.abs(b.axes[2][2]) * b.half[2]);
}

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function projRadius(b: Obb, axis: Vec3): number {
  let r = 0;
  for (let i = 0; i < 3; i++) r += b.half[i] * Math.abs(b.axes[i][0] * axis[0] + b.axes[i][1] * axis[1] + b.axes[i][2] * axis[2]);
  return r;
}

/** Separating-axis test over the 15 candidate axes. */
export function obbOverlap(a: Obb, b: Obb): boolean {
  const d: Vec3 = [b.center[0] - a.center[0], b.center[1] - a.center[1], b.center[2] - a.center[2]];
  const axes: Vec3[] = [...a.axes, ...b.axes];
  for (const u of a.axes) for (const v of b.axes) {
    const c = cross(u, v);
    if (Math.hypot(...c) > 1e-6) axes.push(c);
  }
  for (const ax of axes) {
    const dist = Math.abs(d[0] * ax[0] + d[1] * ax[1] + d[2] * ax[2]);
    if (dist > projRadius(a, ax) + projRadius(b, ax)) return false;
  }
  return true;
}

/** A world point expressed in a pose's frame. */
export function toLocal(pose: Pose, p: Vec3): Vec3 {
  const inv: Pose['quaternion'] = [-pose.quaternion[0], -pose.quaternion[1], -pose.quaternion[2], pose.quaternion[3]];
  return rotate(inv, [p[0] - pose.position[0], p[1] - pose.position[1], p[2] - pose.position[2]]);
}
