// Small geometry builders shared by the families: three.js primitives turned to the z-up object frame, extrusions,
// tubes with a varying radius, and their convex collider clouds.
import * as THREE from 'three';
import type { Vec3 } from '../../core/math.js';
import { type MeshData, fromGeometry } from '../geometry/mesh.js';
import { tubeParts } from '../colliders/lathe.js';

export function boxMesh(size: Vec3, at: Vec3 = [0, 0, 0], accent?: Vec3): MeshData {
  const g = new THREE.BoxGeometry(size[0], size[1], size[2]);
  g.translate(at[0], at[1], at[2]);
  return fromGeometry(g, accent);
}

/** The 8 corners of a box (a convex collider part). */
export function boxPoints(size: Vec3, at: Vec3 = [0, 0, 0]): Float32Array {
  const p: number[] = [];
  for (const sx of [-0.5, 0.5]) for (const sy of [-0.5, 0.5]) for (const sz of [-0.5, 0.5]) p.push(at[0] + sx * size[0], at[1] + sy * size[1], at[2] + sz * size[2]);
  return Float32Array.from(p);
}

/** Cylinder standing along +z, centred at `at`. */
export function cylinderMesh(radius: number, height: number, segments: number, at: Vec3 = [0, 0, 0], accent?: Vec3, radiusTop = radius): MeshData {
  const g = new THREE.CylinderGeometry(radiusTop, radius, height, segments);
  g.rotateX(Math.PI / 2);
  g.translate(at[0], at[1], at[2]);
  return fromGeometry(g, accent);
}

export function sphereMesh(radius: number, at: Vec3 = [0, 0, 0], accent?: Vec3): MeshData {
  const g = new THREE.SphereGeometry(radius, 32, 16);
  g.rotateX(Math.PI / 2);
  g.translate(at[0], at[1], at[2]);
  return fromGeometry(g, accent);
}

/** A flat outline (x, y) extruded upwards from z = z0 by `depth`, optionally bevelled. */
export function extrudeMesh(outline: THREE.Shape, depth: number, z0 = 0, bevel = 0, accent?: Vec3, curveSegments = 8): MeshData {
  const g = new THREE.ExtrudeGeometry(outline, {
    depth: depth - 2 * bevel,
    bevelEnabled: bevel > 0,
    bevelThickness: bevel,
    bevelSize: bevel,
    bevelSegments: 2,
    curveSegments,
  });
  g.translate(0, 0, z0 + bevel);
  return fromGeometry(g, accent);
}

/** A rounded rectangle outline centred at the origin. */
export function roundedRect(w: number, h: number, r: number): THREE.Shape {
  const s = new THREE.Shape();
  const x = -w / 2, y = -h / 2;
  r = Math.min(r, w / 2 - 1e-4, h / 2 - 1e-4);
  s.moveTo(x + r, y);
  s.lineTo(x + w - r, y);
  s.quadraticCurveTo(x + w, y, x + w, y + r);
  s.lineTo(x + w, y + h - r);
  s.quadraticCurveTo(x + w, y + h, x + w - r, y + h);
  s.lineTo(x + r, y + h);
  s.quadraticCurveTo(x, y + h, x, y + h - r);
  s.lineTo(x, y + r);
  s.quadraticCurveTo(x, y, x + r, y);
  return s;
}

/** Points of a mesh (its vertex cloud), for a hull collider part. */
export function pointsOf(m: MeshData): Float32Array {
  return m.positions.slice();
}

/**
 * A tube along `curve` whose radius follows `radius(t)` (TubeGeometry has a constant one: rings are rescaled about
 * the curve). Returns the mesh and `groups` convex clouds along its length.
 */
export function taperedTube(
  curve: THREE.Curve<THREE.Vector3>,
  radius: (t: number) => number,
  opts: { tubular: number; radial: number; groups: number; accent?: Vec3; squash?: number },
): { mesh: MeshData; parts: Float32Array[] } {
  const g = new THREE.TubeGeometry(curve, opts.tubular, 1, opts.radial, false);
  const pos = g.getAttribute('position') as THREE.BufferAttribute;
  const per = opts.radial + 1;
  for (let i = 0; i <= opts.tubular; i++) {
    const t = i / opts.tubular;
    const c = curve.getPointAt(t);
    const r = radius(t);
    for (let j = 0; j < per; j++) {
      const v = i * per + j;
      const dx = pos.getX(v) - c.x, dy = pos.getY(v) - c.y, dz = (pos.getZ(v) - c.z) * (opts.squash ?? 1);
      pos.setXYZ(v, c.x + dx * r, c.y + dy * r, c.z + dz * r);
    }
  }
  // close the ends so the mesh is a solid: a fan to each end centre
  const ends = [0, opts.tubular];
  const extra: number[] = [];
  const idx: number[] = Array.from(g.getIndex()!.array);
  let next = pos.count;
  for (const i of ends) {
    const c = curve.getPointAt(i / opts.tubular);
    extra.push(c.x, c.y, c.z);
    for (let j = 0; j < opts.radial; j++) {
      const a = i * per + j, b = i * per + j + 1;
      if (i === 0) idx.push(next, b, a);
      else idx.push(next, a, b);
    }
    next++;
  }
  const positions = new Float32Array(pos.count * 3 + extra.length);
  positions.set(pos.array as Float32Array, 0);
  positions.set(extra, pos.count * 3);
  const closed = new THREE.BufferGeometry();
  closed.setAttribute('position', new THREE.BufferAttribute(positions, 3));
  const uv = new Float32Array((positions.length / 3) * 2);
  uv.set((g.getAttribute('uv') as THREE.BufferAttribute).array as Float32Array, 0);
  closed.setAttribute('uv', new THREE.BufferAttribute(uv, 2));
  closed.setIndex(idx);
  closed.computeVertexNormals();
  return { mesh: fromGeometry(closed, opts.accent), parts: tubeParts(g, opts.tubular, opts.radial, opts.groups) };
}

/** Half an ellipse in the xz plane from (x0, z0) bulging to +x by `reach`, for mug and pot handles. */
export class HandleCurve extends THREE.Curve<THREE.Vector3> {
  constructor(private readonly x0: number, private readonly zc: number, private readonly reach: number, private readonly halfHeight: number, private readonly y = 0) {
    super();
  }
  override getPoint(t: number, target = new THREE.Vector3()): THREE.Vector3 {
    const a = -Math.PI / 2 + Math.PI * t;
    return target.set(this.x0 + this.reach * Math.cos(a), this.y, this.zc + this.halfHeight * Math.sin(a));
  }
}
