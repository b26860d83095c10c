// Content hash of an asset: its metadata (minus the split, which is the library's choice, not the asset's content)
// and the exact bytes of its render mesh and collider. Episodes record it, so a changed asset is a different asset.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../schemas/identity.js';
import { TEXTURE_RECIPE } from '../materials/textures.js';
import type { AssetEntry } from './asset.js';
import type { Collider } from '../colliders/collider.js';
import type { MeshData } from '../geometry/mesh.js';


function bytes(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

export function contentHash(entry: AssetEntry, mesh: Pick<MeshData, 'positions' | 'indices'> & Partial<MeshData>, collider: Collider): string {
  const h = createHash('sha256');
  const { split: _split, hash: _hash, ...meta } = entry;
  h.update(canonicalJson(meta));
  // a procedural texture is made by code: its recipe version stands for its pixels
  if (entry.material.texture && entry.source.kind === 'procedural') h.update(`texture-recipe:${TEXTURE_RECIPE}`);
  h.update(bytes(mesh.positions));
  h.update(bytes(mesh.indices));
  if (mesh.uvs) h.update(bytes(mesh.uvs));
  if (collider.kind === 'primitive') h.update(canonicalJson(collider.shape));
  else for (const p of collider.parts) h.update(bytes(p));
  return h.digest('hex');
}

/** sha256 of a file's bytes or a buffer. */
export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
