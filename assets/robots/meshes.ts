// Triangle meshes for robot links: OBJ, STL (binary and ASCII) and glTF/GLB, as plain position + index arrays in
// the file's own units and axes (URDF applies <mesh scale> and the geometry origin; it does not re-orient meshes).
// Materials are not read: URDF <material> colours the links, and robot OBJs in the wild often name .mtl files
// that do not exist or textures by absolute Windows paths — neither must stop an import.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { NodeIO } from '@gltf-transform/core';

export interface TriangleMesh {
  positions: Float32Array;
  indices: Uint32Array;
}

export class MeshError extends Error {
  override name = 'MeshError';
}

/** Wavefront OBJ: `v` and `f` records; n-gon faces are fanned, negative (relative) indices resolved. */
export function parseObj(text: string, source = 'OBJ'): TriangleMesh {
  const pos: number[] = [];
  const idx: number[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trim();
    if (line.startsWith('v ') || line.startsWith('v\t')) {
      const p = line.split(/\s+/);
      const x = Number(p[1]), y = Number(p[2]), z = Number(p[3]);
      if (![x, y, z].every(Number.isFinite)) throw new MeshError(`${source}: bad vertex at line ${n + 1}`);
      pos.push(x, y, z);
    } else if (line.startsWith('f ') || line.startsWith('f\t')) {
      const count = pos.length / 3;
      const corners = line.split(/\s+/).slice(1).filter(Boolean).map((c) => {
        const i = parseInt(c.split('/')[0], 10);
        const k = i < 0 ? count + i : i - 1;
        if (!Number.isInteger(k) || k < 0 || k >= count) throw new MeshError(`${source}: face index ${c} out of range at line ${n + 1}`);
        return k;
      });
      for (let k = 1; k + 1 < corners.length; k++) idx.push(corners[0], corners[k], corners[k + 1]);
    }
  }
  if (idx.length === 0) throw new MeshError(`${source}: no faces`);
  return { positions: Float32Array.from(pos), indices: Uint32Array.from(idx) };
}

/** STL, binary or ASCII (an ASCII file starts with "solid" and its size does not fit the binary layout). */
export function parseStl(data: Uint8Array, source = 'STL'): TriangleMesh {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const binaryCount = data.byteLength >= 84 ? view.getUint32(80, true) : -1;
  const isBinary = binaryCount >= 0 && 84 + binaryCount * 50 === data.byteLength;
  if (isBinary) {
    const positions = new Float32Array(binaryCount * 9);
    for (let t = 0; t < binaryCount; t++) {
      const o = 84 + t * 50 + 12; // skip the facet normal
      for (let k = 0; k < 9; k++) positions[t * 9 + k] = view.getFloat32(o + k * 4, true);
    }
    return { positions, indices: Uint32Array.from({ length: binaryCount * 3 }, (_, i) => i) };
  }
  const text = new TextDecoder().decode(data);
  if (!/^\s*solid/.test(text)) throw new MeshError(`${source}: neither binary nor ASCII STL`);
  const pos: number[] = [];
  for (const m of text.matchAll(/vertex\s+(\S+)\s+(\S+)\s+(\S+)/g)) pos.push(Number(m[1]), Number(m[2]), Number(m[3]));
  if (pos.length === 0 || pos.length % 9 !== 0 || !pos.every(Number.isFinite)) throw new MeshError(`${source}: no complete facets`);
  return { positions: Float32Array.from(pos), indices: Uint32Array.from({ length: pos.length / 3 }, (_, i) => i) };
}

/** glTF 2.0 (.gltf with its buffers, or .glb): every triangle primitive of the default scene, node transforms applied. */
export async function loadGltf(path: string): Promise<TriangleMesh> {
  const doc = await new NodeIO().read(path);
  const root = doc.getRoot();
  const scene = root.getDefaultScene() ?? root.listScenes()[0];
  const pos: number[] = [];
  const idx: number[] = [];
  const visit = (node: ReturnType<typeof root.listNodes>[number]) => {
    const mesh = node.getMesh();
    if (mesh) {
      const m = node.getWorldMatrix(); // column-major 4×4
      for (const prim of mesh.listPrimitives()) {
        if (prim.getMode() !== 4) continue; // TRIANGLES only
        const a = prim.getAttribute('POSITION');
        if (!a) continue;
        const base = pos.length / 3;
        const v: number[] = [0, 0, 0];
        for (let i = 0; i < a.getCount(); i++) {
          a.getElement(i, v);
          pos.push(m[0] * v[0] + m[4] * v[1] + m[8] * v[2] + m[12], m[1] * v[0] + m[5] * v[1] + m[9] * v[2] + m[13], m[2] * v[0] + m[6] * v[1] + m[10] * v[2] + m[14]);
        }
        const ind = prim.getIndices();
        if (ind) for (let i = 0; i < ind.getCount(); i++) idx.push(base + ind.getScalar(i));
        else for (let i = 0; i < a.getCount(); i++) idx.push(base + i);
      }
    }
    for (const c of node.listChildren()) visit(c);
  };
  for (const n of scene ? scene.listChildren() : root.listNodes()) visit(n);
  if (idx.length === 0) throw new MeshError(`${path}: no triangle meshes`);
  return { positions: Float32Array.from(pos), indices: Uint32Array.from(idx) };
}

/** Loads a mesh file by its extension. */
export async function loadMesh(path: string): Promise<TriangleMesh> {
  const ext = extname(path).toLowerCase();
  switch (ext) {
    case '.obj':
      return parseObj(await readFile(path, 'utf8'), path);
    case '.stl':
      return parseStl(new Uint8Array(await readFile(path)), path);
    case '.gltf':
    case '.glb':
      return loadGltf(path);
    default:
      throw new MeshError(`${path}: unsupported mesh format '${ext}' (OBJ, STL, glTF, GLB)`);
  }
}
