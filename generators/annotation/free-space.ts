// Free-space points (RoboPoint's "point to an empty spot left of the bowl"): a point of the table top in a direction
// of a reference object, as seen from the camera, where another object could be put down:
//   - on the table top, FREE_EDGE_M inside its edges;
//   - at least the clearance from every object's footprint, the clearance being the reference's footprint radius
//     (FREE_MIN_CLEARANCE_M at least): room for an object like it. A footprint here is the circle about the object's
//     centre through the corners of its posed bounding box: never smaller than the object's, and cheap;
//   - clearly in the direction (viewpoint.ts inDirection says `yes`, margins included);
//   - inside the image, and showing the table there (no object or arm in front of it).
import type { Rng } from '../../core/random.js';
import { type CameraModel, inImage, projectInFront } from '../../core/camera.js';
import type { Vec2, Vec3 } from '../../core/math.js';
import { type SceneObject, TABLE_ID, shapeHalfExtents } from '../../core/scene.js';
import { boxCorners } from '../../core/math.js';
import { DIRECTIONS, type Direction, type Viewpoint, inDirection } from '../language/viewpoint.js';

export const FREE_MIN_CLEARANCE_M = 0.03;
export const FREE_EDGE_M = 0.03;
/** how far beyond the reference's clearance ring a spot is sought, metres */
const REACH_M = 0.15;
const TRIES = 32;

/** The radius of the circle about the object's centre through the corners of its posed bounding box (on the table). */
export function boundingRadius(o: SceneObject): number {
  const c = o.pose.position;
  const size = shapeHalfExtents(o.shape).map((h) => 2 * h) as Vec3;
  return Math.max(...boxCorners(o.pose, size).map((p) => Math.hypot(p[0] - c[0], p[1] - c[1])));
}

/** The clearance a free spot keeps from every object: room for an object like the reference. */
export function freeClearance(ref: SceneObject): number {
  return Math.max(FREE_MIN_CLEARANCE_M, boundingRadius(ref));
}

/** The table top's height. */
export function tableTop(table: SceneObject): number {
  return table.pose.position[2] + shapeHalfExtents(table.shape)[2];
}

/** Whether a table point is free: on the top inside its edges, and the clearance away from every object's footprint. */
export function isFreeSpot(p: Vec3, table: SceneObject, objects: readonly SceneObject[], clearance: number): boolean {
  const h = shapeHalfExtents(table.shape);
  const c = table.pose.position;
  if (Math.abs(p[0] - c[0]) > h[0] - FREE_EDGE_M || Math.abs(p[1] - c[1]) > h[1] - FREE_EDGE_M) return false;
  return objects.every((o) => Math.hypot(p[0] - o.pose.position[0], p[1] - o.pose.position[1]) - boundingRadius(o) >= clearance);
}

/**
 * A free spot `dir` of `ref`, drawn, or null when none of TRIES draws qualifies. `objects` are everything on the
 * table (seen or not: a hidden object still takes room); `ids` the view's id buffer.
 */
export function freeSpot(cam: CameraModel, vp: Viewpoint, table: SceneObject, objects: readonly SceneObject[], ref: SceneObject, dir: Direction,
  ids: ArrayLike<number>, rng: Rng): { point3d: Vec3; point2d: Vec2 } | null {
  const top = tableTop(table);
  const clearance = freeClearance(ref);
  const centre = (DIRECTIONS.indexOf(dir) * Math.PI) / 4;
  const r0 = boundingRadius(ref) + clearance;
  for (let i = 0; i < TRIES; i++) {
    const a = centre + rng.uniform(-0.2, 0.2);
    const d = r0 + rng.uniform(0, REACH_M);
    const du = d * Math.cos(a), dv = d * Math.sin(a);
    const p: Vec3 = [
      ref.pose.position[0] + du * vp.right[0] + dv * vp.forward[0],
      ref.pose.position[1] + du * vp.right[1] + dv * vp.forward[1],
      top,
    ];
    if (!isFreeSpot(p, table, objects, clearance) || inDirection(vp, p, ref.pose.position, dir, 8) !== 'yes') continue;
    const uv = projectInFront(cam, p);
    if (!uv || !inImage(cam, uv) || ids[Math.floor(uv[1]) * cam.width + Math.floor(uv[0])] !== TABLE_ID) continue;
    return { point3d: p, point2d: uv };
  }
  return null;
}
