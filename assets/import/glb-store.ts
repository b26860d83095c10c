// How an imported asset is stored in the library: one GLB per asset, written with glTF-Transform. Mesh "visual"
// is the normalised render mesh (z up, metres, origin at the box centre); meshes "collider_<i>" hold the convex
// parts as POINTS primitives. Any glTF viewer opens it; the library reads it back synchronously with the small
// reader below (it only needs accessors of its own files), so instantiate() never waits.
import { readFileSync } from 'node:fs';
import { Document, NodeIO, Primitive, VertexLayout } from '@gltf-transform/core';
import type { Vec3 } from '../../core/math.js';
import type { Collider } from '../colliders/collider.js';
import type { MeshData } from '../geometry/mesh.js';
import { linearToSrgb } from '../../core/color.js';

export interface StoredModel {
  mesh: MeshData;
  collider: Collider;
}

/** An image file next to the GLB */
interface StoredImage {
  uri: string;
  mime: string;
}

export interface GlbSurface {
  baseColor: Vec3;
  /** the base-colour texture's file name next to the GLB (kept external) */
  textureUri?: string;
  textureMime?: string;
  /** glTF's metallic-roughness and normal images, with their factors (an imported glTF's own) */
  surface?: { roughness: number; metalness: number; normalScale: number; metallicRoughness?: StoredImage; normal?: StoredImage };
}

/** Writes the GLB bytes. */
export async function encodeGlb(mesh: MeshData, collider: Collider, opts: GlbSurface): Promise<Uint8Array> {
  if (collider.kind === 'primitive') throw new Error('imported assets store convex colliders, not primitives');
  const doc = new Document();
  const buffer = doc.createBuffer();
  const s = opts.surface;
  const material = doc.createMaterial('surface').setBaseColorFactor([...opts.baseColor, 1]).setRoughnessFactor(s?.roughness ?? 0.6).setMetallicFactor(s?.metalness ?? 0);
  if (opts.textureUri) {
    const tex = doc.createTexture('baseColor').setURI(opts.textureUri).setMimeType(opts.textureMime ?? 'image/png');
    material.setBaseColorTexture(tex);
  }
  if (s?.metallicRoughness) material.setMetallicRoughnessTexture(doc.createTexture('metallicRoughness').setURI(s.metallicRoughness.uri).setMimeType(s.metallicRoughness.mime));
  if (s?.normal) material.setNormalTexture(doc.createTexture('normal').setURI(s.normal.uri).setMimeType(s.normal.mime)).setNormalScale(s.normalScale);
  const visual = doc
    .createPrimitive()
    .setAttribute('POSITION', doc.createAccessor().setType('VEC3').setArray(mesh.positions).setBuffer(buffer))
    .setAttribute('NORMAL', doc.createAccessor().setType('VEC3').setArray(mesh.normals).setBuffer(buffer))
    .setAttribute('TEXCOORD_0', doc.createAccessor().setType('VEC2').setArray(mesh.uvs).setBuffer(buffer))
    .setIndices(doc.createAccessor().setType('SCALAR').setArray(mesh.indices).setBuffer(buffer))
    .setMaterial(material);
  const scene = doc.createScene('asset');
  scene.addChild(doc.createNode('visual').setMesh(doc.createMesh('visual').addPrimitive(visual)));
  collider.parts.forEach((p, i) => {
    const prim = doc.createPrimitive().setMode(Primitive.Mode.POINTS).setAttribute('POSITION', doc.createAccessor().setType('VEC3').setArray(p).setBuffer(buffer));
    scene.addChild(doc.createNode(`collider_${i}`).setMesh(doc.createMesh(`collider_${i}`).addPrimitive(prim)));
  });
  doc.getRoot().setExtras({ spatialgen: { colliderKind: collider.kind } });
  const io = new NodeIO().setVertexLayout(VertexLayout.SEPARATE);
  return io.writeBinary(doc);
}

interface GltfJson {
  meshes?: { name?: string; primitives: { attributes: Record<string, number>; indices?: number; mode?: number }[] }[];
  accessors?: { bufferView?: number; byteOffset?: number; componentType: number; count: number; type: string }[];
  bufferViews?: { buffer: number; byteOffset?: number; byteLength: number; byteStride?: number }[];
  extras?: { spatialgen?: { colliderKind?: 'hull' | 'compound' } };
  images?: { uri?: string }[];
}

const COMPONENTS: Record<string, number> = { SCALAR: 1, VEC2: 2, VEC3: 3, VEC4: 4 };

function parseGlb(bytes: Uint8Array): { json: GltfJson; bin: Uint8Array } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 20 || dv.getUint32(0, true) !== 0x46546c67) throw new Error('not a GLB file');
  const jsonLen = dv.getUint32(12, true);
  if (dv.getUint32(16, true) !== 0x4e4f534a) throw new Error('GLB: first chunk is not JSON');
  const json = JSON.parse(new TextDecoder().decode(bytes.subarray(20, 20 + jsonLen))) as GltfJson;
  let bin: Uint8Array = new Uint8Array(0);
  const o = 20 + jsonLen;
  if (o + 8 <= bytes.byteLength) {
    const binLen = dv.getUint32(o, true);
    bin = bytes.subarray(o + 8, o + 8 + binLen);
  }
  return { json, bin };
}

function readAccessor(json: GltfJson, bin: Uint8Array, index: number): Float32Array | Uint32Array {
  const a = json.accessors?.[index];
  if (!a || a.bufferView === undefined) throw new Error(`GLB: accessor ${index} missing`);
  const bv = json.bufferViews![a.bufferView];
  const n = COMPONENTS[a.type] ?? 1;
  const size = a.componentType === 5126 || a.componentType === 5125 ? 4 : a.componentType === 5123 ? 2 : 1;
  const stride = bv.byteStride ?? n * size;
  const base = (bv.byteOffset ?? 0) + (a.byteOffset ?? 0);
  const dv = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  const out = a.componentType === 5126 ? new Float32Array(a.count * n) : new Uint32Array(a.count * n);
  for (let i = 0; i < a.count; i++) {
    for (let k = 0; k < n; k++) {
      const off = base + i * stride + k * size;
      out[i * n + k] =
        a.componentType === 5126 ? dv.getFloat32(off, true) : a.componentType === 5125 ? dv.getUint32(off, true) : a.componentType === 5123 ? dv.getUint16(off, true) : dv.getUint8(off);
    }
  }
  return out;
}

/** Reads a GLB this module wrote. Throws with a short reason on anything else. */
export function readStoredGlb(path: string): StoredModel & { images: string[] } {
  const { json, bin } = parseGlb(readFileSync(path));
  const meshes = json.meshes ?? [];
  const visual = meshes.find((m) => m.name === 'visual');
  if (!visual || visual.primitives.length === 0) throw new Error('GLB has no "visual" mesh');
  const p = visual.primitives[0];
  const positions = readAccessor(json, bin, p.attributes.POSITION) as Float32Array;
  const normals = p.attributes.NORMAL !== undefined ? (readAccessor(json, bin, p.attributes.NORMAL) as Float32Array) : new Float32Array(positions.length);
  const uvs = p.attributes.TEXCOORD_0 !== undefined ? (readAccessor(json, bin, p.attributes.TEXCOORD_0) as Float32Array) : new Float32Array((positions.length / 3) * 2);
  const indices = p.indices !== undefined ? Uint32Array.from(readAccessor(json, bin, p.indices)) : Uint32Array.from({ length: positions.length / 3 }, (_, i) => i);
  const parts = meshes
    .filter((m) => m.name?.startsWith('collider_'))
    .sort((a, b) => Number(a.name!.slice(9)) - Number(b.name!.slice(9)))
    .map((m) => readAccessor(json, bin, m.primitives[0].attributes.POSITION) as Float32Array);
  const kind = json.extras?.spatialgen?.colliderKind ?? (parts.length > 1 ? 'compound' : 'hull');
  return {
    mesh: { positions, normals, uvs, indices },
    collider: { kind, parts: parts.length > 0 ? parts : [positions] },
    images: (json.images ?? []).map((i) => i.uri ?? '').filter((u) => u.length > 0),
  };
}

/**
 * The first mesh of a GLB with per-vertex colours (robot render meshes, scripts/robot-visuals.ts): positions,
 * normals, indices, and COLOR_0 turned from glTF's linear values into the sRGB that Shape `colors` holds.
 */
export function readColoredMesh(path: string): { positions: Float32Array; normals: Float32Array; indices: Uint32Array; colors: Float32Array } {
  const { json, bin } = parseGlb(readFileSync(path));
  const p = json.meshes?.[0]?.primitives[0];
  if (!p || p.attributes.COLOR_0 === undefined || p.indices === undefined) throw new Error(`${path}: no coloured, indexed mesh`);
  const positions = readAccessor(json, bin, p.attributes.POSITION) as Float32Array;
  const linear = readAccessor(json, bin, p.attributes.COLOR_0) as Float32Array;
  const colors = linear.map(linearToSrgb);
  return {
    positions,
    normals: p.attributes.NORMAL !== undefined ? (readAccessor(json, bin, p.attributes.NORMAL) as Float32Array) : new Float32Array(positions.length),
    indices: Uint32Array.from(readAccessor(json, bin, p.indices)),
    colors,
  };
}
