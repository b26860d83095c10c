// 2D boxes of scene objects in one rendered view: tight boxes from the id buffer (what is visible), amodal boxes
// from the object's projected 3D box, and the occlusion that relates the two through the object's silhouette.
import { type CameraModel, projectWithDepth } from '../../core/camera.js';
import { boxCorners, type Vec2 } from '../../core/math.js';
import type { ObjectBox } from '../../schemas/records.js';
import { type SceneObject, shapeHalfExtents } from '../../core/scene.js';
import { silhouetteArea } from './silhouette.js';

export type Box = [number, number, number, number];

export interface IdRegion {
  pixels: number;
  /** pixel-edge box: [minX, minY, maxX + 1, maxY + 1] */
  box: Box;
  /** mean of the pixel centres */
  centroid: Vec2;
}

/** One pass over the id buffer: pixel count, tight box and centroid of every id present (0 = background). */
export function idRegions(ids: ArrayLike<number>, width: number, height: number): Map<number, IdRegion> {
  const acc = new Map<number, { n: number; x0: number; y0: number; x1: number; y1: number; sx: number; sy: number }>();
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      const id = ids[i];
      if (id === 0) continue;
      let a = acc.get(id);
      if (!a) acc.set(id, (a = { n: 0, x0: x, y0: y, x1: x, y1: y, sx: 0, sy: 0 }));
      a.n++;
      if (x < a.x0) a.x0 = x;
      if (x > a.x1) a.x1 = x;
      if (y > a.y1) a.y1 = y;
      a.sx += x + 0.5;
      a.sy += y + 0.5;
    }
  }
  const out = new Map<number, IdRegion>();
  for (const [id, a] of acc) out.set(id, { pixels: a.n, box: [a.x0, a.y0, a.x1 + 1, a.y1 + 1], centroid: [a.sx / a.n, a.sy / a.n] });
  return out;
}

/** The object's 3D box projected, unclipped; null when part of it is behind the camera. */
export function projectedBox(cam: CameraModel, o: SceneObject): Box | null {
  const h = shapeHalfExtents(o.shape);
  const corners = boxCorners(o.pose, [2 * h[0], 2 * h[1], 2 * h[2]]);
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const c of corners) {
    const [u, v, z] = projectWithDepth(cam, c);
    if (z <= 1e-6) return null;
    x0 = Math.min(x0, u); y0 = Math.min(y0, v); x1 = Math.max(x1, u); y1 = Math.max(y1, v);
  }
  return [x0, y0, x1, y1];
}

export function clipBox(b: Box, width: number, height: number): Box | null {
  const c: Box = [Math.max(0, b[0]), Math.max(0, b[1]), Math.min(width, b[2]), Math.min(height, b[3])];
  return c[0] < c[2] && c[1] < c[3] ? c : null;
}

/** Boxes of every annotated object in view of this camera (its projected 3D box meets the image). */
export function objectBoxes(cam: CameraModel, objects: readonly SceneObject[], regions: Map<number, IdRegion>): ObjectBox[] {
  const out: ObjectBox[] = [];
  for (const o of objects) {
    if (!o.annotated) continue;
    const projected = projectedBox(cam, o);
    const amodal = projected && clipBox(projected, cam.width, cam.height);
    if (!amodal) continue;
    const region = regions.get(o.id);
    const silhouette = silhouetteArea(cam, o);
    const visible = region?.pixels ?? 0;
    const occlusion = silhouette > 0 ? Math.min(1, Math.max(0, 1 - visible / silhouette)) : 1;
    out.push({ label: o.name, object_id: o.id, bbox_tight: region ? region.box : null, bbox_amodal: amodal, occlusion });
  }
  return out;
}
