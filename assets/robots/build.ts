// Helpers for writing robot models by hand: primitive link geometry (capsules between two points, boxes) and
// joints from URDF-style numbers. Primitives, not meshes: they render in every camera, collide cheaply as
// kinematic bodies, and need no mesh files at run time.
import type { Pose, Vec3 } from '../../core/math.js';
import { quatFromAxisAngle } from '../../core/math.js';
import { rpyToQuat } from '../../core/frames.js';
import type { JointLimit, JointType, LinkGeometry, RobotJoint, RobotLink } from '../../core/robot-model.js';
import type { Material } from '../../core/scene.js';

export function material(colorName: string, rgb: Vec3, roughness = 0.5, metalness = 0.1): Material {
  return { colorName, rgb, roughness, metalness };
}

export function pose(xyz: Vec3, rpy: Vec3 = [0, 0, 0]): Pose {
  return { position: xyz, quaternion: rpyToQuat(rpy) };
}

/** A capsule whose axis runs from a to b (link frame); capsules stand along +z, so it is turned onto b − a. */
export function capsuleBetween(a: Vec3, b: Vec3, radius: number, mat: Material): LinkGeometry {
  const d: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const len = Math.hypot(...d);
  const mid: Vec3 = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2];
  // rotate +z onto d: axis z × d, angle acos(d_z / |d|)
  const axis: Vec3 = [-d[1], d[0], 0];
  const s = Math.hypot(...axis);
  const quaternion = s < 1e-9 ? (d[2] >= 0 ? [0, 0, 0, 1] : quatFromAxisAngle([1, 0, 0], Math.PI)) : quatFromAxisAngle(axis, Math.acos(d[2] / len));
  return { origin: { position: mid, quaternion: quaternion as Pose['quaternion'] }, shape: { kind: 'capsule', radius, height: Math.max(1e-4, len) }, material: mat };
}

export function boxAt(center: Vec3, size: Vec3, mat: Material, rpy: Vec3 = [0, 0, 0]): LinkGeometry {
  return { origin: pose(center, rpy), shape: { kind: 'box', size }, material: mat };
}

export function cylinderAt(center: Vec3, radius: number, height: number, mat: Material): LinkGeometry {
  return { origin: pose(center), shape: { kind: 'cylinder', radius, height }, material: mat };
}

/** A link whose visual and collision geometry are the same primitives. */
export function link(name: string, geometry: LinkGeometry[]): RobotLink {
  return { name, visuals: geometry, collisions: geometry };
}

export function joint(
  name: string,
  type: JointType,
  parent: string,
  child: string,
  origin: Pose,
  axis: Vec3 = [0, 0, 1],
  limit: Partial<JointLimit> = {},
): RobotJoint {
  return {
    name, type, parent, child, origin, axis,
    limit: { lower: limit.lower ?? (type === 'continuous' ? -Infinity : 0), upper: limit.upper ?? (type === 'continuous' ? Infinity : 0), velocity: limit.velocity ?? 1, effort: limit.effort ?? 0 },
  };
}
