// Thumbnails of assets: the product's WebGPU renderer (generators/rendering/thumbnails.ts, passed in by the caller)
// when it can start, the software rasteriser (raster.ts) when it cannot (no Vulkan driver), so `assets import` and
// `assets preview` work anywhere.
import sharp from 'sharp';
import type { Vec3 } from '../../core/math.js';
import type { Scene, SceneObject } from '../../core/scene.js';
import { type AssetInstance, instanceAppearance } from '../instance.js';
import { rasterize } from './raster.js';

export const THUMB_SIZE = 128;
export const BACKGROUND: Vec3 = [0.93, 0.93, 0.93];

export interface ThumbnailRenderer {
  /** 'gpu: <adapter>' or 'software' */
  readonly kind: string;
  render(a: AssetInstance): Promise<Uint8Array>;
  close(): void;
}

function vertexColors(a: AssetInstance, positions: Float32Array): Float32Array {
  if (a.vertexColors && a.vertexColors.length === positions.length) return a.vertexColors;
  const c = new Float32Array(positions.length);
  for (let i = 0; i < c.length; i++) c[i] = a.material.rgb[i % 3];
  return c;
}

function softwareMesh(a: AssetInstance): { positions: Float32Array; indices: Uint32Array } {
  const s = a.shape;
  if (s.kind === 'mesh') return { positions: s.positions, indices: s.indices };
  // primitives: a coarse tessellation is plenty at thumbnail size
  const pos: number[] = [];
  const idx: number[] = [];
  const ring = (n: number, f: (i: number, j: number) => Vec3, rows: number) => {
    for (let i = 0; i <= rows; i++) for (let j = 0; j <= n; j++) pos.push(...f(i / rows, j / n));
    for (let i = 0; i < rows; i++) for (let j = 0; j < n; j++) {
      const a0 = i * (n + 1) + j, b0 = a0 + n + 1;
      idx.push(a0, b0, a0 + 1, a0 + 1, b0, b0 + 1);
    }
  };
  if (s.kind === 'box') {
    const h = s.size.map((x) => x / 2);
    for (const sx of [-1, 1]) for (const sy of [-1, 1]) for (const sz of [-1, 1]) pos.push(sx * h[0], sy * h[1], sz * h[2]);
    idx.push(0, 1, 3, 0, 3, 2, 4, 6, 7, 4, 7, 5, 0, 4, 5, 0, 5, 1, 2, 3, 7, 2, 7, 6, 0, 2, 6, 0, 6, 4, 1, 5, 7, 1, 7, 3);
  } else if (s.kind === 'sphere') {
    ring(24, (u, v) => [s.radius * Math.sin(Math.PI * u) * Math.cos(2 * Math.PI * v), s.radius * Math.sin(Math.PI * u) * Math.sin(2 * Math.PI * v), s.radius * Math.cos(Math.PI * u)], 12);
  } else {
    const r = s.radius, h = s.height;
    const top = s.kind === 'cone' ? 0 : r;
    ring(24, (u, v) => {
      const rr = u === 0 || u === 1 ? 0 : u < 0.5 ? r : top;
      const z = u < 0.5 ? -h / 2 : h / 2;
      return [rr * Math.cos(2 * Math.PI * v), rr * Math.sin(2 * Math.PI * v), z];
    }, 3);
  }
  return { positions: Float32Array.from(pos), indices: Uint32Array.from(idx) };
}

class SoftwareThumbnails implements ThumbnailRenderer {
  readonly kind = 'software';
  async render(a: AssetInstance): Promise<Uint8Array> {
    const m = softwareMesh(a);
    return rasterize({ ...m, colors: vertexColors(a, m.positions) }, THUMB_SIZE, BACKGROUND);
  }
  close(): void {}
}

/** A one-object scene for a thumbnail: the asset standing on z = 0 at the origin. */
export function thumbScene(a: AssetInstance): Scene {
  const obj: SceneObject = {
    id: 1, name: a.name, category: a.category, synonyms: a.synonyms, assetId: a.assetId, ...instanceAppearance(a),
    body: 'fixed', mass: a.mass, friction: a.friction, restitution: a.restitution,
    pose: { position: [0, 0, a.size[2] / 2], quaternion: [0, 0, 0, 1] }, annotated: true,
  };
  return { seed: 0, tableTopZ: 0, objects: [obj], cameras: [], lighting: { sunDirection: [-0.4, 0.3, -1], sunIntensity: 2.5, ambientIntensity: 0.9, background: BACKGROUND } };
}

/** Makes a GPU thumbnail renderer; throws when no GPU adapter can be had. Supplied by the caller (cli/, workers/). */
export type GpuThumbnails = () => Promise<ThumbnailRenderer>;

/**
 * The GPU renderer if the caller supplies one and it starts, else the software one; `kind` says which ran, and the
 * import and preview commands print it. SPATIALGEN_THUMBNAILS=software forces the latter. The GPU one is passed in
 * rather than imported so that assets/ does not depend on generators/.
 */
export async function thumbnailRenderer(gpu?: GpuThumbnails): Promise<ThumbnailRenderer> {
  if (gpu && process.env.SPATIALGEN_THUMBNAILS !== 'software') {
    try {
      return await gpu();
    } catch {
      // no GPU adapter / driver: fall through to the software rasteriser
    }
  }
  return new SoftwareThumbnails();
}

export async function encodeThumbnail(rgba: Uint8Array): Promise<Buffer> {
  return sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width: THUMB_SIZE, height: THUMB_SIZE, channels: 4 } }).png().toBuffer();
}
