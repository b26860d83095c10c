// Convex hulls through three.js's quickhull (ConvexHull), used as plain JS: hull vertices (the point cloud Rapier
// gets), triangles, volume and centroid, and planar faces grouped by normal (for finding resting faces).
import * as THREE from 'three';
import { ConvexHull } from 'three/examples/jsm/math/ConvexHull.js';
import type { Vec3 } from '../../core/math.js';

export interface Hull {
  /** hull vertices, xyz triples */
  vertices: Float32Array;
  /** triangles over `vertices` */
  triangles: Uint32Array;
  volume: number;
  centroid: Vec3;
  /** outward unit normal per triangle */
  normals: Vec3[];
}

function toVectors(points: Float32Array): THREE.Vector3[] {
  const v: THREE.Vector3[] = [];
  for (let i = 0; i < points.length; i += 3) v.push(new THREE.Vector3(points[i], points[i + 1], points[i + 2]));
  return v;
}

/** The hull of a point cloud. Throws on fewer than 4 non-coplanar points (a flat or empty part is a bug). */
export function hullOf(points: Float32Array): Hull {
  const vecs = toVectors(points);
  if (vecs.length < 4) throw new Error(`convex hull needs at least 4 points, got ${vecs.length}`);
  const h = new ConvexHull().setFromPoints(vecs);
  const index = new Map<THREE.Vector3, number>();
  const verts: number[] = [];
  const tris: number[] = [];
  const normals: Vec3[] = [];
  const idOf = (p: THREE.Vector3): number => {
    let i = index.get(p);
    if (i === undefined) {
      i = verts.length / 3;
      index.set(p, i);
      verts.push(p.x, p.y, p.z);
    }
    return i;
  };
  for (const f of h.faces) {
    const loop: number[] = [];
    let e = f.edge;
    do {
      loop.push(idOf(e.head().point));
      e = e.next;
    } while (e !== f.edge);
    for (let k = 1; k + 1 < loop.length; k++) {
      tris.push(loop[0], loop[k], loop[k + 1]);
      normals.push([f.normal.x, f.normal.y, f.normal.z]);
    }
  }
  if (tris.length === 0) throw new Error('convex hull is degenerate (all points coplanar)');
  // volume and centroid: tetrahedra from an interior point to every hull triangle
  const o: Vec3 = [0, 0, 0];
  const nv = verts.length / 3;
  for (let i = 0; i < verts.length; i += 3) for (let k = 0; k < 3; k++) o[k] += verts[i + k] / nv;
  let volume = 0;
  const c: Vec3 = [0, 0, 0];
  for (let t = 0; t < tris.length; t += 3) {
    const a = tris[t] * 3, b = tris[t + 1] * 3, d = tris[t + 2] * 3;
    const ax = verts[a] - o[0], ay = verts[a + 1] - o[1], az = verts[a + 2] - o[2];
    const bx = verts[b] - o[0], by = verts[b + 1] - o[1], bz = verts[b + 2] - o[2];
    const dx = verts[d] - o[0], dy = verts[d + 1] - o[1], dz = verts[d + 2] - o[2];
    const v = (ax * (by * dz - bz * dy) - ay * (bx * dz - bz * dx) + az * (bx * dy - by * dx)) / 6;
    volume += v;
    c[0] += (v * (ax + bx + dx)) / 4;
    c[1] += (v * (ay + by + dy)) / 4;
    c[2] += (v * (az + bz + dz)) / 4;
  }
  const centroid: Vec3 = volume > 0 ? [o[0] + c[0] / volume, o[1] + c[1] / volume, o[2] + c[2] / volume] : o;
  return { vertices: Float32Array.from(verts), triangles: Uint32Array.from(tris), volume, centroid, normals };
}

/** A convex part reduced to its hull vertices (what is stored and handed to Rapier). */
export function hullPoints(points: Float32Array): Float32Array {
  return hullOf(points).vertices;
}

/**
 * A scan's hull reduced to its extreme points in `directions` evenly spread directions (a Fibonacci sphere) and the
 * six axes, plus every point on its lowest plane (the flat base rest.ts flattenBase made). A scan's hull has hundreds
 * of vertices from millimetre noise: parry merges near-coplanar triangles (≈1.5°) into faces of many vertices and
 * builds a contact patch from only four of them (contact-faces.ts), so the YCB foam brick put on the pudding box sank
 * 1.2 cm into its bumpy top and slid; on 64 directions' hull it rests. Fewer vertices also make each contact cheaper.
 * The bounding box does not change (the axis extremes are kept).
 */
export function extremePoints(points: Float32Array, directions = 64): Float32Array {
  const dirs: Vec3[] = [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]];
  const golden = Math.PI * (3 - Math.sqrt(5));
  for (let i = 0; i < directions; i++) {
    const z = 1 - (2 * (i + 0.5)) / directions, r = Math.sqrt(1 - z * z);
    dirs.push([r * Math.cos(golden * i), r * Math.sin(golden * i), z]);
  }
  let lo = Infinity;
  for (let i = 2; i < points.length; i += 3) lo = Math.min(lo, points[i]);
  const keep = new Set<number>();
  for (let i = 0; i < points.length; i += 3) if (points[i + 2] === lo) keep.add(i);
  for (const d of dirs) {
    let best = 0, most = -Infinity;
    for (let i = 0; i < points.length; i += 3) {
      const v = points[i] * d[0] + points[i + 1] * d[1] + points[i + 2] * d[2];
      if (v > most) { most = v; best = i; }
    }
    keep.add(best);
  }
  return Float32Array.from([...keep].sort((a, b) => a - b).flatMap((i) => [points[i], points[i + 1], points[i + 2]]));
}

export interface PlanarFace {
  normal: Vec3;
  /** signed distance of the plane from the origin along `normal` */
  offset: number;
  /** the face polygon's vertices (xyz triples, unordered) */
  points: Vec3[];
}

/** Hull triangles merged into planar faces (quickhull returns triangles; a box's bottom is two of them). */
export function planarFaces(h: Hull, tolerance = 1e-4): PlanarFace[] {
  const faces: PlanarFace[] = [];
  const v = h.vertices;
  for (let t = 0; t < h.triangles.length / 3; t++) {
    const n = h.normals[t];
    const a = h.triangles[t * 3] * 3;
    const offset = n[0] * v[a] + n[1] * v[a + 1] + n[2] * v[a + 2];
    let f = faces.find((g) => g.normal[0] * n[0] + g.normal[1] * n[1] + g.normal[2] * n[2] > 1 - tolerance && Math.abs(g.offset - offset) < 1e-5 + tolerance * 0.01);
    if (!f) {
      f = { normal: n, offset, points: [] };
      faces.push(f);
    }
    for (let k = 0; k < 3; k++) {
      const i = h.triangles[t * 3 + k] * 3;
      f.points.push([v[i], v[i + 1], v[i + 2]]);
    }
  }
  return faces;
}
