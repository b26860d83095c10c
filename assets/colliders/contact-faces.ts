// Rapier (parry) builds the contact patch of a convex polyhedron's face from at most its first four vertices
// (parry's PolygonalFeature holds 4; see ConvexPolyhedron::local_support_feature, "TODO: if there are more than 4
// vertices…"). A 16-gon cup bottom or a rounded cutting board therefore stands on an arbitrary sliver of its face:
// it rocks, sinks at one corner, and whatever is put on it finds no support. So every planar face with more than
// four vertices is reduced to the largest quad of its vertices, and the other vertices of that face are pulled
// inward along its normal by a 5° chamfer (a smaller tilt would be merged back into the face by parry's coplanarity
// tolerance). Faces are the hull's planar faces (hull.ts planarFaces: triangles on one plane, normals within ~0.8°);
// parry merges adjacent triangles within acos(1 - sqrt(f32::EPSILON)) ≈ 1.5°, so a finely tessellated curve can be
// one big "face" to it as well.
// The bounding box does not change: the quad stays on the face's plane.
import type { Vec3 } from '../../core/math.js';
import { hullOf, planarFaces } from './hull.js';


const CHAMFER = Math.tan((5 * Math.PI) / 180);

type P2 = [number, number];

function area2(a: P2, b: P2, c: P2): number {
  return Math.abs((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]));
}

/** Counter-clockwise order of points around their centroid (they are the vertices of a convex face). */
function ccwOrder(pts: P2[]): number[] {
  const cx = pts.reduce((s, p) => s + p[0], 0) / pts.length;
  const cy = pts.reduce((s, p) => s + p[1], 0) / pts.length;
  return pts.map((_, i) => i).sort((i, j) => Math.atan2(pts[i][1] - cy, pts[i][0] - cx) - Math.atan2(pts[j][1] - cy, pts[j][0] - cx));
}

/** Indices (into `poly`, convex, ccw) of the four vertices spanning the largest quadrilateral. O(n³), n is small. */
export function largestQuad(poly: P2[]): [number, number, number, number] {
  const n = poly.length;
  let best = -1;
  let out: [number, number, number, number] = [0, 1, 2, 3];
  for (let i = 0; i < n; i++) {
    for (let k = i + 2; k < n; k++) {
      let bj = -1, aj = -1;
      for (let j = i + 1; j < k; j++) {
        const a = area2(poly[i], poly[j], poly[k]);
        if (a > aj) { aj = a; bj = j; }
      }
      let bl = -1, al = -1;
      for (let l = k + 1; l < n + i; l++) {
        const a = area2(poly[k], poly[l % n], poly[i]);
        if (a > al) { al = a; bl = l % n; }
      }
      if (bj < 0 || bl < 0 || bl === i) continue;
      if (aj + al > best) {
        best = aj + al;
        out = [i, bj, k, bl];
      }
    }
  }
  return out;
}

/** Distance from q to the convex polygon (0 inside). */
function distanceToPolygon(poly: P2[], q: P2): number {
  let inside = true;
  let d = Infinity;
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i], b = poly[(i + 1) % poly.length];
    const ex = b[0] - a[0], ey = b[1] - a[1];
    const len2 = ex * ex + ey * ey || 1e-30;
    if (ex * (q[1] - a[1]) - ey * (q[0] - a[0]) < 0) inside = false;
    const t = Math.max(0, Math.min(1, ((q[0] - a[0]) * ex + (q[1] - a[1]) * ey) / len2));
    d = Math.min(d, Math.hypot(q[0] - a[0] - t * ex, q[1] - a[1] - t * ey));
  }
  return inside ? 0 : d;
}

/**
 * A convex part whose flat, roughly horizontal faces (what it stands on, what things stand on) have at most four
 * vertices (see the module comment). One pass; each vertex moves at most once, never by more than a quarter of the
 * part's thickness, and only along the face normal, so the part's extent in x and y is unchanged.
 */
export function quadFaces(points: Float32Array): Float32Array {
  const h = hullOf(points);
  const faces = planarFaces(h, 1e-5).filter((f) => Math.abs(f.normal[2]) > 0.9);
  const verts = h.vertices.slice();
  const index = new Map<string, number>();
  for (let i = 0; i < verts.length; i += 3) index.set(`${verts[i]},${verts[i + 1]},${verts[i + 2]}`, i);
  const moved = new Set<number>();
  let changed = false;
  for (const f of faces) {
    const uniq = [...new Map(f.points.map((p) => [p.join(','), p])).values()];
    if (uniq.length <= 4) continue;
    const n = f.normal;
    const u: Vec3 = Math.abs(n[2]) < 0.9 ? [n[1], -n[0], 0] : [0, n[2], -n[1]];
    const ul = Math.hypot(...u);
    u[0] /= ul; u[1] /= ul; u[2] /= ul;
    const w: Vec3 = [n[1] * u[2] - n[2] * u[1], n[2] * u[0] - n[0] * u[2], n[0] * u[1] - n[1] * u[0]];
    const p2 = uniq.map((p): P2 => [p[0] * u[0] + p[1] * u[1] + p[2] * u[2], p[0] * w[0] + p[1] * w[1] + p[2] * w[2]]);
    const order = ccwOrder(p2);
    const poly = order.map((i) => p2[i]);
    const quadIdx = largestQuad(poly).map((i) => order[i]);
    const quad = ccwOrder(quadIdx.map((i) => p2[i])).map((k) => p2[quadIdx[k]]);
    let lo = Infinity;
    for (let i = 0; i < h.vertices.length; i += 3) lo = Math.min(lo, h.vertices[i] * n[0] + h.vertices[i + 1] * n[1] + h.vertices[i + 2] * n[2]);
    const maxDrop = (f.offset - lo) * 0.25;
    for (let k = 0; k < uniq.length; k++) {
      if (quadIdx.includes(k)) continue;
      const vi = index.get(uniq[k].join(','));
      if (vi === undefined || moved.has(vi)) continue;
      moved.add(vi);
      const drop = Math.min(Math.max(distanceToPolygon(quad, p2[k]), 1e-4) * CHAMFER, maxDrop);
      for (let c = 0; c < 3; c++) verts[vi + c] -= n[c] * drop;
      changed = true;
    }
  }
  return changed ? hullOf(verts).vertices : h.vertices;
}

/** Polyline simplification by turning angle: drops samples where the profile turns by less than `minDeg`. */
export function simplifyProfile(profile: [number, number][], minDeg = 3): [number, number][] {
  if (profile.length <= 2) return profile.slice();
  const out: [number, number][] = [profile[0]];
  const cos = Math.cos((minDeg * Math.PI) / 180);
  for (let i = 1; i < profile.length - 1; i++) {
    const a = out[out.length - 1], b = profile[i], c = profile[i + 1];
    const ux = b[0] - a[0], uy = b[1] - a[1], vx = c[0] - b[0], vy = c[1] - b[1];
    const lu = Math.hypot(ux, uy), lv = Math.hypot(vx, vy);
    if (lu < 1e-9) continue;
    if (lv < 1e-9 || (ux * vx + uy * vy) / (lu * lv) < cos) out.push(b);
  }
  out.push(profile[profile.length - 1]);
  return out;
}
