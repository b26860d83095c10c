// Procedural textures without a canvas: value-noise patterns computed into raw RGBA buffers (deterministic from a
// seed), tinted by the asset's chosen colour, encoded to PNG by sharp. A texture modulates lightness only, so the
// colour a sentence names stays the colour the image shows.
import sharp from 'sharp';
import type { Vec3 } from '../../core/math.js';

export const TEXTURE_KINDS = ['wood-grain', 'wicker', 'sponge-pores', 'label-stripes', 'book-cover', 'peel', 'brushed-metal'] as const;
export type TextureKind = (typeof TEXTURE_KINDS)[number];

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

/** Lightness multiplier in about 0.55..1.15 at texture coordinate (u, v) ∈ [0,1)². */
function lightness(kind: TextureKind, u: number, v: number, seed: number): number {
  switch (kind) {
    case 'wood-grain': {
      const warp = fbm(u * 4, v * 4, 4, seed) * 6;
      const rings = 0.5 + 0.5 * Math.sin((u * 18 + warp) * Math.PI);
      return 0.75 + 0.25 * rings + 0.1 * (fbm(u * 32, v * 4, 32, seed + 7) - 0.5);
    }
    case 'wicker': {
      const cu = Math.floor(u * 12), cv = Math.floor(v * 12);
      const fu = u * 12 - cu, fv = v * 12 - cv;
      const over = (cu + cv) % 2 === 0;
      const strand = over ? Math.sin(fv * Math.PI) : Math.sin(fu * Math.PI);
      return 0.6 + 0.45 * strand + 0.08 * (fbm(u * 16, v * 16, 16, seed) - 0.5);
    }
    case 'sponge-pores': {
      const n = fbm(u * 24, v * 24, 24, seed, 3);
      return n < 0.38 ? 0.6 : 1.0 + 0.1 * (n - 0.5);
    }
    case 'label-stripes': {
      const band = v > 0.3 && v < 0.7 ? 1.1 : 0.8;
      return band + 0.05 * (fbm(u * 8, v * 8, 8, seed) - 0.5);
    }
    case 'book-cover': {
      const frame = u < 0.08 || u > 0.92 || v < 0.06 || v > 0.94 ? 0.75 : 1;
      const title = v > 0.25 && v < 0.35 && u > 0.2 && u < 0.8 ? 1.15 : 1;
      return frame * title + 0.06 * (fbm(u * 32, v * 32, 32, seed) - 0.5);
    }
    case 'peel':
      return 0.92 + 0.16 * (fbm(u * 48, v * 48, 48, seed, 2) - 0.5);
    case 'brushed-metal':
      return 0.9 + 0.2 * (fbm(u * 2, v * 96, 2, seed, 3) - 0.5);
  }
}

/** A texture of `kind` tinted by `rgb` (sRGB 0..1). Deterministic in (kind, rgb, seed, size). */
export function makeTexture(kind: TextureKind, rgb: Vec3, seed: number, size = 128): Texture {
  const rgba = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const l = lightness(kind, x / size, y / size, seed);
      const o = (y * size + x) * 4;
      for (let k = 0; k < 3; k++) rgba[o + k] = Math.max(0, Math.min(255, Math.round(rgb[k] * l * 255)));
      rgba[o + 3] = 255;
    }
  }
  return { width: size, height: size, rgba };
}

export async function encodePng(t: Texture): Promise<Buffer> {
  return sharp(Buffer.from(t.rgba.buffer, t.rgba.byteOffset, t.rgba.byteLength), { raw: { width: t.width, height: t.height, channels: 4 } })
    .png()
    .toBuffer();
}
