// Procedural surface textures without a canvas: patterns computed into raw RGBA (deterministic in pattern, colour and
// seed), drawn in the object's colour so that the colour a sentence names is still the colour most of the surface
// shows. Wood grain, wicker, sponge pores, fruit peel (speckle and a gradient), brushed metal, and the table tops'
// planks, marble, stone, laminate and fabric modulate the object's colour; printed labels (a band with blocks of a
// second colour, stripes and rows of glyph-like marks), book covers (a frame, a title block, page edges) and box
// print (a panel, marks, a barcode) add colours of their own, on less than half of the surface.
//
// Texture coordinates follow glTF: (u, v) = (0, 0) is the image's top-left texel. Parts that keep a colour of their
// own (a stem, a cap, a handle) show no texture (assets/instance.ts instanceAppearance).
import sharp from 'sharp';
import type { Vec3 } from '../../core/math.js';

export const TEXTURE_KINDS = ['wood-grain', 'wicker', 'sponge-pores', 'label', 'book-cover', 'box-print', 'peel', 'brushed-metal', 'marble', 'stone', 'laminate', 'fabric', 'planks'] as const;
export type TextureKind = (typeof TEXTURE_KINDS)[number];

/** Bumped whenever a pattern changes: it is part of every textured asset's content hash. */
export const TEXTURE_RECIPE = 2;

/** Edge of a procedural texture, texels. */
export const TEXTURE_SIZE = 256;

export interface Texture {
  width: number;
  height: number;
  /** RGBA, row-major from the top-left */
  rgba: Uint8Array;
}

function hash2(x: number, y: number, seed: number): number {
  let h = (Math.imul(x, 374761393) + Math.imul(y, 668265263) + Math.imul(seed, 2246822519)) | 0;
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Smooth value noise, tileable with period `period` lattice cells. */
function valueNoise(x: number, y: number, period: number, seed: number): number {
  const xi = Math.floor(x), yi = Math.floor(y);
  const fx = x - xi, fy = y - yi;
  const sx = fx * fx * (3 - 2 * fx), sy = fy * fy * (3 - 2 * fy);
  const m = (v: number) => ((v % period) + period) % period;
  const a = hash2(m(xi), m(yi), seed), b = hash2(m(xi + 1), m(yi), seed);
  const c = hash2(m(xi), m(yi + 1), seed), d = hash2(m(xi + 1), m(yi + 1), seed);
  return a + (b - a) * sx + (c - a) * sy + (a - b - c + d) * sx * sy;
}

function fbm(x: number, y: number, period: number, seed: number, octaves = 4): number {
  let v = 0, amp = 0.5, f = 1;
  for (let o = 0; o < octaves; o++) {
    v += amp * valueNoise(x * f, y * f, period * f, seed + o * 101);
    amp /= 2;
    f *= 2;
  }
  return v / (1 - 0.5 ** octaves);
}

/** sRGB 0..1 colours a print may use besides the object's own: ink, paper, and strong accents. */
const INKS: Vec3[] = [[0.08, 0.08, 0.1], [0.95, 0.94, 0.9], [0.85, 0.12, 0.1], [0.1, 0.3, 0.75], [0.95, 0.75, 0.1], [0.1, 0.55, 0.25], [0.9, 0.45, 0.1]];

/** The ink farthest from the object's colour among a seed's three candidates (prints stand out from their ground). */
function contrasting(rgb: Vec3, seed: number, k: number): Vec3 {
  let best = INKS[0], bestD = -1;
  for (let i = 0; i < 3; i++) {
    const c = INKS[Math.floor(hash2(k, i, seed) * INKS.length)];
    const d = Math.hypot(c[0] - rgb[0], c[1] - rgb[1], c[2] - rgb[2]);
    if (d > bestD) [best, bestD] = [c, d];
  }
  return best;
}

const scale = (c: Vec3, l: number): Vec3 => [c[0] * l, c[1] * l, c[2] * l];

/** Glyph-like marks: rows of short strokes with gaps, like lines of small print, inside [u0,u1]×[v0,v1]. */
function glyphs(u: number, v: number, box: [number, number, number, number], rows: number, seed: number): boolean {
  const [u0, v0, u1, v1] = box;
  if (u < u0 || u >= u1 || v < v0 || v >= v1) return false;
  const rv = ((v - v0) / (v1 - v0)) * rows;
  const row = Math.floor(rv);
  if (rv - row > 0.6) return false; // line spacing
  const cols = 24;
  const cu = ((u - u0) / (u1 - u0)) * cols;
  const col = Math.floor(cu);
  if (hash2(col, row, seed) < 0.22) return false; // a space between words
  const f = cu - col;
  return f > 0.12 && f < 0.78 && hash2(col * 7 + Math.floor(f * 3), row, seed + 1) > 0.25;
}

/** The colour at (u, v) of a pattern drawn in `rgb`. */
function paint(kind: TextureKind, rgb: Vec3, u: number, v: number, seed: number): Vec3 {
  switch (kind) {
    case 'wood-grain': {
      const warp = fbm(u * 4, v * 4, 4, seed) * 6;
      const rings = 0.5 + 0.5 * Math.sin((u * 18 + warp) * Math.PI);
      return scale(rgb, 0.72 + 0.2 * rings + 0.1 * (fbm(u * 32, v * 4, 32, seed + 7) - 0.5));
    }
    case 'wicker': {
      const cu = Math.floor(u * 12), cv = Math.floor(v * 12);
      const fu = u * 12 - cu, fv = v * 12 - cv;
      const strand = (cu + cv) % 2 === 0 ? Math.sin(fv * Math.PI) : Math.sin(fu * Math.PI);
      return scale(rgb, 0.55 + 0.4 * strand + 0.08 * (fbm(u * 16, v * 16, 16, seed) - 0.5));
    }
    case 'sponge-pores': {
      const n = fbm(u * 24, v * 24, 24, seed, 3);
      return scale(rgb, n < 0.38 ? 0.6 : 0.95 + 0.08 * (n - 0.5));
    }
    case 'peel': {
      // a gradient from stem to base, a little blush, and fine speckle
      const grad = 0.88 + 0.12 * Math.sin(v * Math.PI);
      const blush = 0.06 * (fbm(u * 3, v * 3, 3, seed) - 0.5);
      const speck = hash2(Math.floor(u * 160), Math.floor(v * 160), seed) > 0.985 ? 0.7 : 1;
      return scale(rgb, (grad + blush + 0.1 * (fbm(u * 48, v * 48, 48, seed, 2) - 0.5)) * speck);
    }
    case 'brushed-metal':
      return scale(rgb, 0.86 + 0.22 * (fbm(u * 2, v * 96, 2, seed, 3) - 0.5));
    case 'marble': {
      // dark veins where a warped sine crosses zero, on a faintly clouded ground
      const warp = fbm(u * 3, v * 3, 3, seed, 5) * 7;
      const vein = Math.abs(Math.sin((u * 2 + v * 3 + warp) * Math.PI));
      const cloud = 0.06 * (fbm(u * 6, v * 6, 6, seed + 3) - 0.5);
      return scale(rgb, 0.97 + cloud - 0.35 * Math.max(0, 0.12 - vein) / 0.12);
    }
    case 'stone': {
      // granite: a mottled ground with dark and light grains
      const g = hash2(Math.floor(u * 200), Math.floor(v * 200), seed);
      const grain = g > 0.93 ? 0.55 : g < 0.05 ? 1.25 : 1;
      return scale(rgb, (0.9 + 0.2 * (fbm(u * 16, v * 16, 16, seed, 3) - 0.5)) * grain);
    }
    case 'laminate':
      // a pressed plastic sheet: fine fibres and a faint cloud, nearly uniform
      return scale(rgb, 0.96 + 0.05 * (fbm(u * 8, v * 8, 8, seed, 2) - 0.5) + 0.04 * (fbm(u * 128, v * 8, 128, seed + 1, 2) - 0.5));
    case 'planks': {
      // a table top of boards: four per tile along u, each its own tone, fine grain running along v with a gentle
      // wander, a dark seam between boards
      const board = Math.floor(u * 4);
      const fu = u * 4 - board;
      if (fu < 0.012 || fu > 0.988) return scale(rgb, 0.45);
      const tone = 0.86 + 0.2 * hash2(board, 7, seed);
      const wander = 0.6 * fbm(u * 4, v * 2, 4, seed + board);
      const grain = 0.5 + 0.5 * Math.sin((fu * 14 + wander * 3 + 0.3 * Math.sin(v * 2 * Math.PI)) * Math.PI);
      return scale(rgb, tone * (0.86 + 0.1 * grain + 0.06 * (fbm(u * 64, v * 4, 64, seed + 3) - 0.5)));
    }
    case 'fabric': {
      // plain weave: threads alternating over and under, a little slub
      const cu = Math.floor(u * 96), cv = Math.floor(v * 96);
      const fu = u * 96 - cu, fv = v * 96 - cv;
      const over = (cu + cv) % 2 === 0 ? Math.sin(fv * Math.PI) : Math.sin(fu * Math.PI);
      return scale(rgb, 0.8 + 0.18 * over + 0.1 * (fbm(u * 12, v * 12, 12, seed) - 0.5));
    }
    case 'label': {
      // the object's colour above and below a printed band; in the band a block of a second colour, stripes, print
      const band: [number, number] = [0.32 + 0.06 * hash2(1, 1, seed), 0.6 + 0.06 * hash2(2, 2, seed)];
      if (v < band[0] || v > band[1]) return scale(rgb, 0.95 + 0.05 * (fbm(u * 8, v * 8, 8, seed) - 0.5));
      // the label's ground is the object's colour, a little lighter: the colour that names it stays the most seen
      const paper: Vec3 = [0.85 * rgb[0] + 0.15, 0.85 * rgb[1] + 0.15, 0.85 * rgb[2] + 0.15];
      const block = contrasting(paper, seed, 1);
      const ink = contrasting(block, seed, 2);
      const b0 = hash2(4, 4, seed) * 0.6;
      if (u >= b0 && u < b0 + 0.22 && v > band[0] + 0.03 && v < band[1] - 0.03) {
        return glyphs(u, v, [b0 + 0.02, band[0] + 0.08, b0 + 0.2, band[1] - 0.08], 3, seed) ? paper : block;
      }
      const stripe = Math.abs(v - band[0]) < 0.015 || Math.abs(v - band[1]) < 0.015;
      if (stripe) return ink;
      return glyphs(u, v, [0, band[0] + 0.05, 1, band[1] - 0.05], 6, seed + 3) ? ink : paper;
    }
    case 'book-cover': {
      // every face of a book's box gets the same image: a frame, a title block and marks; page edges are the thin
      // cream strips along two sides (they land on the book's edges)
      if (u > 0.93) return [0.93, 0.9, 0.82];
      const frame = u < 0.06 || u > 0.88 || v < 0.06 || v > 0.94;
      if (frame) return scale(rgb, 0.7);
      const title = contrasting(rgb, seed, 1);
      if (v > 0.2 && v < 0.34 && u > 0.15 && u < 0.8) return glyphs(u, v, [0.18, 0.22, 0.77, 0.32], 1, seed) ? scale(title, 0.6) : title;
      if (glyphs(u, v, [0.2, 0.5, 0.7, 0.62], 2, seed + 5)) return contrasting(rgb, seed, 3);
      return scale(rgb, 0.97 + 0.06 * (fbm(u * 32, v * 32, 32, seed) - 0.5));
    }
    case 'box-print': {
      // cardboard in the object's colour, a printed panel, small print and a barcode
      const base = scale(rgb, 0.92 + 0.1 * (fbm(u * 24, v * 24, 24, seed, 3) - 0.5));
      const panel = contrasting(rgb, seed, 1);
      if (u > 0.15 && u < 0.62 && v > 0.18 && v < 0.5) return glyphs(u, v, [0.2, 0.26, 0.57, 0.44], 2, seed) ? [0.95, 0.94, 0.9] : panel;
      if (u > 0.7 && u < 0.9 && v > 0.7 && v < 0.85) return hash2(Math.floor(u * 120), 0, seed) > 0.5 ? [0.05, 0.05, 0.05] : [0.95, 0.95, 0.95];
      if (glyphs(u, v, [0.15, 0.58, 0.62, 0.8], 4, seed + 9)) return contrasting(rgb, seed, 2);
      return base;
    }
  }
}

/**
 * A `kind` texture drawn in `rgb` (sRGB 0..1) from `seed`. Deterministic in its arguments. `tiles` repeats the
 * pattern across the image (every pattern is periodic in u and v, so the repeats join without a seam): a table top a
 * metre and more across wants its wood grain at the scale of a plank, not stretched over the whole slab.
 */
export function makeTexture(kind: TextureKind, rgb: Vec3, seed: number, size = TEXTURE_SIZE, tiles: readonly [number, number] = [1, 1]): Texture {
  const rgba = new Uint8Array(size * size * 4);
  // one tile is painted (value noise in JS costs microseconds a texel: a 512² table top took up to a second), the
  // others are its copies; a tile count that does not divide the size paints every texel
  const tw = size % tiles[0] === 0 ? size / tiles[0] : size, th = size % tiles[1] === 0 ? size / tiles[1] : size;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const o = (y * size + x) * 4;
      if (x >= tw || y >= th) {
        rgba.copyWithin(o, ((y % th) * size + (x % tw)) * 4, ((y % th) * size + (x % tw)) * 4 + 4);
        continue;
      }
      rgba[o + 3] = 255;
      const c = paint(kind, rgb, (((x + 0.5) / size) * tiles[0]) % 1, (((y + 0.5) / size) * tiles[1]) % 1, seed);
      for (let k = 0; k < 3; k++) rgba[o + k] = Math.max(0, Math.min(255, Math.round(c[k] * 255)));
    }
  }
  return { width: size, height: size, rgba };
}

export async function encodePng(t: Texture): Promise<Buffer> {
  return sharp(Buffer.from(t.rgba.buffer, t.rgba.byteOffset, t.rgba.byteLength), { raw: { width: t.width, height: t.height, channels: 4 } })
    .png()
    .toBuffer();
}
