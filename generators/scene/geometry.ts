// What an object occupies, posed in the world: the geometry queries of scene objects that placement, task choice,
// grasping and success all ask, each with one definition. Read off the collider's surface samples
// (generators/robot/surface.ts) at the object's current pose; shape-only facts (half extents, the footprint of a shape
// standing as modelled) are core/scene.ts's.
import { poseToMat4 } from '../../core/math.js';
import { type SceneObject, shapeHalfExtents } from '../../core/scene.js';
import { surfaceSamples } from '../robot/surface.js';

/** World-frame z range of an object's collider surface. */
export function zRange(o: SceneObject): { zmin: number; zmax: number } {
  const m = poseToMat4(o.pose);
  const p = surfaceSamples(o.shape).points;
  let zmin = Infinity, zmax = -Infinity;
  for (let i = 0; i < p.length; i += 3) {
    const z = m[8] * p[i] + m[9] * p[i + 1] + m[10] * p[i + 2] + m[11];
    zmin = Math.min(zmin, z);
    zmax = Math.max(zmax, z);
  }
  return { zmin, zmax };
}

/** Radius of the object's footprint (horizontal bounding circle about its centre). */
export function footprintRadius(o: SceneObject): number {
  const m = poseToMat4(o.pose);
  const p = surfaceSamples(o.shape).points;
  let r = 0;
  for (let i = 0; i < p.length; i += 3) {
    const x = m[0] * p[i] + m[1] * p[i + 1] + m[2] * p[i + 2];
    const y = m[4] * p[i] + m[5] * p[i + 1] + m[6] * p[i + 2];
    r = Math.max(r, Math.hypot(x, y));
  }
  return r;
}

/** Half-size of the largest square inscribed in the object's top (supports) or floor (containers), crude but conservative. */
export function topHalfSize(o: SceneObject): number {
  const h = shapeHalfExtents(o.shape);
  if (o.shape.kind === 'cylinder') return o.shape.radius / Math.SQRT2;
  return Math.min(h[0], h[1]);
}

/**
 * Categories whose objects have a flat base and a flat top, so that one stands squarely on another: what a stack is
 * built of (cubes and blocks, and where a library has none of those, boxes and cans: YCB has one graspable block).
 */
export const STACKABLE_CATEGORIES: ReadonlySet<string> = new Set(['cube', 'block', 'box', 'can']);

/** what goes into a container keeps this much between itself and the wall */
export const PUT_IN_CLEARANCE = 0.01;

export interface ContainerInterior {
  floorZ: number;
  rimZ: number;
  /** half-size of the free square inside the walls */
  innerHalf: number;
}

/** Floor and rim heights from the collider surface: the floor is the highest surface near the centre axis. */
export function containerInterior(o: SceneObject): ContainerInterior {
  const m = poseToMat4(o.pose);
  const p = surfaceSamples(o.shape).points;
  const h = shapeHalfExtents(o.shape);
  const axisR = 0.25 * Math.min(h[0], h[1]);
  let floor = -Infinity, rim = -Infinity, wall = Infinity;
  for (let i = 0; i < p.length; i += 3) {
    const x = m[0] * p[i] + m[1] * p[i + 1] + m[2] * p[i + 2];
    const y = m[4] * p[i] + m[5] * p[i + 1] + m[6] * p[i + 2];
    const z = m[8] * p[i] + m[9] * p[i + 1] + m[10] * p[i + 2] + m[11];
    rim = Math.max(rim, z);
    if (Math.hypot(x, y) < axisR) floor = Math.max(floor, z);
  }
  // the inner wall: the nearest sample to the axis that stands clearly above the floor
  for (let i = 0; i < p.length; i += 3) {
    const z = m[8] * p[i] + m[9] * p[i + 1] + m[10] * p[i + 2] + m[11];
    if (z < floor + 0.01) continue;
    const x = m[0] * p[i] + m[1] * p[i + 1] + m[2] * p[i + 2];
    const y = m[4] * p[i] + m[5] * p[i + 1] + m[6] * p[i + 2];
    wall = Math.min(wall, Math.max(Math.abs(x), Math.abs(y)));
  }
  return { floorZ: floor, rimZ: rim, innerHalf: Number.isFinite(wall) ? wall : Math.min(h[0], h[1]) };
}

/** The narrowest horizontal width of an object (what a top-down grasp closes on at best). */
export function minWidth(o: SceneObject): number {
  const m = poseToMat4(o.pose);
  const p = surfaceSamples(o.shape).points;
  let best = Infinity;
  for (let k = 0; k < 12; k++) {
    const a = (Math.PI * k) / 12;
    const c = Math.cos(a), s = Math.sin(a);
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < p.length; i += 3) {
      const v = c * (m[0] * p[i] + m[1] * p[i + 1] + m[2] * p[i + 2]) + s * (m[4] * p[i] + m[5] * p[i + 1] + m[6] * p[i + 2]);
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    best = Math.min(best, hi - lo);
  }
  return best;
}
