// Cutlery lying flat: spoon (a small elliptic vessel + a handle sloping down to the table), fork (a head with tines
// cut into the outline), knife (a thin blade beside a thicker handle). Extrusions of flat outlines; the collider is
// one hull per rigid piece (handle, head/blade/bowl), so the bowl's hull doesn't swallow the handle.
import * as THREE from 'three';
import type { Rng } from '../../core/random.js';
import { latheMesh } from '../colliders/lathe.js';
import { type MeshData, mergeMeshes, transformInPlace } from '../geometry/mesh.js';
import { colorRgb } from '../materials/palette.js';
import { type Built, type Family, round4, styleOf } from './family.js';
import { extrudeMesh, pointsOf, roundedRect } from './parts.js';

/** A flat bar from x0 to x1 of width w (tapering to w1), thickness t, lying on z = 0 then tilted by `slope` about y. */
function handleMesh(x0: number, x1: number, w0: number, w1: number, t: number, z0: number, slope = 0): MeshData {
  const s = new THREE.Shape();
  s.moveTo(x0, -w0 / 2);
  s.lineTo(x1, -w1 / 2);
  s.quadraticCurveTo(x1 + w1 * 0.6, 0, x1, w1 / 2);
  s.lineTo(x0, w0 / 2);
  s.lineTo(x0, -w0 / 2);
  const m = extrudeMesh(s, t, 0, Math.min(t * 0.3, 0.0008));
  if (slope !== 0) {
    // rotate about the y axis through (x0, 0, 0): the far end goes down by `slope` rad
    const c = Math.cos(slope), sn = Math.sin(slope);
    const r = [c, 0, sn, 0, 1, 0, -sn, 0, c];
    transformInPlace(m.positions, null, [-x0, 0, 0]);
    transformInPlace(m.positions, r, [x0, 0, z0]);
    transformInPlace(m.normals, r);
  } else transformInPlace(m.positions, null, [0, 0, z0]);
  return m;
}

function spoon(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // table, tea, soup, serving, dessert
  const L = [0.19, 0.14, 0.2, 0.25, 0.17][style] * rng.uniform(0.95, 1.05);
  const a = L * [0.12, 0.11, 0.13, 0.14, 0.11][style]; // bowl half-length
  const b = a * [0.62, 0.6, 0.75, 0.6, 0.62][style]; // bowl half-width
  const depth = [0.008, 0.006, 0.01, 0.012, 0.007][style];
  // a unit-radius shallow dish scaled into an ellipse (radius unitless, heights in metres)
  const w = 0.0025 / b;
  const outline: [number, number][] = [
    [0, 0], [0.35, 0], [0.75, depth * 0.4], [0.95, depth * 0.8], [1, depth],
    [1 - w, depth], [0.95 - w, depth * 0.8], [0.75 - w, Math.max(depth * 0.4, 0.0015)], [0, 0.0015],
  ];
  const bowl = latheMesh(outline, 24);
  for (let i = 0; i < bowl.positions.length; i += 3) {
    bowl.positions[i] *= a;
    bowl.positions[i + 1] *= b;
  }
  const thick = 0.0025;
  const hx0 = a * 0.85;
  const hl = L - 2 * a;
  const slope = Math.atan2(depth - thick, hl);
  const handle = handleMesh(hx0, hx0 + hl, b * 0.35, b * 0.55, thick, depth - thick, slope);
  return {
    mesh: mergeMeshes([bowl, handle]),
    collider: { kind: 'compound', parts: [pointsOf(bowl), pointsOf(handle)] },
    params: { style: ['table', 'tea', 'soup', 'serving', 'dessert'][style], length: round4(L), bowlLength: round4(2 * a), bowlDepth: depth },
    graspWidth: 0.01,
    graspable: true,
  };
}

function fork(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // dinner, salad, dessert, serving, three-tine
  const L = [0.2, 0.17, 0.15, 0.23, 0.18][style] * rng.uniform(0.95, 1.05);
  const tines = style === 4 ? 3 : 4;
  const headL = L * 0.3;
  const headW = [0.024, 0.022, 0.019, 0.028, 0.02][style];
  const t = 0.0025;
  const s = new THREE.Shape();
  // head outline with slots between the tines (x from 0 = tine tips to headL = neck)
  const slotL = headL * 0.55;
  const tw = headW / (2 * tines - 1);
  s.moveTo(headL, -headW * 0.18);
  s.lineTo(headL * 0.75, -headW / 2);
  for (let k = 0; k < tines; k++) {
    const y0 = -headW / 2 + 2 * k * tw;
    s.lineTo(0, y0);
    s.lineTo(0, y0 + tw);
    if (k < tines - 1) {
      s.lineTo(slotL, y0 + tw);
      s.lineTo(slotL, y0 + 2 * tw);
    }
  }
  s.lineTo(headL * 0.75, headW / 2);
  s.lineTo(headL, headW * 0.18);
  s.lineTo(headL, -headW * 0.18);
  const head = extrudeMesh(s, t, 0, 0, undefined, 4);
  const handle = handleMesh(headL - 0.002, L - 0.006, headW * 0.36, headW * 0.5, t + 0.0005, 0);
  return {
    mesh: mergeMeshes([head, handle]),
    collider: { kind: 'compound', parts: [pointsOf(head), pointsOf(handle)] },
    params: { style: ['dinner', 'salad', 'dessert', 'serving', 'three-tine'][style], length: round4(L), tines, headWidth: headW },
    graspWidth: 0.01,
    graspable: true,
  };
}

function knife(variant: number, rng: Rng): Built {
  const style = styleOf(variant, 5); // table, butter, steak, paring, chef
  const L = [0.22, 0.18, 0.23, 0.18, 0.3][style] * rng.uniform(0.95, 1.05);
  const bladeL = L * [0.52, 0.45, 0.5, 0.42, 0.6][style];
  const bladeW = [0.018, 0.02, 0.02, 0.016, 0.04][style];
  const handleT = [0.007, 0.006, 0.012, 0.014, 0.016][style];
  const handleW = Math.max(bladeW * 0.6, 0.014);
  const s = new THREE.Shape();
  s.moveTo(0, 0);
  s.lineTo(bladeL * 0.8, 0);
  s.quadraticCurveTo(bladeL, 0, bladeL, bladeW * 0.5);
  s.lineTo(bladeL, bladeW * 0.5);
  s.quadraticCurveTo(bladeL * 0.98, bladeW, bladeL * 0.85, bladeW);
  s.lineTo(0, bladeW);
  s.lineTo(0, 0);
  const blade = extrudeMesh(s, 0.0018, 0);
  transformInPlace(blade.positions, null, [-bladeL, -bladeW / 2, 0]);
  const hs = roundedRect(L - bladeL, handleW, handleW * 0.4);
  const accent = style >= 2 ? colorRgb(style === 2 ? 'dark brown' : 'black') : undefined;
  const handle = extrudeMesh(hs, handleT, 0, Math.min(0.002, handleT * 0.25), accent);
  transformInPlace(handle.positions, null, [(L - bladeL) / 2 - 0.003, 0, 0]);
  return {
    mesh: mergeMeshes([blade, handle]),
    collider: { kind: 'compound', parts: [pointsOf(blade), pointsOf(handle)] },
    params: { style: ['table', 'butter', 'steak', 'paring', 'chef'][style], length: round4(L), bladeWidth: bladeW, handleThickness: handleT },
    graspWidth: handleW + 0.005,
    graspable: true,
  };
}

export const UTENSIL_FAMILIES: Family[] = [
  { category: 'spoon', lying: true, synonyms: ['teaspoon', 'tablespoon'], roles: [], materialClass: 'metal', colors: ['silver', 'gold', 'black'], texture: 'brushed-metal', sizeRange: [0.12, 0.27], variants: 6, density: 4500, build: spoon },
  { category: 'fork', lying: true, synonyms: ['dinner fork', 'table fork'], roles: [], materialClass: 'metal', colors: ['silver', 'gold', 'black'], texture: 'brushed-metal', sizeRange: [0.13, 0.25], variants: 6, build: fork },
  { category: 'knife', lying: true, synonyms: ['table knife', 'butter knife'], roles: [], materialClass: 'metal', colors: ['silver', 'black', 'gold'], texture: 'brushed-metal', sizeRange: [0.15, 0.33], variants: 6, build: knife },
];
