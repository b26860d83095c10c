// Fruit and vegetables: solids of revolution (apple, orange, lemon, pear, carrot, eggplant) and a tapered bent tube
// (banana). Convex-ish shapes get one hull; the banana, which is curved, gets hulls along its length. Elongated
// ones are modelled lying along x; the generator then turns them onto their stable resting face.
import * as THREE from 'three';
import type { Rng } from '../../core/random.js';
import type { Vec3 } from '../../core/math.js';
import { latheCloud, latheMesh } from '../colliders/lathe.js';
import { type MeshData, mergeMeshes, transformInPlace } from '../geometry/mesh.js';
import { colorRgb } from '../materials/palette.js';
import { type Built, type Family, round4, styleOf } from './family.js';
import { cylinderMesh, pointsOf, taperedTube } from './parts.js';

/**
 * Profile of a solid of revolution from r(t), t ∈ [0,1] bottom → top, height h. The solid is cut flat at
 * t = footAt (the base it stands on). `spherical` spaces heights like a sphere's (z ∝ 1 - cos πt), so round fruit
 * have round poles instead of the pointed ones of a linear spacing.
 */
function revolve(h: number, r: (t: number) => number, n = 16, opts: { footAt?: number; spherical?: boolean } = {}): [number, number][] {
  const t0 = opts.footAt ?? 0.03;
  const zf = (t: number) => (opts.spherical ? (1 - Math.cos(Math.PI * t)) / 2 : t);
  const z0 = zf(t0);
  const pts: [number, number][] = [[0, 0]];
  for (let i = 0; i <= n; i++) {
    const t = t0 + ((1 - t0) * i) / n;
    pts.push([r(t), (h * (zf(t) - z0)) / (zf(1) - z0)]);
  }
  pts.push([0, h]);
  return pts.filter((p, i) => i === 0 || i === pts.length - 1 || p[0] > 1e-5);
}

/**
 * Lays a z-axis solid along x (rotation of -90° about y: z → x) and flattens it a little vertically: produce lying
 * on a table sags onto a flatter side, and a perfectly round cross-section would roll away in the simulator.
 */
function layDown(m: MeshData, cloud: Float32Array, squash = 0.92): void {
  const r = [0, 0, 1, 0, 1, 0, -1, 0, 0];
  transformInPlace(m.positions, r);
  transformInPlace(m.normals, r);
  transformInPlace(cloud, r);
  for (let i = 2; i < m.positions.length; i += 3) m.positions[i] *= squash;
  for (let i = 2; i < cloud.length; i += 3) cloud[i] *= squash;
  // normals of a squashed surface: scale by the inverse
  for (let i = 0; i < m.normals.length; i += 3) {
    m.normals[i + 2] /= squash;
    const l = Math.hypot(m.normals[i], m.normals[i + 1], m.normals[i + 2]) || 1;
    m.normals[i] /= l; m.normals[i + 1] /= l; m.normals[i + 2] /= l;
  }
}

/** One hull around the lathe body (profile simplified, see latheCloud) and any small extra parts (stem, calyx). */
function hullBuilt(mesh: MeshData, cloud: Float32Array, params: Built['params']): Built {
  return { mesh, collider: { kind: 'hull', parts: [cloud] }, params };
}

function concat(...a: Float32Array[]): Float32Array {
  const out = new Float32Array(a.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of a) {
    out.set(x, o);
    o += x.length;
  }
  return out;
}

const STEM: Vec3 = colorRgb('dark brown');
const LEAF: Vec3 = colorRgb('dark green');

function apple(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // round, tall, flat, narrow, small
  const R = [0.04, 0.037, 0.043, 0.038, 0.033][style] * rng.uniform(0.95, 1.05);
  const H = R * [1.75, 1.95, 1.55, 1.85, 1.75][style];
  // wider towards the top (shoulders), a flat-ish base and a dimple around the stem
  const taper = [0.12, 0.2, 0.08, 0.28, 0.12][style];
  const side = (t: number) => R * Math.sin(Math.PI * Math.min(0.96, t)) ** 0.8 * (1 - taper * (1 - t));
  const body = revolve(H, side, 16, { footAt: 0.12, spherical: true }).filter((p) => p[1] < H * 0.96 || p[0] === 0);
  body.splice(body.length - 1, 1, [R * 0.18, H * 0.97], [0, H * 0.9]);
  const stem = cylinderMesh(0.0025, 0.015, 6, [0, 0, H * 0.9 + 0.0075], STEM);
  return hullBuilt(mergeMeshes([latheMesh(body, 32), stem]), concat(latheCloud(body, 16), pointsOf(stem)), { style: ['round', 'tall', 'flat', 'narrow', 'small'][style], radius: round4(R), height: round4(H) });
}

function orange(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // navel, mandarin, blood, large, round
  const R = [0.04, 0.03, 0.036, 0.046, 0.038][style] * rng.uniform(0.95, 1.05);
  const flat = [0.92, 0.78, 0.95, 0.9, 1][style];
  const H = 2 * R * flat;
  const body = revolve(H, (t) => R * Math.sin(Math.PI * Math.min(0.985, t)), 18, { footAt: 0.14, spherical: true });
  return hullBuilt(latheMesh(body, 32), latheCloud(body, 16), { style: ['navel', 'mandarin', 'blood', 'large', 'round'][style], radius: round4(R), height: round4(H) });
}

function lemon(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // classic, round, long, small, pointed
  const R = [0.027, 0.03, 0.025, 0.022, 0.026][style] * rng.uniform(0.95, 1.05);
  const L = R * [3.0, 2.5, 3.5, 2.9, 3.3][style];
  const tip = [0.12, 0.08, 0.1, 0.12, 0.18][style];
  const body = revolve(L, (t) => R * Math.sin(Math.PI * Math.min(t, 0.97)) ** (0.6 + tip), 18, { footAt: 0.03 });
  // twelve sides: enough to read as round, few enough that a lemon put down stays put
  // turned by half a segment so that, laid down, a facet (not an edge) is underneath: a symmetric patch to rest on
  const m = latheMesh(body, 12, undefined, Math.PI / 12);
  const cloud = latheCloud(body, 12, Math.PI / 12);
  layDown(m, cloud);
  return hullBuilt(m, cloud, { style: ['classic', 'round', 'long', 'small', 'pointed'][style], radius: round4(R), length: round4(L) });
}

function pear(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // bartlett, bosc, asian (round), small, squat
  const R = [0.036, 0.032, 0.042, 0.03, 0.04][style] * rng.uniform(0.95, 1.05);
  const H = R * [2.8, 3.2, 1.9, 2.7, 2.3][style];
  const neck = [0.55, 0.45, 0.85, 0.55, 0.65][style];
  // radius (share of R) along the height: a bulb below, a neck above, smoothly interpolated
  const knots: [number, number][] = [[0, 0.6], [0.12, 0.9], [0.3, 1], [0.48, 0.88], [0.66, 0.55 + 0.3 * neck], [0.82, 0.3 + 0.3 * neck], [0.94, 0.22 + 0.2 * neck], [1, 0.08]];
  const shape = (t: number) => {
    let k = 1;
    while (k < knots.length - 1 && knots[k][0] < t) k++;
    const [t0, r0] = knots[k - 1], [t1, r1] = knots[k];
    const u = (t - t0) / (t1 - t0 || 1);
    return r0 + (r1 - r0) * (1 - Math.cos(Math.PI * u)) / 2;
  };
  const body = revolve(H, (t) => R * shape(t), 20, { footAt: 0.04 });
  const stem = cylinderMesh(0.002, 0.015, 6, [0, 0, H + 0.006], STEM);
  return hullBuilt(mergeMeshes([latheMesh(body, 32), stem]), concat(latheCloud(body, 16), pointsOf(stem)), { style: ['bartlett', 'bosc', 'asian', 'small', 'squat'][style], radius: round4(R), height: round4(H) });
}

/** Arc of a circle in the xy plane, chord along x, bending towards +y. */
class Arc extends THREE.Curve<THREE.Vector3> {
  constructor(private readonly radius: number, private readonly angle: number) {
    super();
  }
  override getPoint(t: number, target = new THREE.Vector3()): THREE.Vector3 {
    const a = -this.angle / 2 + this.angle * t;
    return target.set(this.radius * Math.sin(a), this.radius * (1 - Math.cos(a)), 0);
  }
}

function banana(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // cavendish, small, straight, plantain, curved
  const L = [0.2, 0.15, 0.19, 0.24, 0.18][style] * rng.uniform(0.95, 1.05);
  const bend = [1.1, 1.0, 0.7, 0.9, 1.5][style];
  const r = [0.018, 0.015, 0.017, 0.022, 0.017][style];
  const curve = new Arc(L / bend, bend);
  const t = taperedTube(curve, (s) => r * Math.max(0.25, Math.sin(Math.PI * s) ** 0.45), { tubular: 24, radial: 5, groups: 6, squash: 0.95 });
  const tip = cylinderMesh(0.004, 0.012, 6, [curve.getPointAt(1).x + 0.005, curve.getPointAt(1).y, 0], STEM);
  return { mesh: mergeMeshes([t.mesh, tip]), collider: { kind: 'compound', parts: [...t.parts, pointsOf(tip)] }, params: { style: ['cavendish', 'small', 'straight', 'plantain', 'curved'][style], length: round4(L), bend, radius: r } };
}

function carrot(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // long, short, thick, baby, tapered
  const L = [0.18, 0.13, 0.16, 0.09, 0.2][style] * rng.uniform(0.93, 1.07);
  const R = [0.014, 0.014, 0.02, 0.009, 0.015][style] * rng.uniform(0.93, 1.07);
  const body = revolve(L, (t) => R * (0.25 + 0.75 * t ** 0.7) * (t > 0.93 ? 1 - (t - 0.93) * 6 : 1), 14, { footAt: 0 });
  // eight sides: a real carrot is ridged and lumpy; a smooth cone would roll around in circles
  const m = latheMesh(body, 8, undefined, Math.PI / 8);
  const top = cylinderMesh(R * 0.35, 0.02, 6, [0, 0, L + 0.008], LEAF);
  const merged = mergeMeshes([m, top]);
  const cloud = concat(latheCloud(body, 8, Math.PI / 8), pointsOf(top));
  layDown(merged, cloud);
  return hullBuilt(merged, cloud, { style: ['long', 'short', 'thick', 'baby', 'tapered'][style], length: round4(L), radius: round4(R) });
}

function eggplant(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // globe, long japanese, round, small, teardrop
  const L = [0.2, 0.24, 0.14, 0.12, 0.18][style] * rng.uniform(0.93, 1.07);
  const R = [0.042, 0.022, 0.05, 0.028, 0.04][style] * rng.uniform(0.93, 1.07);
  const neck = [0.45, 0.75, 0.5, 0.5, 0.35][style];
  const body = revolve(L, (t) => R * Math.sin(Math.PI * Math.min(0.97, t)) ** 0.6 * (1 - (1 - neck) * t), 18, { footAt: 0.03 });
  const calyx = cylinderMesh(R * neck * 0.7, 0.02, 8, [0, 0, L + 0.006], LEAF, R * neck * 0.25);
  const merged = mergeMeshes([latheMesh(body, 12, undefined, Math.PI / 12), calyx]);
  const cloud = concat(latheCloud(body, 12, Math.PI / 12), pointsOf(calyx));
  layDown(merged, cloud);
  return hullBuilt(merged, cloud, { style: ['globe', 'japanese', 'round', 'small', 'teardrop'][style], length: round4(L), radius: round4(R) });
}

export const PRODUCE_FAMILIES: Family[] = [
  { category: 'apple', synonyms: ['fruit', 'pome'], roles: [], materialClass: 'fruit', colors: ['red', 'green', 'yellow', 'dark red', 'light green'], texture: 'peel', sizeRange: [0.06, 0.1], variants: 6, build: apple },
  { category: 'orange', synonyms: ['citrus', 'fruit'], roles: [], materialClass: 'fruit', colors: ['orange'], texture: 'peel', sizeRange: [0.055, 0.1], variants: 6, build: orange },
  { category: 'lemon', lying: true, synonyms: ['citrus', 'fruit'], roles: [], materialClass: 'fruit', colors: ['yellow', 'light yellow'], texture: 'peel', sizeRange: [0.05, 0.1], variants: 6, build: lemon },
  { category: 'pear', synonyms: ['fruit', 'pome'], roles: [], materialClass: 'fruit', colors: ['light green', 'yellow', 'green', 'brown'], texture: 'peel', sizeRange: [0.07, 0.13], variants: 6, build: pear },
  { category: 'banana', lying: true, synonyms: ['fruit', 'plantain'], roles: [], materialClass: 'fruit', colors: ['yellow', 'light green'], texture: 'peel', sizeRange: [0.12, 0.26], variants: 6, build: banana },
  { category: 'carrot', lying: true, synonyms: ['vegetable', 'root'], roles: [], materialClass: 'vegetable', colors: ['orange'], texture: 'peel', sizeRange: [0.08, 0.24], variants: 6, build: carrot },
  { category: 'eggplant', lying: true, synonyms: ['aubergine', 'vegetable', 'brinjal'], roles: [], materialClass: 'vegetable', colors: ['dark purple', 'purple'], texture: 'peel', sizeRange: [0.1, 0.28], variants: 6, build: eggplant },
];
