// Box-like things: box, cube, block, sponge, book, remote, cutting board (solid: exact box primitives where the
// shape is a box, hulls otherwise) and the open ones, tray and basket (floor + wall boxes: containers).
import * as THREE from 'three';
import { RoundedBoxGeometry } from 'three/examples/jsm/geometries/RoundedBoxGeometry.js';
import type { Rng } from '../../core/random.js';
import type { Vec3 } from '../../core/math.js';
import { latheMesh, vesselOutline, vesselParts, radiusAt } from '../colliders/lathe.js';
import { type MeshData, fromGeometry, mergeMeshes, transformInPlace } from '../geometry/mesh.js';
import { colorRgb } from '../materials/palette.js';
import { type Built, type Family, round4, styleOf } from './family.js';
import { boxMesh, boxPoints, cylinderMesh, extrudeMesh, pointsOf, roundedRect } from './parts.js';

function r3(v: Vec3): Vec3 {
  return v.map(round4) as Vec3;
}

/** A box primitive, rendered either as exactly that box or with rounded edges (collider still the exact box). */
function boxBuilt(size: Vec3, rounded: number, params: Built['params']): Built {
  const mesh = rounded > 0 ? fromGeometry(new RoundedBoxGeometry(size[0], size[1], size[2], 2, rounded)) : boxMesh(size);
  return { mesh, collider: { kind: 'primitive', shape: { kind: 'box', size } }, params, exactPrimitive: rounded === 0 };
}

function box(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // shoe box, cube carton, flat, tall, small
  const base: Vec3 = [[0.3, 0.18, 0.11], [0.16, 0.16, 0.16], [0.24, 0.18, 0.05], [0.1, 0.1, 0.22], [0.1, 0.07, 0.05]][style] as Vec3;
  const size = r3(base.map((x) => x * rng.uniform(0.9, 1.1)) as Vec3);
  const b = boxBuilt(size, 0, { style: ['shoe', 'carton', 'flat', 'tall', 'small'][style], x: size[0], y: size[1], z: size[2] });
  b.placeRegion = { center: [0, 0, size[2] / 2], halfExtents: [size[0] / 2, size[1] / 2], depth: 0 };
  return b;
}

function cube(variant: number, rng: Rng): Built {
  const edge = round4([0.03, 0.04, 0.05, 0.035, 0.045, 0.06][variant % 6] * rng.uniform(0.97, 1.03));
  const rounded = variant % 2 === 1 ? round4(edge * 0.12) : 0;
  return boxBuilt([edge, edge, edge], rounded, { edge, rounded: rounded > 0 });
}

function block(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 6); // brick, bar, slab, triangle, cylinder, arch
  const u = round4(rng.uniform(0.025, 0.035));
  const params = { style: ['brick', 'bar', 'slab', 'triangle', 'cylinder', 'arch'][style], unit: u };
  if (style <= 2) {
    const size: Vec3 = [[2 * u, u, u], [4 * u, u, u], [2 * u, 2 * u, u / 2]][style] as Vec3;
    return boxBuilt(r3(size), 0, params);
  }
  if (style === 3) {
    // a triangular prism lying on a rectangular face: a ridge along x
    const s = new THREE.Shape();
    s.moveTo(-u, 0);
    s.lineTo(u, 0);
    s.lineTo(0, u * 1.2);
    s.lineTo(-u, 0);
    const m = extrudeMesh(s, 2 * u, -u);
    // extruded along z: turn so the triangle stands in the yz plane (x → y, y → z, z → x)
    transformInPlace(m.positions, [0, 0, 1, 1, 0, 0, 0, 1, 0]);
    transformInPlace(m.normals, [0, 0, 1, 1, 0, 0, 0, 1, 0]);
    return { mesh: m, collider: { kind: 'hull', parts: [pointsOf(m)] }, params };
  }
  if (style === 4) {
    const shape = { kind: 'cylinder' as const, radius: u, height: 2 * u };
    return { mesh: cylinderMesh(u, 2 * u, 32), collider: { kind: 'primitive', shape }, params, exactPrimitive: true };
  }
  // arch: two pillars and a lintel (concave between the pillars → three parts)
  const w = 3 * u, d = u, h = 2 * u, pw = 0.8 * u, lt = 0.7 * u;
  const pl: Vec3 = [pw, d, h - lt], lintel: Vec3 = [w, d, lt];
  const at: Vec3[] = [[-w / 2 + pw / 2, 0, (h - lt) / 2], [w / 2 - pw / 2, 0, (h - lt) / 2], [0, 0, h - lt / 2]];
  const sizes = [pl, pl, lintel];
  return {
    mesh: mergeMeshes(sizes.map((s, i) => boxMesh(s, at[i]))),
    collider: { kind: 'compound', parts: sizes.map((s, i) => boxPoints(s, at[i])) },
    params,
  };
}

function sponge(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // kitchen, two-layer, thin, large, round-edged
  const base: Vec3 = [[0.095, 0.065, 0.03], [0.1, 0.068, 0.035], [0.11, 0.075, 0.015], [0.14, 0.09, 0.045], [0.1, 0.07, 0.035]][style] as Vec3;
  const size = r3(base.map((x) => x * rng.uniform(0.93, 1.07)) as Vec3);
  const params = { style: ['kitchen', 'two-layer', 'thin', 'large', 'rounded'][style], x: size[0], y: size[1], z: size[2] };
  if (style === 1) {
    // a green scrub layer on top of the foam: one box collider, two render parts
    const scrub = size[2] * 0.25;
    const mesh = mergeMeshes([boxMesh([size[0], size[1], size[2] - scrub], [0, 0, -scrub / 2]), boxMesh([size[0], size[1], scrub], [0, 0, size[2] / 2 - scrub / 2], colorRgb('dark green'))]);
    return { mesh, collider: { kind: 'primitive', shape: { kind: 'box', size } }, params };
  }
  return boxBuilt(size, style === 4 ? round4(size[2] * 0.3) : 0, params);
}

function book(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // paperback, hardcover, thick, thin, large
  const base: Vec3 = [[0.18, 0.11, 0.022], [0.235, 0.155, 0.03], [0.24, 0.16, 0.055], [0.21, 0.148, 0.008], [0.3, 0.24, 0.025]][style] as Vec3;
  const size = r3(base.map((x) => x * rng.uniform(0.95, 1.05)) as Vec3);
  const cover = style === 0 || style === 3 ? 0.0008 : 0.0025;
  const inset = style === 0 || style === 3 ? 0.0005 : 0.004;
  // covers (chosen colour) and a cream page block set back from the fore-edge
  const pages: Vec3 = [size[0] - inset, size[1] - inset * 2, size[2] - 2 * cover];
  const mesh = mergeMeshes([
    boxMesh([size[0], size[1], cover], [0, 0, -size[2] / 2 + cover / 2]),
    boxMesh([size[0], size[1], cover], [0, 0, size[2] / 2 - cover / 2]),
    boxMesh([cover * 1.5, size[1], size[2]], [-size[0] / 2 + cover * 0.75, 0, 0]),
    boxMesh(pages, [inset / 2, 0, 0], colorRgb('light yellow')),
  ]);
  return {
    mesh,
    collider: { kind: 'primitive', shape: { kind: 'box', size } },
    params: { style: ['paperback', 'hardcover', 'thick', 'thin', 'large'][style], x: size[0], y: size[1], z: size[2] },
    placeRegion: { center: [0, 0, size[2] / 2], halfExtents: [size[0] / 2, size[1] / 2], depth: 0 },
    graspWidth: size[2] + 0.01,
    graspable: size[2] < 0.07,
  };
}

function remote(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // tv, slim, chunky, short, long
  const L = [0.18, 0.16, 0.2, 0.12, 0.22][style] * rng.uniform(0.95, 1.05);
  const W = [0.048, 0.038, 0.058, 0.042, 0.045][style];
  const T = [0.02, 0.014, 0.026, 0.018, 0.02][style];
  const body = extrudeMesh(roundedRect(L, W, W * 0.3), T, 0, Math.min(0.004, T * 0.25), undefined, 6);
  const buttons: MeshData[] = [];
  const rows = Math.round(L / 0.03);
  const black = colorRgb('dark gray');
  for (let i = 0; i < rows; i++) for (const y of [-W * 0.25, 0, W * 0.25]) {
    buttons.push(cylinderMesh(0.004, 0.003, 8, [-L / 2 + 0.02 + i * 0.025, y, T + 0.001], i === 0 && y === 0 ? colorRgb('red') : black));
  }
  const mesh = mergeMeshes([body, ...buttons]);
  return { mesh, collider: { kind: 'hull', parts: [pointsOf(mesh)] }, params: { style: ['tv', 'slim', 'chunky', 'short', 'long'][style], length: round4(L), width: W, thickness: T } };
}

function cuttingBoard(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // rectangle, rounded, paddle, round, thick block
  const L = [0.35, 0.3, 0.32, 0.28, 0.36][style] * rng.uniform(0.93, 1.07);
  const W = [0.24, 0.2, 0.18, 0.28, 0.26][style] * (style === 3 ? 1 : rng.uniform(0.93, 1.07));
  const T = [0.018, 0.015, 0.016, 0.02, 0.035][style];
  let outline: THREE.Shape;
  if (style === 3) {
    outline = new THREE.Shape();
    outline.absarc(0, 0, W / 2, 0, Math.PI * 2, false);
  } else if (style === 2) {
    // a board with a handle tab at one end
    outline = new THREE.Shape();
    const hl = 0.08, hw = 0.045, bl = L - hl;
    outline.moveTo(-L / 2, -W / 2);
    outline.lineTo(-L / 2 + bl, -W / 2);
    outline.quadraticCurveTo(-L / 2 + bl + 0.01, -hw / 2, L / 2 - 0.02, -hw / 2);
    outline.quadraticCurveTo(L / 2, -hw / 2, L / 2, 0);
    outline.quadraticCurveTo(L / 2, hw / 2, L / 2 - 0.02, hw / 2);
    outline.quadraticCurveTo(-L / 2 + bl + 0.01, hw / 2, -L / 2 + bl, W / 2);
    outline.lineTo(-L / 2, W / 2);
    outline.lineTo(-L / 2, -W / 2);
  } else outline = roundedRect(L, W, style === 1 ? 0.04 : 0.01);
  const mesh = extrudeMesh(outline, T, 0, 0.002, undefined, 12);
  const dims: Record<string, number> = style === 3 ? { diameter: round4(W) } : { length: round4(L), width: round4(W) };
  return {
    mesh,
    collider: { kind: 'hull', parts: [pointsOf(mesh)] },
    params: { style: ['rectangle', 'rounded', 'paddle', 'round', 'block'][style], ...dims, thickness: T },
    placeRegion: { center: [0, 0, T], halfExtents: style === 3 ? [W / 2 / Math.SQRT2, W / 2 / Math.SQRT2] : [(style === 2 ? L - 0.08 : L) / 2 - 0.01, W / 2 - 0.01], depth: 0 },
    graspable: false,
    graspWidth: T + 0.01,
  };
}

/** An open rectangular box: floor + four walls, as five boxes (render and collider alike). */
function openBox(L: number, W: number, H: number, wall: number, floor: number, accent?: Vec3): Built {
  const parts: { size: Vec3; at: Vec3 }[] = [
    { size: [L, W, floor], at: [0, 0, floor / 2] },
    { size: [wall, W, H], at: [-L / 2 + wall / 2, 0, H / 2] },
    { size: [wall, W, H], at: [L / 2 - wall / 2, 0, H / 2] },
    { size: [L - 2 * wall, wall, H], at: [0, -W / 2 + wall / 2, H / 2] },
    { size: [L - 2 * wall, wall, H], at: [0, W / 2 - wall / 2, H / 2] },
  ];
  return {
    mesh: mergeMeshes(parts.map((p) => boxMesh(p.size, p.at, accent))),
    collider: { kind: 'compound', parts: parts.map((p) => boxPoints(p.size, p.at)) },
    params: {},
    placeRegion: { center: [0, 0, floor], halfExtents: [L / 2 - wall, W / 2 - wall], depth: H - floor },
  };
}

function tray(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // serving, cafeteria, small, deep, long
  const L = [0.4, 0.36, 0.28, 0.32, 0.46][style] * rng.uniform(0.95, 1.05);
  const W = [0.28, 0.27, 0.2, 0.24, 0.2][style] * rng.uniform(0.95, 1.05);
  const H = [0.03, 0.022, 0.025, 0.05, 0.03][style];
  const b = openBox(L, W, H, 0.008, 0.006);
  b.params = { style: ['serving', 'cafeteria', 'small', 'deep', 'long'][style], length: round4(L), width: round4(W), height: H };
  b.graspable = true;
  b.graspWidth = 0.018; // the rim
  return b;
}

function basket(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // rectangular, round, deep round, low rectangular, oval-ish square
  const params = { style: ['rectangular', 'round', 'deep-round', 'low', 'square'][style] };
  if (style === 1 || style === 2) {
    const R = (style === 1 ? 0.12 : 0.1) * rng.uniform(0.93, 1.07);
    const H = (style === 1 ? 0.09 : 0.14) * rng.uniform(0.93, 1.07);
    const z = [0, H * 0.5, H];
    const r = [R * 0.82, R * 0.93, R];
    const p = { z, r, wall: 0.008, floor: 0.008 };
    const inner = radiusAt(p, p.floor) - p.wall;
    return {
      mesh: latheMesh(vesselOutline(p), 32),
      collider: { kind: 'compound', parts: vesselParts(p, 16, [H * 0.5]) },
      params: { ...params, radius: round4(R), height: round4(H) },
      placeRegion: { center: [0, 0, p.floor], halfExtents: [inner / Math.SQRT2, inner / Math.SQRT2], depth: H - p.floor },
      graspable: true,
      graspWidth: 0.02,
    };
  }
  const L = [0.3, 0, 0, 0.34, 0.24][style] * rng.uniform(0.93, 1.07);
  const W = [0.2, 0, 0, 0.24, 0.22][style] * rng.uniform(0.93, 1.07);
  const H = [0.12, 0, 0, 0.08, 0.14][style] * rng.uniform(0.93, 1.07);
  const b = openBox(L, W, H, 0.01, 0.008);
  b.params = { ...params, length: round4(L), width: round4(W), height: round4(H) };
  b.graspable = true;
  b.graspWidth = 0.022;
  return b;
}

export const BLOCK_FAMILIES: Family[] = [
  { category: 'box', synonyms: ['carton', 'package'], roles: ['support'], materialClass: 'cardboard', colors: ['brown', 'light brown', 'white', 'red', 'blue'], texture: 'box-print', sizeRange: [0.08, 0.35], variants: 6, build: box },
  { category: 'cube', synonyms: ['toy cube', 'square block'], roles: [], materialClass: 'wood', colors: ['red', 'green', 'blue', 'yellow', 'orange', 'purple', 'pink', 'cyan', 'white', 'black'], texture: 'wood-grain', sizeRange: [0.02, 0.08], variants: 6, build: cube },
  { category: 'block', synonyms: ['building block', 'toy block', 'brick'], roles: [], materialClass: 'wood', colors: ['red', 'green', 'blue', 'yellow', 'orange', 'purple', 'light brown'], texture: 'wood-grain', sizeRange: [0.03, 0.16], variants: 6, build: block },
  { category: 'sponge', synonyms: ['scrubber', 'kitchen sponge'], roles: [], materialClass: 'foam', colors: ['yellow', 'green', 'blue', 'pink', 'orange'], texture: 'sponge-pores', sizeRange: [0.08, 0.16], variants: 6, build: sponge },
  { category: 'book', synonyms: ['paperback', 'hardcover', 'novel'], roles: ['support'], materialClass: 'paper', colors: ['red', 'blue', 'green', 'black', 'white', 'dark blue', 'dark red', 'yellow', 'purple'], texture: 'book-cover', sizeRange: [0.14, 0.33], variants: 6, build: book },
  { category: 'remote', synonyms: ['remote control', 'controller', 'clicker'], roles: [], materialClass: 'plastic', colors: ['black', 'dark gray', 'white', 'gray', 'silver'], sizeRange: [0.1, 0.24], variants: 6, density: 700, build: remote },
  { category: 'cutting board', synonyms: ['chopping board', 'board'], roles: ['support'], materialClass: 'wood', colors: ['light brown', 'brown', 'dark brown', 'white', 'green'], texture: 'wood-grain', sizeRange: [0.2, 0.42], variants: 6, build: cuttingBoard },
  { category: 'tray', synonyms: ['serving tray', 'platter'], roles: ['container', 'support'], materialClass: 'plastic', colors: ['black', 'white', 'brown', 'red', 'blue', 'gray'], texture: 'wood-grain', sizeRange: [0.25, 0.5], variants: 6, build: tray },
  { category: 'basket', synonyms: ['hamper', 'wicker basket'], roles: ['container'], materialClass: 'wicker', colors: ['light brown', 'brown', 'beige', 'dark brown', 'white'], texture: 'wicker', sizeRange: [0.18, 0.4], variants: 6, build: basket },
];
