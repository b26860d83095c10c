// The full (unoccluded, unclipped) silhouette of one object in one view, rasterised on the CPU at the stored
// image's pixel centres, like the GPU does. Visible pixels over silhouette pixels gives the occlusion.
import { type CameraModel, projectWithDepth } from '../../core/camera.js';
import { rotate } from '../../core/math.js';
import type { SceneObject, Shape } from '../../core/scene.js';
import { shapeTriangles } from '../scene/tessellate.js';
import { levelFor, levelShape } from '../scene/lod.js';

// keyed by the shape, or for a mesh by the triangle list of the level drawn (levelShape makes a new shape each call)
const trianglesCache = new WeakMap<object, Float32Array>();

/** The triangles the renderer draws for `o` in this view: a mesh at the level of detail lod.ts picks for it. */
function triangles(cam: CameraModel, o: SceneObject): Float32Array {
  const shape: Shape = o.shape.kind === 'mesh' ? levelShape(o.shape, levelFor(o.shape, o.pose.position, cam)) : o.shape;
  const key = shape.kind === 'mesh' ? shape.indices : shape;
  let t = trianglesCache.get(key);
  if (!t) trianglesCache.set(key, (t = shapeTriangles(shape)));
  return t;
}

// The last area per camera and object: most objects lie still for most of an episode (asleep in Rapier, their poses
// bit-identical from frame to frame), and rasterising them again was the largest CPU cost of annotation.
const lastArea = new WeakMap<CameraModel, Map<number, { shape: Shape; pose: number[]; area: number }>>();

/** Number of pixel centres covered by the object's projection, counted beyond the image borders too. */
export function silhouetteArea(cam: CameraModel, o: SceneObject): number {
  const pose = [...o.pose.position, ...o.pose.quaternion];
  let byObject = lastArea.get(cam);
  if (!byObject) lastArea.set(cam, (byObject = new Map()));
  const last = byObject.get(o.id);
  if (last && last.shape === o.shape && last.pose.every((v, i) => v === pose[i])) return last.area;
  const area = rasterArea(cam, o);
  byObject.set(o.id, { shape: o.shape, pose, area });
  return area;
}

function rasterArea(cam: CameraModel, o: SceneObject): number {
  const tri = triangles(cam, o);
  const n = tri.length / 3;
  const uv = new Float64Array(n * 2);
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < n; i++) {
    const w = rotate(o.pose.quaternion, [tri[i * 3], tri[i * 3 + 1], tri[i * 3 + 2]]);
    const [u, v, z] = projectWithDepth(cam, [w[0] + o.pose.position[0], w[1] + o.pose.position[1], w[2] + o.pose.position[2]]);
    if (z <= 1e-6) return 0; // straddles the camera plane: no meaningful silhouette
    uv[i * 2] = u;
    uv[i * 2 + 1] = v;
    x0 = Math.min(x0, u); y0 = Math.min(y0, v); x1 = Math.max(x1, u); y1 = Math.max(y1, v);
  }
  // limit the raster to a generous margin around the image: objects far outside cannot matter
  const W = cam.width, H = cam.height;
  const bx0 = Math.max(Math.floor(x0), -W), by0 = Math.max(Math.floor(y0), -H);
  const bx1 = Math.min(Math.ceil(x1), 2 * W), by1 = Math.min(Math.ceil(y1), 2 * H);
  const bw = bx1 - bx0, bh = by1 - by0;
  if (bw <= 0 || bh <= 0) return 0;
  const mask = new Uint8Array(bw * bh);
  for (let t = 0; t < n; t += 3) {
    const ax = uv[t * 2], ay = uv[t * 2 + 1], bx = uv[t * 2 + 2], by = uv[t * 2 + 3], cx = uv[t * 2 + 4], cy = uv[t * 2 + 5];
    const area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    if (area === 0) continue;
    const s = area > 0 ? 1 : -1; // both windings: the silhouette is the union of front and back faces
    const px0 = Math.max(bx0, Math.floor(Math.min(ax, bx, cx))), px1 = Math.min(bx1 - 1, Math.ceil(Math.max(ax, bx, cx)));
    const py0 = Math.max(by0, Math.floor(Math.min(ay, by, cy))), py1 = Math.min(by1 - 1, Math.ceil(Math.max(ay, by, cy)));
    for (let py = py0; py <= py1; py++) {
      const yc = py + 0.5;
      for (let px = px0; px <= px1; px++) {
        const xc = px + 0.5;
        const e0 = s * ((bx - ax) * (yc - ay) - (by - ay) * (xc - ax));
        const e1 = s * ((cx - bx) * (yc - by) - (cy - by) * (xc - bx));
        const e2 = s * ((ax - cx) * (yc - cy) - (ay - cy) * (xc - cx));
        if (e0 >= 0 && e1 >= 0 && e2 >= 0) mask[(py - by0) * bw + (px - bx0)] = 1;
      }
    }
  }
  let count = 0;
  for (let i = 0; i < mask.length; i++) count += mask[i];
  return count;
}
