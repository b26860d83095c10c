// Frames decoded from video are re-encoded for the shards. JPEG by default: the source is already lossy h264, and a
// 640×480 PNG per sample would make stage-1 shards several times larger for no information gained.
import sharp from 'sharp';
import type { EncodedImage } from './episode.js';

export type ImageFormat = 'jpeg' | 'png';

export async function encodeRgb(rgb: Uint8Array, width: number, height: number, format: ImageFormat): Promise<EncodedImage> {
  const img = sharp(rgb, { raw: { width, height, channels: 3 } });
  const buf = format === 'png' ? await img.png().toBuffer() : await img.jpeg({ quality: 95, chromaSubsampling: '4:4:4' }).toBuffer();
  return { bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), format };
}

/** Width, height and format of an encoded image (JPEG / PNG as found in RLDS and LeRobot image columns). */
export async function imageInfo(bytes: Uint8Array): Promise<{ width: number; height: number; format: string }> {
  const m = await sharp(bytes).metadata();
  return { width: m.width ?? 0, height: m.height ?? 0, format: m.format ?? 'unknown' };
}
