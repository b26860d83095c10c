// Frame buffers → the bytes stored in Image columns. Colour as JPEG or PNG; depth as 16-bit PNG in millimetres
// (0 = no surface); instance ids as 16-bit PNG. The 16-bit PNGs use zlib level 1: they compress well anyway, and
// level 6 costs about 1.6× the time. sharp takes 16-bit samples only from a Uint16Array, which is why the buffers
// below are typed arrays and not Buffers.
import sharp from 'sharp';

export type ColorFormat = 'jpeg' | 'png';

export async function encodeColor(rgba: Uint8Array, width: number, height: number, format: ColorFormat, quality = 90): Promise<Uint8Array> {
  const img = sharp(rgba, { raw: { width, height, channels: 4 } }).removeAlpha();
  const buf = format === 'jpeg' ? await img.jpeg({ quality, chromaSubsampling: '4:2:0' }).toBuffer() : await img.png({ compressionLevel: 6 }).toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

async function encodeGray16(samples: Uint16Array, width: number, height: number): Promise<Uint8Array> {
  const buf = await sharp(samples, { raw: { width, height, channels: 1 } }).toColourspace('grey16').png({ compressionLevel: 1 }).toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Linear depth in metres → 16-bit PNG in millimetres; no surface (0, ∞, NaN) → 0, beyond 65.535 m → 65535. */
export function encodeDepthMm(depth: Float32Array, width: number, height: number): Promise<Uint8Array> {
  const mm = new Uint16Array(depth.length);
  for (let i = 0; i < depth.length; i++) {
    const d = depth[i];
    mm[i] = d > 0 && Number.isFinite(d) ? Math.min(65535, Math.round(d * 1000)) : 0;
  }
  return encodeGray16(mm, width, height);
}

export function encodeInstanceIds(ids: Uint16Array | Uint32Array, width: number, height: number): Promise<Uint8Array> {
  if (ids instanceof Uint16Array) return encodeGray16(ids, width, height);
  // a plain loop: Uint16Array.from with a map function cost ~6 ms per 256² frame, this ~0.1 ms
  const out = new Uint16Array(ids.length);
  for (let i = 0; i < ids.length; i++) out[i] = ids[i] > 65535 ? 65535 : ids[i];
  return encodeGray16(out, width, height);
}

/** Decodes a 16-bit grayscale PNG written above (for tests and the viewer). */
export async function decodeGray16(png: Uint8Array): Promise<{ data: Uint16Array; width: number; height: number }> {
  const { data, info } = await sharp(png).toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
  return { data: new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2), width: info.width, height: info.height };
}
