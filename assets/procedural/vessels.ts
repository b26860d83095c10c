// Lathe-based vessels: mug, cup, bowl, plate, pot, pan (open: containers or supports, collider composed from wall
// segments + floor so the hollow stays hollow) and jar, bottle (closed: solid bands).
import type { Rng } from '../../core/random.js';
import { type VesselProfile, latheMesh, radiusAt, solidLatheParts, vesselOutline, vesselParts } from '../colliders/lathe.js';
import { mergeMeshes } from '../geometry/mesh.js';
import { colorRgb } from '../materials/palette.js';
import { type Built, type Family, round4, styleOf } from './family.js';
import { HandleCurve, boxMesh, boxPoints, taperedTube } from './parts.js';

const SEGMENTS = 32;
const COLLIDER_SEGMENTS = 16;

/** Outer profile samples of r(z) = r0 + (r1 - r0)·(z/h)^e. */
function curvedProfile(r0: number, r1: number, h: number, e: number, n: number): { z: number[]; r: number[] } {
  const z: number[] = [];
  const r: number[] = [];
  for (let i = 0; i <= n; i++) {
    const t = i / n;
    z.push(h * t);
    r.push(r0 + (r1 - r0) * t ** e);
  }
  return { z, r };
}

function vessel(p: VesselProfile, bands: number[]): Built {
  const inner = radiusAt(p, p.floor) - p.wall;
  // the largest square inside the floor circle
  const half = inner / Math.SQRT2;
  return {
    mesh: latheMesh(vesselOutline(p), SEGMENTS),
    collider: { kind: 'compound', parts: vesselParts(p, COLLIDER_SEGMENTS, bands) },
    params: {},
    placeRegion: { center: [0, 0, p.floor], halfExtents: [half, half], depth: p.z[p.z.length - 1] - p.floor },
  };
}

function handle(xWall: number, zc: number, reach: number, halfHeight: number, thick: number, y = 0): { mesh: Built['mesh']; parts: Float32Array[] } {
  return taperedTube(new HandleCurve(xWall, zc, reach, halfHeight, y), () => thick, { tubular: 16, radial: 8, groups: 4 });
}

function mug(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // straight, tapered, barrel, tall latte, squat
  const R = rng.uniform(0.037, 0.044) * (style === 4 ? 1.1 : 1);
  const H = style === 3 ? rng.uniform(0.11, 0.125) : style === 4 ? rng.uniform(0.07, 0.08) : rng.uniform(0.085, 0.105);
  const wall = rng.uniform(0.004, 0.0055);
  const prof = style === 1 ? curvedProfile(R * 0.8, R, H, 1, 4) : style === 2 ? { z: [0, H * 0.25, H * 0.5, H * 0.75, H], r: [R * 0.9, R * 0.98, R, R * 0.98, R * 0.93] } : curvedProfile(R, R, H, 1, 1);
  const p: VesselProfile = { ...prof, wall, floor: 0.008 };
  const b = vessel(p, [H * 0.5]);
  const zc = H * 0.52;
  const hh = H * rng.uniform(0.28, 0.34);
  const reach = rng.uniform(0.022, 0.03);
  const thick = rng.uniform(0.0045, 0.006);
  const h = handle(radiusAt(p, zc) - wall / 2, zc, reach, hh, thick);
  b.mesh = mergeMeshes([b.mesh, h.mesh]);
  if (b.collider.kind === 'compound') b.collider.parts.push(...h.parts);
  b.params = { style: ['straight', 'tapered', 'barrel', 'tall', 'squat'][style], radius: round4(R), height: round4(H), wall: round4(wall), handleReach: round4(reach) };
  b.graspWidth = wall + 0.02; // a finger inside, one outside the rim
  b.graspable = true;
  return b;
}

function cup(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // paper cup, tumbler, tall glass, short glass, flared
  const H = [rng.uniform(0.085, 0.11), rng.uniform(0.09, 0.11), rng.uniform(0.13, 0.15), rng.uniform(0.06, 0.075), rng.uniform(0.09, 0.11)][style];
  const R = rng.uniform(0.032, 0.04);
  const r0 = [R * 0.68, R * 0.85, R * 0.9, R * 0.95, R * 0.72][style];
  const prof = curvedProfile(r0, R, H, style === 4 ? 1.6 : 1, 4);
  const p: VesselProfile = { ...prof, wall: style === 0 ? 0.0025 : 0.0035, floor: style === 0 ? 0.004 : 0.008 };
  const b = vessel(p, [H * 0.5]);
  b.params = { style: ['paper', 'tumbler', 'tall', 'short', 'flared'][style], radius: round4(R), height: round4(H), baseRadius: round4(r0) };
  return b;
}

function bowl(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // round, deep, shallow, conical, cereal
  const R = rng.uniform(0.065, 0.09);
  const H = R * [0.7, 0.9, 0.5, 0.75, 0.8][style];
  const r0 = R * [0.55, 0.5, 0.6, 0.45, 0.5][style];
  const e = [0.5, 0.65, 0.45, 1, 0.7][style];
  const prof = curvedProfile(r0, R, H, e, 8);
  const p: VesselProfile = { ...prof, wall: rng.uniform(0.004, 0.006), floor: 0.006 };
  const b = vessel(p, [H * 0.3, H * 0.6]);
  b.params = { style: ['round', 'deep', 'shallow', 'conical', 'cereal'][style], radius: round4(R), height: round4(H), baseRadius: round4(r0), curve: e };
  b.graspWidth = p.wall + 0.02;
  b.graspable = true;
  return b;
}

function plate(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // dinner, side, soup, flat, rimmed
  const R = [rng.uniform(0.12, 0.135), rng.uniform(0.085, 0.1), rng.uniform(0.1, 0.115), rng.uniform(0.1, 0.13), rng.uniform(0.11, 0.125)][style];
  const H = [0.02, 0.016, 0.032, 0.012, 0.022][style] * rng.uniform(0.9, 1.1);
  const r0 = R * [0.62, 0.6, 0.5, 0.75, 0.55][style];
  const prof = curvedProfile(r0, R, H, [0.35, 0.35, 0.6, 0.3, 0.25][style], 6);
  const p: VesselProfile = { ...prof, wall: 0.004, floor: 0.004 };
  const b = vessel(p, [H * 0.5]);
  b.params = { style: ['dinner', 'side', 'soup', 'flat', 'rimmed'][style], radius: round4(R), height: round4(H), baseRadius: round4(r0) };
  b.graspable = false; // flat on the table: a parallel gripper cannot get under it
  b.graspWidth = 2 * R;
  return b;
}

function pot(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // stock, sauce, dutch, tall, wide
  const R = [0.1, 0.085, 0.11, 0.08, 0.12][style] * rng.uniform(0.92, 1.08);
  const H = [0.13, 0.09, 0.1, 0.15, 0.085][style] * rng.uniform(0.92, 1.08);
  const prof = style === 2 ? { z: [0, H * 0.15, H], r: [R * 0.9, R, R] } : curvedProfile(R, R, H, 1, 1);
  const p: VesselProfile = { ...prof, wall: 0.003, floor: 0.005 };
  const b = vessel(p, [H * 0.5]);
  const zc = H * 0.85;
  const reach = rng.uniform(0.02, 0.028);
  const parts = [b.mesh];
  for (const side of [1, -1]) {
    const h = taperedTube(new HandleCurve(R - 0.002, zc, reach, rng.uniform(0.012, 0.018), 0), () => 0.005, { tubular: 12, radial: 8, groups: 3 });
    if (side < 0) {
      for (let i = 0; i < h.mesh.positions.length; i += 3) h.mesh.positions[i] *= -1;
      for (let i = 0; i < h.mesh.normals.length; i += 3) h.mesh.normals[i] *= -1;
      // mirroring flips the winding
      for (let i = 0; i < h.mesh.indices.length; i += 3) [h.mesh.indices[i + 1], h.mesh.indices[i + 2]] = [h.mesh.indices[i + 2], h.mesh.indices[i + 1]];
      for (const q of h.parts) for (let i = 0; i < q.length; i += 3) q[i] *= -1;
    }
    parts.push(h.mesh);
    if (b.collider.kind === 'compound') b.collider.parts.push(...h.parts);
  }
  b.mesh = mergeMeshes(parts);
  b.params = { style: ['stock', 'sauce', 'dutch', 'tall', 'wide'][style], radius: round4(R), height: round4(H), handleReach: round4(reach) };
  b.graspWidth = 0.02;
  b.graspable = true;
  return b;
}

function pan(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // frying, saute, crepe, small, deep
  const R = [0.12, 0.115, 0.125, 0.09, 0.11][style] * rng.uniform(0.93, 1.07);
  const H = [0.045, 0.06, 0.025, 0.04, 0.07][style] * rng.uniform(0.92, 1.08);
  const r0 = R * [0.8, 0.92, 0.85, 0.82, 0.9][style];
  const prof = curvedProfile(r0, R, H, 0.8, 3);
  const p: VesselProfile = { ...prof, wall: 0.003, floor: 0.005 };
  const b = vessel(p, [H * 0.5]);
  const len = rng.uniform(0.14, 0.19);
  const hw = rng.uniform(0.022, 0.028);
  const ht = rng.uniform(0.012, 0.016);
  const hz = H - ht / 2;
  const size: [number, number, number] = [len, hw, ht];
  const at: [number, number, number] = [R - 0.004 + len / 2, 0, hz];
  b.mesh = mergeMeshes([b.mesh, boxMesh(size, at, colorRgb('black'))]);
  if (b.collider.kind === 'compound') b.collider.parts.push(boxPoints(size, at));
  b.params = { style: ['frying', 'saute', 'crepe', 'small', 'deep'][style], radius: round4(R), height: round4(H), handleLength: round4(len) };
  b.graspWidth = ht + 0.01;
  b.graspable = true;
  return b;
}

/** Solid of revolution with an accent-coloured cap; collider bands at the given heights. */
function capped(body: [number, number][], cap: [number, number][], edges: number[], capColor: string): Built {
  const mesh = mergeMeshes([latheMesh(body, SEGMENTS), latheMesh(cap, SEGMENTS, colorRgb(capColor))]);
  const all = [...body, ...cap];
  const zmax = Math.max(...all.map((q) => q[1]));
  const outline = [...body.filter((q) => q[0] > 0), ...cap.filter((q) => q[0] > 0)].sort((a, b) => a[1] - b[1]);
  return { mesh, collider: { kind: 'compound', parts: solidLatheParts([[0, 0], ...outline, [0, zmax]], edges, COLLIDER_SEGMENTS) }, params: {} };
}

function jar(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // mason, jam, squat, tall, round
  const R = [0.042, 0.036, 0.05, 0.035, 0.045][style] * rng.uniform(0.93, 1.07);
  const H = [0.12, 0.08, 0.07, 0.14, 0.095][style] * rng.uniform(0.93, 1.07);
  const neck = R * rng.uniform(0.78, 0.88);
  const shoulder = H * (style === 4 ? 0.7 : 0.82);
  const lidH = rng.uniform(0.012, 0.018);
  const bulge = style === 4 ? 1.08 : 1;
  const body: [number, number][] = [[0, 0], [R * 0.97, 0], [R, 0.004], [R * bulge, shoulder * 0.5], [R, shoulder], [neck, H], [0, H]];
  const cap: [number, number][] = [[0, H - 0.002], [neck * 1.06, H - 0.002], [neck * 1.06, H + lidH], [0, H + lidH]];
  const b = capped(body, cap, [0, shoulder * 0.5, shoulder, H - 0.002, H + lidH], rng.pick(['gold', 'silver', 'black', 'white']));
  b.params = { style: ['mason', 'jam', 'squat', 'tall', 'round'][style], radius: round4(R), height: round4(H + lidH), neck: round4(neck) };
  return b;
}

function bottle(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // water, wine, soda, sport, flask
  const R = [0.033, 0.036, 0.032, 0.037, 0.04][style] * rng.uniform(0.93, 1.07);
  const H = [0.21, 0.27, 0.2, 0.19, 0.16][style] * rng.uniform(0.93, 1.07);
  const neckR = [0.012, 0.013, 0.012, 0.018, 0.02][style];
  const body = H * [0.62, 0.6, 0.58, 0.75, 0.72][style];
  const neckStart = H * [0.78, 0.82, 0.8, 0.82, 0.8][style];
  const capH = [0.018, 0.025, 0.015, 0.025, 0.02][style];
  const prof: [number, number][] = [[0, 0], [R * 0.95, 0], [R, 0.005], [R, body], [neckR, neckStart], [neckR, H], [0, H]];
  const cap: [number, number][] = [[0, H - 0.003], [neckR * 1.12, H - 0.003], [neckR * 1.12, H + capH], [0, H + capH]];
  const b = capped(prof, cap, [0, body, neckStart, H + capH], rng.pick(['white', 'black', 'blue', 'red']));
  b.params = { style: ['water', 'wine', 'soda', 'sport', 'flask'][style], radius: round4(R), height: round4(H + capH), neckRadius: neckR };
  return b;
}

export const VESSEL_FAMILIES: Family[] = [
  { category: 'mug', synonyms: ['coffee mug', 'tea mug'], roles: ['container'], materialClass: 'ceramic', colors: ['white', 'red', 'blue', 'yellow', 'green', 'black', 'light blue', 'pink'], sizeRange: [0.08, 0.13], variants: 6, build: mug },
  { category: 'cup', synonyms: ['tumbler', 'drinking cup'], roles: ['container'], materialClass: 'plastic', colors: ['white', 'red', 'blue', 'green', 'yellow', 'orange', 'purple'], sizeRange: [0.06, 0.16], variants: 6, build: cup },
  { category: 'bowl', synonyms: ['dish', 'soup bowl'], roles: ['container'], materialClass: 'ceramic', colors: ['white', 'blue', 'green', 'red', 'beige', 'dark blue', 'gray'], sizeRange: [0.11, 0.2], variants: 6, build: bowl },
  { category: 'plate', synonyms: ['dinner plate', 'side plate'], roles: ['support'], materialClass: 'ceramic', colors: ['white', 'beige', 'light blue', 'gray', 'green', 'black'], sizeRange: [0.15, 0.3], variants: 6, build: plate },
  { category: 'pot', synonyms: ['cooking pot', 'saucepan', 'stockpot'], roles: ['container'], materialClass: 'metal', colors: ['silver', 'gray', 'black', 'red'], texture: 'brushed-metal', sizeRange: [0.17, 0.3], variants: 6, density: 3200, build: pot },
  { category: 'pan', synonyms: ['frying pan', 'skillet'], roles: ['container'], materialClass: 'metal', colors: ['black', 'silver', 'dark gray', 'red'], texture: 'brushed-metal', sizeRange: [0.3, 0.48], variants: 6, density: 3000, build: pan },
  { category: 'jar', synonyms: ['glass jar', 'jam jar'], roles: [], materialClass: 'glass', colors: ['white', 'light green', 'light blue', 'yellow', 'red'], texture: 'label', sizeRange: [0.07, 0.17], variants: 6, density: 700, build: jar },
  { category: 'bottle', synonyms: ['water bottle', 'flask'], roles: [], materialClass: 'plastic', colors: ['blue', 'green', 'light blue', 'white', 'dark green', 'red', 'orange'], texture: 'label', sizeRange: [0.15, 0.32], variants: 6, density: 500, build: bottle },
];

