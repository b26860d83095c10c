// 16-bit depth and instance-id images → colour PNGs a browser (or a contact sheet) shows: depth through the Turbo
// colour map (near = red, far = blue; 0, no surface, black), ids through a fixed palette (0, background, black).
import sharp from 'sharp';
import { decodeGray16 } from '../generators/encode/images.js';

// Turbo (Mikhailov 2019), 9 stops interpolated linearly: close enough to tell depths apart
const TURBO: [number, number, number][] = [
  [48, 18, 59], [65, 69, 171], [70, 117, 237], [57, 162, 252], [27, 207, 212], [36, 236, 166], [114, 254, 94], [175, 250, 55],
  [225, 221, 55], [254, 185, 46], [252, 136, 37], [239, 89, 17], [203, 42, 4], [122, 4, 3],
];

function turbo(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (TURBO.length - 1);
  const i = Math.min(TURBO.length - 2, Math.floor(x));
  const f = x - i;
  const a = TURBO[i];
  const b = TURBO[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** A distinct, stable colour per instance id (golden-angle hues). */
export function idColor(id: number): [number, number, number] {
  if (id === 0) return [0, 0, 0];
  const h = (id * 137.508) % 360;
  const s = 0.65 + 0.35 * ((id * 7) % 3) / 2;
  const v = 0.95 - 0.25 * ((id * 13) % 2);
  const c = v * s;
  const xx = c * (1 - Math.abs(((h / 60) % 2) - 1));
  const m = v - c;
  const [r, g, b] = h < 60 ? [c, xx, 0] : h < 120 ? [xx, c, 0] : h < 180 ? [0, c, xx] : h < 240 ? [0, xx, c] : h < 300 ? [xx, 0, c] : [c, 0, xx];
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

async function toPng(rgb: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  const buf = await sharp(rgb, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 3 }).toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Depth PNG (16-bit millimetres) → Turbo PNG scaled between the frame's nearest and farthest surface. */
export async function depthPng(png16: Uint8Array): Promise<Uint8Array> {
  const { data, width, height } = await decodeGray16(png16);
  let lo = Infinity;
  let hi = 0;
  for (const d of data) {
    if (d === 0) continue;
    lo = Math.min(lo, d);
    hi = Math.max(hi, d);
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 0) continue;
    const c = turbo(hi > lo ? 1 - (data[i] - lo) / (hi - lo) : 1);
    rgb.set(c, i * 3);
  }
  return toPng(rgb, width, height);
}

/** Instance-id PNG (16-bit) → palette PNG. */
export async function segmentationPng(png16: Uint8Array): Promise<Uint8Array> {
  const { data, width, height } = await decodeGray16(png16);
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) rgb.set(idColor(data[i]), i * 3);
  return toPng(rgb, width, height);
}

/** The MIME type of a stored image from its first bytes. */
export function imageMime(b: Uint8Array): string {
  if (b[0] === 0xff && b[1] === 0xd8) return 'image/jpeg';
  if (b[0] === 0x89 && b[1] === 0x50) return 'image/png';
  return 'application/octet-stream';
}
