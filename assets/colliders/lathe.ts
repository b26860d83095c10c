// Lathe-profile solids and their exact convex decomposition. For a procedural vessel the structure is known, so the
// collider is composed from it rather than searched for: the bottom is one frustum, the wall is cut into angular
// segments × height bands, each segment the hull of its inner and outer profile points. The hollow stays hollow, and
// every part is convex by construction (no decomposition heuristics to fail).
import * as THREE from 'three';
import { type MeshData, fromGeometry } from '../geometry/mesh.js';
import type { Vec3 } from '../../core/math.js';
import { simplifyProfile } from './contact-faces.js';

/** A vessel: outer radius as a function of height (piecewise linear through samples), constant wall and floor. */
export interface VesselProfile {
  /** increasing heights from 0 (the base) to the rim */
  z: number[];
  /** outer radius at each height */
  r: number[];
  wall: number;
  floor: number;
}

export function radiusAt(p: { z: number[]; r: number[] }, z: number): number {
  if (z <= p.z[0]) return p.r[0];
  for (let i = 1; i < p.z.length; i++) {
    if (z <= p.z[i]) {
      const t = (z - p.z[i - 1]) / (p.z[i] - p.z[i - 1] || 1);
      return p.r[i - 1] + t * (p.r[i] - p.r[i - 1]);
    }
  }
  return p.r[p.r.length - 1];
}

/** three's LatheGeometry turns about +y; the object frame stands along +z. */
export function latheMesh(profile: [number, number][], segments: number, accent?: Vec3, phiStart = 0): MeshData {
  const g = new THREE.LatheGeometry(profile.map(([r, z]) => new THREE.Vector2(r, z)), segments, phiStart);
  g.rotateX(Math.PI / 2);
  return fromGeometry(g, accent);
}

/** The closed profile (axis → outside → rim → inside → axis) of a vessel, for the render mesh. */
export function vesselOutline(p: VesselProfile): [number, number][] {
  const out: [number, number][] = [[0, 0]];
  for (let i = 0; i < p.z.length; i++) out.push([p.r[i], p.z[i]]);
  const top = p.z[p.z.length - 1];
  // a rounded lip: half a wall above the inner and outer rim edges
  out.push([p.r[p.r.length - 1] - p.wall / 2, top + p.wall * 0.35]);
  const inner: [number, number][] = [];
  for (let i = p.z.length - 1; i >= 0; i--) if (p.z[i] > p.floor) inner.push([Math.max(p.r[i] - p.wall, 1e-4), p.z[i]]);
  inner.push([Math.max(radiusAt(p, p.floor) - p.wall, 1e-4), p.floor]);
  out.push(...inner, [0, p.floor]);
  return out;
}

function ring(r: number, z: number, n: number, a0: number, a1: number, out: number[]): void {
  for (let j = 0; j <= n; j++) {
    const a = a0 + ((a1 - a0) * j) / n;
    out.push(r * Math.cos(a), r * Math.sin(a), z);
  }
}

/**
 * Convex parts of a vessel: floor frustum + `segments` × bands wall pieces. `bands` are the heights that split the
 * wall (floor and rim added). Samples of the profile inside a band are included so bulges stay covered.
 */
export function vesselParts(p: VesselProfile, segments: number, bands: number[] = []): Float32Array[] {
  const top = p.z[p.z.length - 1];
  const parts = floorParts(p.r[0], radiusAt(p, p.floor), p.floor, segments);
  // profile samples where the wall turns by less than 3° are dropped: parry would merge the facets between them
  // into one face of many vertices and keep only four of them for contacts
  const kept = new Set(simplifyProfile(p.z.map((z, i): [number, number] => [p.r[i], z])).map((q) => q[1]));
  const edges = [p.floor, ...bands.filter((b) => b > p.floor && b < top), top];
  for (let b = 0; b + 1 < edges.length; b++) {
    const za = edges[b];
    const zb = b + 2 === edges.length ? top + p.wall * 0.35 : edges[b + 1];
    const zs = [za, ...p.z.filter((z) => z > za && z < zb && z < top && kept.has(z)), Math.min(zb, top)];
    for (let j = 0; j < segments; j++) {
      const a0 = (2 * Math.PI * j) / segments;
      const a1 = (2 * Math.PI * (j + 1)) / segments;
      const pts: number[] = [];
      for (const z of zs) {
        const ro = radiusAt(p, z);
        ring(ro, z, 1, a0, a1, pts);
        ring(Math.max(ro - p.wall, 1e-4), z, 1, a0, a1, pts);
      }
      if (zb > top) {
        // the lip
        ring(p.r[p.r.length - 1] - p.wall / 2, zb, 1, a0, a1, pts);
      }
      parts.push(Float32Array.from(pts));
    }
  }
  return parts;
}

/**
 * A round floor (radius r0 at z = 0, r1 at z = h) as convex parts whose top and bottom faces have at most four
 * vertices (see contact-faces.ts): the inscribed square through the axis vertices, and each of the four circular
 * segments around it fanned into triangular prisms. Exact: together they are the segments-gon frustum.
 */
export function floorParts(r0: number, r1: number, h: number, segments: number): Float32Array[] {
  if (segments % 4 !== 0) throw new Error('floorParts needs a multiple of 4 segments');
  const at = (j: number, r: number, z: number, out: number[]) => {
    const a = (2 * Math.PI * j) / segments;
    out.push(r * Math.cos(a), r * Math.sin(a), z);
  };
  const prism = (js: number[]): Float32Array => {
    const pts: number[] = [];
    for (const j of js) {
      at(j, r0, 0, pts);
      at(j, r1, h, pts);
    }
    return Float32Array.from(pts);
  };
  const q = segments / 4;
  const parts = [prism([0, q, 2 * q, 3 * q])];
  for (let k = 0; k < 4; k++) for (let j = 1; j < q; j++) parts.push(prism([k * q, k * q + j, k * q + j + 1]));
  return parts;
}

/**
 * Ring points of a lathe profile (as latheMesh places them, z up) for a hull collider. Samples where the profile
 * turns by less than `minTurnDeg` are dropped (they only add facets parry would merge).
 */
export function latheCloud(profile: [number, number][], segments: number, phiStart = 0, minTurnDeg = 1): Float32Array {
  const pts: number[] = [];
  for (const [r, z] of simplifyProfile(profile, minTurnDeg)) {
    if (r < 1e-6) pts.push(0, 0, z);
    else for (let j = 0; j < segments; j++) {
      const a = phiStart + (2 * Math.PI * j) / segments;
      // LatheGeometry: x = r·sin(a), lathe z = r·cos(a); then rotateX(+90°): y = -lathe z
      pts.push(r * Math.sin(a), -r * Math.cos(a), z);
    }
  }
  return Float32Array.from(pts);
}

/** Convex parts of a solid of revolution: one frustum-like hull per band between `edges` (heights). */
export function solidLatheParts(profile: [number, number][], edges: number[], segments: number): Float32Array[] {
  const parts: Float32Array[] = [];
  const p = { z: profile.map((q) => q[1]), r: profile.map((q) => q[0]) };
  for (let b = 0; b + 1 < edges.length; b++) {
    const za = edges[b];
    const zb = edges[b + 1];
    const pts: number[] = [];
    const zs = [za, ...p.z.filter((z) => z > za && z < zb), zb];
    for (const z of zs) {
      // take the largest radius the profile has at this height (profiles may fold back at the ends)
      let r = radiusAt(p, z);
      for (let i = 0; i < p.z.length; i++) if (Math.abs(p.z[i] - z) < 1e-9) r = Math.max(r, p.r[i]);
      if (r < 1e-5) pts.push(0, 0, z);
      else ring(r, z, segments, 0, 2 * Math.PI, pts);
    }
    parts.push(Float32Array.from(pts));
  }
  return parts;
}

/** Points of a tube's rings (TubeGeometry layout), grouped into `groups` convex hull clouds along its length. */
export function tubeParts(g: THREE.BufferGeometry, tubularSegments: number, radialSegments: number, groups: number): Float32Array[] {
  const pos = g.getAttribute('position');
  const per = radialSegments + 1;
  const parts: Float32Array[] = [];
  for (let k = 0; k < groups; k++) {
    const i0 = Math.floor((k * tubularSegments) / groups);
    const i1 = Math.floor(((k + 1) * tubularSegments) / groups);
    const pts: number[] = [];
    for (let i = i0; i <= i1; i++) for (let j = 0; j < per; j++) {
      const v = i * per + j;
      pts.push(pos.getX(v), pos.getY(v), pos.getZ(v));
    }
    parts.push(Float32Array.from(pts));
  }
  return parts;
}
