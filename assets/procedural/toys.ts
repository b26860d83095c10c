// Round and small things: ball (sphere primitive), can (cylinder primitive), marker (lying lathe with a cap), toy
// car (an extruded side profile on four wheels: five hulls, so the wheel arches stay open).
import * as THREE from 'three';
import type { Rng } from '../../core/random.js';
import type { Vec3 } from '../../core/math.js';
import { latheMesh } from '../colliders/lathe.js';
import { type MeshData, mergeMeshes, transformInPlace } from '../geometry/mesh.js';
import { colorRgb } from '../materials/palette.js';
import { type Built, type Family, round4, styleOf } from './family.js';
import { boxMesh, cylinderMesh, extrudeMesh, pointsOf, sphereMesh } from './parts.js';

function ball(variant: number, rng: Rng): Built {
  const r = round4([0.033, 0.02, 0.037, 0.027, 0.045, 0.024][variant % 6] * rng.uniform(0.95, 1.05));
  return {
    mesh: sphereMesh(r),
    collider: { kind: 'primitive', shape: { kind: 'sphere', radius: r } },
    params: { style: ['tennis', 'bouncy', 'softball', 'toy', 'play', 'ping'][variant % 6], radius: r },
    exactPrimitive: true,
    graspWidth: 2 * r,
  };
}

function can(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // soda, soup, tuna, tall slim, food
  const r = round4([0.033, 0.0335, 0.043, 0.029, 0.0375][style] * rng.uniform(0.98, 1.02));
  const h = round4([0.122, 0.1, 0.038, 0.155, 0.11][style] * rng.uniform(0.97, 1.03));
  return {
    mesh: cylinderMesh(r, h, 32),
    collider: { kind: 'primitive', shape: { kind: 'cylinder', radius: r, height: h } },
    params: { style: ['soda', 'soup', 'tuna', 'slim', 'food'][style], radius: r, height: h },
    exactPrimitive: true,
  };
}

function marker(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // whiteboard, permanent, highlighter, fine, jumbo
  const L = [0.135, 0.13, 0.12, 0.14, 0.15][style] * rng.uniform(0.96, 1.04);
  const R = [0.009, 0.0075, 0.01, 0.0055, 0.012][style];
  const capL = L * 0.3;
  const body: [number, number][] = [[0, 0], [R * 0.4, 0], [R * 0.9, R * 0.6], [R, R * 1.5], [R, L - capL], [0, L - capL]];
  const cap: [number, number][] = [[0, L - capL - 0.002], [R, L - capL - 0.002], [R, L - R * 0.4], [R * 0.7, L], [0, L]];
  // a hexagonal barrel, like many markers and pencils, and a pocket clip on the cap: a marker put down stays put
  const clipLen = capL * 0.75;
  const clip = boxMesh([0.003, 0.0035, clipLen], [-(R * Math.cos(Math.PI / 6) + 0.0015), 0, L - capL * 0.15 - clipLen / 2]);
  const mesh = mergeMeshes([latheMesh(body, 6, colorRgb('white')), latheMesh(cap, 6), clip]);
  const r = [0, 0, 1, 0, 1, 0, -1, 0, 0];
  transformInPlace(mesh.positions, r);
  transformInPlace(mesh.normals, r);
  return {
    mesh,
    collider: { kind: 'hull', parts: [pointsOf(mesh)] },
    params: { style: ['whiteboard', 'permanent', 'highlighter', 'fine', 'jumbo'][style], length: round4(L), radius: R },
    graspWidth: 2 * R,
  };
}

function toyCar(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // hatchback, sedan, van, pickup, racer
  const L = [0.1, 0.12, 0.11, 0.12, 0.13][style] * rng.uniform(0.93, 1.07);
  const W = L * [0.45, 0.42, 0.45, 0.42, 0.45][style];
  const wr = L * [0.1, 0.09, 0.1, 0.1, 0.085][style];
  const clear = wr * 0.6;
  const bodyH = L * [0.18, 0.16, 0.28, 0.17, 0.12][style];
  const cabinH = L * [0.16, 0.14, 0, 0.15, 0.1][style];
  const cab0 = [0.15, 0.28, 0, 0.1, 0.35][style], cab1 = [0.75, 0.75, 0, 0.5, 0.7][style];
  // side profile in (x, z), extruded across y
  const s = new THREE.Shape();
  s.moveTo(-L / 2, clear);
  s.lineTo(L / 2, clear);
  s.lineTo(L / 2, clear + bodyH);
  if (cabinH > 0) {
    s.lineTo(-L / 2 + L * cab1 + L * 0.08, clear + bodyH);
    s.lineTo(-L / 2 + L * cab1, clear + bodyH + cabinH);
    s.lineTo(-L / 2 + L * cab0 + L * 0.06, clear + bodyH + cabinH);
    s.lineTo(-L / 2 + L * cab0, clear + bodyH);
  }
  s.lineTo(-L / 2, clear + bodyH);
  s.lineTo(-L / 2, clear);
  const body = extrudeMesh(s, W * 0.9, 0, 0.003, undefined, 4);
  // extruded along z: x stays, profile y → z, extrusion z → y, centred
  const toZ = [1, 0, 0, 0, 0, -1, 0, 1, 0];
  transformInPlace(body.positions, toZ, [0, W * 0.45, 0]);
  transformInPlace(body.normals, toZ);
  const wheels: MeshData[] = [];
  const wheelParts: Float32Array[] = [];
  const tyre: Vec3 = colorRgb('black');
  for (const x of [-L * 0.32, L * 0.32]) for (const y of [-W / 2 + W * 0.12, W / 2 - W * 0.12]) {
    const w = cylinderMesh(wr, W * 0.2, 16, [0, 0, 0], tyre);
    // wheel axle along y
    const rx = [1, 0, 0, 0, 0, -1, 0, 1, 0];
    transformInPlace(w.positions, rx, [x, y, wr]);
    transformInPlace(w.normals, rx);
    wheels.push(w);
    wheelParts.push(pointsOf(w));
  }
  return {
    mesh: mergeMeshes([body, ...wheels]),
    collider: { kind: 'compound', parts: [pointsOf(body), ...wheelParts] },
    params: { style: ['hatchback', 'sedan', 'van', 'pickup', 'racer'][style], length: round4(L), width: round4(W), wheelRadius: round4(wr) },
  };
}

export const TOY_FAMILIES: Family[] = [
  { category: 'ball', synonyms: ['toy ball', 'sphere'], roles: [], materialClass: 'rubber', colors: ['red', 'yellow', 'blue', 'green', 'orange', 'white', 'pink', 'light green'], sizeRange: [0.03, 0.1], variants: 6, build: ball },
  { category: 'can', synonyms: ['tin', 'tin can', 'soda can'], roles: [], materialClass: 'tin', colors: ['red', 'silver', 'blue', 'green', 'yellow', 'white', 'black'], texture: 'label', sizeRange: [0.06, 0.17], variants: 6, build: can },
  { category: 'marker', lying: true, synonyms: ['pen', 'felt-tip pen', 'highlighter'], roles: [], materialClass: 'plastic', colors: ['black', 'red', 'blue', 'green', 'yellow', 'orange', 'pink'], sizeRange: [0.1, 0.17], variants: 6, density: 600, build: marker },
  { category: 'toy car', synonyms: ['car', 'model car', 'toy vehicle'], roles: [], materialClass: 'plastic', colors: ['red', 'blue', 'yellow', 'green', 'white', 'black', 'orange', 'silver'], sizeRange: [0.07, 0.16], variants: 6, density: 600, build: toyCar },
];
