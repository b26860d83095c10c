// Plain-array triangle meshes: what the library hands to scenes (Shape 'mesh'), what colliders are built from and
// what is hashed. three.js geometry classes build the shapes; this module turns them into arrays and back.
import * as THREE from 'three';
import type { Vec3 } from '../../core/math.js';

export interface MeshData {
  /** xyz triples, metres, object frame */
  positions: Float32Array;
  indices: Uint32Array;
  normals: Float32Array;
  /** uv pairs, same vertex count; zeros where a part has none */
  uvs: Float32Array;
  /** rgb per vertex where a part has a fixed accent colour (stem, cap, handle); NaN where the chosen colour applies */
  accents?: Float32Array;
}

export interface Aabb {
  min: Vec3;
  max: Vec3;
}

/** A three.js BufferGeometry as arrays (indexed; normals computed if absent). */
export function fromGeometry(g: THREE.BufferGeometry, accent?: Vec3): MeshData {
  const pos = g.getAttribute('position');
  if (!g.getAttribute('normal')) g.computeVertexNormals();
  const nor = g.getAttribute('normal');
  const uv = g.getAttribute('uv');
  const n = pos.count;
  const positions = new Float32Array(n * 3);
  const normals = new Float32Array(n * 3);
  const uvs = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    positions[i * 3] = pos.getX(i);
    positions[i * 3 + 1] = pos.getY(i);
    positions[i * 3 + 2] = pos.getZ(i);
    normals[i * 3] = nor.getX(i);
    normals[i * 3 + 1] = nor.getY(i);
    normals[i * 3 + 2] = nor.getZ(i);
    if (uv) {
      uvs[i * 2] = uv.getX(i);
      uvs[i * 2 + 1] = uv.getY(i);
    }
  }
  const idx = g.getIndex();
  const indices = idx ? Uint32Array.from({ length: idx.count }, (_, i) => idx.getX(i)) : Uint32Array.from({ length: n }, (_, i) => i);
  const m: MeshData = { positions, indices, normals, uvs };
  if (accent) m.accents = new Float32Array(n * 3).map((_, i) => accent[i % 3]);
  return m;
}

/** Concatenates meshes; accent colours are kept per vertex (NaN for parts that take the chosen colour). */
export function mergeMeshes(parts: MeshData[]): MeshData {
  let nv = 0;
  let ni = 0;
  for (const p of parts) {
    nv += p.positions.length / 3;
    ni += p.indices.length;
  }
  const out: MeshData = { positions: new Float32Array(nv * 3), indices: new Uint32Array(ni), normals: new Float32Array(nv * 3), uvs: new Float32Array(nv * 2) };
  const anyAccent = parts.some((p) => p.accents);
  if (anyAccent) out.accents = new Float32Array(nv * 3).fill(NaN);
  let v = 0;
  let i = 0;
  for (const p of parts) {
    out.positions.set(p.positions, v * 3);
    out.normals.set(p.normals, v * 3);
    out.uvs.set(p.uvs, v * 2);
    if (p.accents && out.accents) out.accents.set(p.accents, v * 3);
    for (let k = 0; k < p.indices.length; k++) out.indices[i + k] = p.indices[k] + v;
    v += p.positions.length / 3;
    i += p.indices.length;
  }
  return out;
}

/**
 * The part of an indexed mesh its triangles use: vertices no triangle references are dropped (with their uvs and
 * normals) and the indices renumbered. Every later check and measure (size, flatness, units) then sees the surface
 * only; a stray vertex far away could otherwise make a flat or tiny model pass as a solid one. Null when an index
 * points past the vertices.
 */
export function referencedOnly<T extends { positions: Float32Array; indices: Uint32Array; normals: Float32Array | null; uvs: Float32Array | null }>(m: T): T | null {
  const n = m.positions.length / 3;
  const map = new Int32Array(n).fill(-1);
  let kept = 0;
  for (const i of m.indices) {
    if (i >= n) return null;
    if (map[i] < 0) map[i] = kept++;
  }
  if (kept === n) return m;
  const positions = new Float32Array(kept * 3);
  const normals = m.normals ? new Float32Array(kept * 3) : null;
  const uvs = m.uvs ? new Float32Array(kept * 2) : null;
  for (let v = 0; v < n; v++) {
    const to = map[v];
    if (to < 0) continue;
    positions.set(m.positions.subarray(v * 3, v * 3 + 3), to * 3);
    normals?.set(m.normals!.subarray(v * 3, v * 3 + 3), to * 3);
    uvs?.set(m.uvs!.subarray(v * 2, v * 2 + 2), to * 2);
  }
  return { ...m, positions, normals, uvs, indices: m.indices.map((i) => map[i]) };
}

export function aabbOfPoints(...clouds: Float32Array[]): Aabb {
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (const p of clouds) {
    for (let i = 0; i < p.length; i += 3) {
      for (let k = 0; k < 3; k++) {
        const x = p[i + k];
        if (x < min[k]) min[k] = x;
        if (x > max[k]) max[k] = x;
      }
    }
  }
  return { min, max };
}

export function aabbSize(b: Aabb): Vec3 {
  return [b.max[0] - b.min[0], b.max[1] - b.min[1], b.max[2] - b.min[2]];
}

/** Applies p ↦ R·p + t (R row-major 3×3) to xyz triples in place; normals get R only. */
export function transformInPlace(points: Float32Array, r: number[] | null, t: Vec3 = [0, 0, 0]): void {
  for (let i = 0; i < points.length; i += 3) {
    let x = points[i];
    let y = points[i + 1];
    let z = points[i + 2];
    if (r) [x, y, z] = [r[0] * x + r[1] * y + r[2] * z, r[3] * x + r[4] * y + r[5] * z, r[6] * x + r[7] * y + r[8] * z];
    points[i] = x + t[0];
    points[i + 1] = y + t[1];
    points[i + 2] = z + t[2];
  }
}

/** Signed volume by the divergence theorem; meaningful for closed, consistently wound meshes only. */
export function signedVolume(m: Pick<MeshData, 'positions' | 'indices'>): number {
  const p = m.positions;
  let v = 0;
  for (let t = 0; t < m.indices.length; t += 3) {
    const a = m.indices[t] * 3;
    const b = m.indices[t + 1] * 3;
    const c = m.indices[t + 2] * 3;
    v +=
      p[a] * (p[b + 1] * p[c + 2] - p[b + 2] * p[c + 1]) -
      p[a + 1] * (p[b] * p[c + 2] - p[b + 2] * p[c]) +
      p[a + 2] * (p[b] * p[c + 1] - p[b + 1] * p[c]);
  }
  return v / 6;
}

/** Total triangle area and the count of triangles with (near) zero area. */
export function triangleStats(m: Pick<MeshData, 'positions' | 'indices'>, eps = 1e-14): { area: number; degenerate: number; triangles: number } {
  const p = m.positions;
  let area = 0;
  let degenerate = 0;
  for (let t = 0; t < m.indices.length; t += 3) {
    const a = m.indices[t] * 3;
    const b = m.indices[t + 1] * 3;
    const c = m.indices[t + 2] * 3;
    const ux = p[b] - p[a], uy = p[b + 1] - p[a + 1], uz = p[b + 2] - p[a + 2];
    const vx = p[c] - p[a], vy = p[c + 1] - p[a + 1], vz = p[c + 2] - p[a + 2];
    const cx = uy * vz - uz * vy, cy = uz * vx - ux * vz, cz = ux * vy - uy * vx;
    const a2 = Math.hypot(cx, cy, cz) / 2;
    if (!(a2 > eps)) degenerate++;
    else area += a2;
  }
  return { area, degenerate, triangles: m.indices.length / 3 };
}

/** Recomputes smooth vertex normals from the triangles (area-weighted). */
export function computeNormals(m: Pick<MeshData, 'positions' | 'indices'>): Float32Array {
  const g = new THREE.BufferGeometry();
  g.setAttribute('position', new THREE.BufferAttribute(m.positions, 3));
  g.setIndex(new THREE.BufferAttribute(m.indices, 1));
  g.computeVertexNormals();
  return (g.getAttribute('normal') as THREE.BufferAttribute).array as Float32Array;
}

/** Whether every coordinate is a finite number. */
export function allFinite(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}
