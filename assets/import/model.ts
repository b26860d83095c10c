// Reads a source model (OBJ(+MTL), glTF/GLB, URDF pointing at a mesh) into one triangle soup with its base colour
// and texture. Every file it opens is checked first: referenced files must stay inside the model's folder (no `..`
// out of it, no absolute paths — an absolute path is tried by its file name in the folder, which is how files
// written on someone's D:\ drive still import), and must exist.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { Document, NodeIO, type Texture as GltfTexture } from '@gltf-transform/core';
import { ALL_EXTENSIONS } from '@gltf-transform/extensions';
import type { Vec3 } from '../../core/math.js';
import { linearToSrgb } from '../../core/color.js';
import { baseNameAnywhere, isAbsoluteAnywhere, resolveInside } from '../core/paths.js';
import { parseMtl, parseObj } from './obj.js';
import { AssetError, fail } from './problem.js';

export const MODEL_FORMATS = ['obj', 'gltf', 'glb', 'urdf'] as const;
export type ModelFormat = (typeof MODEL_FORMATS)[number];
/** 3D formats we recognise but do not read: reported as unknown-format rather than silently ignored */
export const OTHER_MODEL_EXTENSIONS = ['fbx', 'stl', 'ply', 'dae', '3ds', 'blend', 'usd', 'usda', 'usdc', 'usdz', 'x3d', 'wrl', 'off', 'step', 'stp', 'iges', 'igs', 'max', 'c4d', 'lwo', 'ma', 'mb'];

/** An image file's bytes as a model refers to it (or embeds it) */
export interface RawImage {
  bytes: Uint8Array;
  ext: string;
  mime: string;
  from: string;
}

export interface RawModel {
  format: ModelFormat;
  positions: Float32Array;
  indices: Uint32Array;
  normals: Float32Array | null;
  uvs: Float32Array | null;
  /** sRGB 0..1 */
  baseColor: Vec3;
  texture: RawImage | null;
  /**
   * glTF's other PBR images, where the file has them: metallic-roughness (roughness in G, metalness in B) and a
   * tangent-space normal map, with the factors they multiply (glTF: roughness × G, metalness × B, normal xy × scale)
   */
  surface?: { roughness: number; metalness: number; metallicRoughness: RawImage | null; normal: RawImage | null; normalScale: number };
  /** the format's up axis unless a sidecar says otherwise: glTF +y, OBJ/URDF (robotics data) +z */
  up: '+y' | '+z';
  /** metres per unit when the format says (glTF: metres); null when it must be guessed */
  unit: number | null;
  /** kg, when the file says (a URDF's <inertial><mass>) */
  mass?: number;
  warnings: string[];
}

export function formatOf(path: string): ModelFormat | null {
  const e = extname(path).slice(1).toLowerCase();
  return (MODEL_FORMATS as readonly string[]).includes(e) ? (e as ModelFormat) : null;
}

const MIME: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp' };

/** Resolves a file a model refers to. Throws outside-root / missing-* with a one-line reason. */
export function referencedFile(modelDir: string, ref: string, what: 'texture' | 'mesh' | 'buffer', warnings: string[]): string {
  const reason = what === 'texture' ? 'missing-texture' : 'missing-file';
  if (isAbsoluteAnywhere(ref)) {
    // never open an absolute path; the same file name in the model's folder is what the author meant
    const local = join(modelDir, baseNameAnywhere(ref));
    if (existsSync(local)) {
      warnings.push(`${what} "${ref}" is an absolute path; used ${baseNameAnywhere(ref)} from the model's folder`);
      return local;
    }
    fail('outside-root', `${what} path "${ref}" is absolute and no ${baseNameAnywhere(ref)} is next to the model`);
  }
  const p = resolveInside(modelDir, ref);
  if (!p) fail('outside-root', `${what} path "${ref}" leaves the model's folder`);
  if (!existsSync(p)) fail(reason, `${what} ${ref} does not exist`);
  return p;
}

function readTexture(path: string): RawModel['texture'] {
  const ext = extname(path).slice(1).toLowerCase();
  if (!MIME[ext]) fail('unknown-format', `texture ${baseNameAnywhere(path)} is not PNG, JPEG or WebP`);
  return { bytes: readFileSync(path), ext: ext === 'jpeg' ? 'jpg' : ext, mime: MIME[ext], from: path };
}

function readObj(path: string, warnings: string[]): RawModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    fail('unreadable', (e as Error).message);
  }
  const dir = dirname(path);
  const obj = parseObj(text);
  if (obj.badFaces > 0) warnings.push(`${obj.badFaces} faces with indices out of range were skipped`);
  // OBJ's v runs up from the image's bottom; stored meshes use glTF's convention, v down from the top
  if (obj.uvs) for (let i = 1; i < obj.uvs.length; i += 2) obj.uvs[i] = 1 - obj.uvs[i];
  let baseColor: Vec3 = [0.8, 0.8, 0.8];
  let texture: RawModel['texture'] = null;
  for (const lib of obj.mtllibs) {
    let mtlPath: string;
    try {
      mtlPath = referencedFile(dir, lib, 'mesh', warnings);
    } catch (e) {
      // a missing material library is common (bullet3's Panda): the model imports with its default colour
      if (e instanceof AssetError && e.reason === 'missing-file') {
        warnings.push(`material library ${lib} is missing; default colour used`);
        continue;
      }
      throw e;
    }
    const mats = parseMtl(readFileSync(mtlPath, 'utf8'));
    const m = (obj.material && mats.get(obj.material)) || [...mats.values()][0];
    if (!m) continue;
    if (m.kd) baseColor = m.kd;
    if (m.mapKd) texture = readTexture(referencedFile(dir, m.mapKd, 'texture', warnings));
  }
  return { format: 'obj', positions: obj.positions, indices: obj.indices, normals: obj.normals, uvs: obj.uvs, baseColor, texture, up: '+z', unit: null, warnings };
}

/** A glTF texture's image with its type, or null when the material has none. */
function gltfImage(tex: GltfTexture | null): RawImage | null {
  const img = tex?.getImage();
  if (!tex || !img) return null;
  const mime = tex.getMimeType() || 'image/png';
  const ext = mime === 'image/jpeg' ? 'jpg' : mime === 'image/webp' ? 'webp' : 'png';
  return { bytes: img, ext, mime, from: tex.getURI() || 'embedded' };
}

async function readGltf(path: string, format: 'gltf' | 'glb', warnings: string[]): Promise<RawModel> {
  const dir = dirname(path);
  if (format === 'gltf') {
    // check every external reference before glTF-Transform opens anything
    let json: { buffers?: { uri?: string }[]; images?: { uri?: string }[] };
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      fail('unreadable', `not valid glTF JSON: ${(e as Error).message}`);
    }
    for (const b of json.buffers ?? []) if (b.uri && !b.uri.startsWith('data:')) referencedFile(dir, decodeURIComponent(b.uri), 'buffer', warnings);
    for (const i of json.images ?? []) if (i.uri && !i.uri.startsWith('data:')) referencedFile(dir, decodeURIComponent(i.uri), 'texture', warnings);
  }
  let doc: Document;
  try {
    doc = await new NodeIO().registerExtensions(ALL_EXTENSIONS).read(path);
  } catch (e) {
    fail('unreadable', `glTF: ${(e as Error).message.split('\n')[0]}`);
  }
  const pos: number[] = [];
  const nor: number[] = [];
  const uv: number[] = [];
  const idx: number[] = [];
  let anyNormal = false;
  let anyUv = false;
  let baseColor: Vec3 | null = null;
  let texture: RawModel['texture'] = null;
  let surface: RawModel['surface'];
  const root = doc.getRoot();
  const scene = root.getDefaultScene() ?? root.listScenes()[0];
  const nodes = scene ? [] as ReturnType<typeof root.listNodes> : root.listNodes();
  scene?.traverse((n) => void nodes.push(n));
  for (const node of nodes) {
    const mesh = node.getMesh();
    if (!mesh) continue;
    const m = node.getWorldMatrix();
    for (const prim of mesh.listPrimitives()) {
      if (prim.getMode() !== 4) {
        warnings.push('non-triangle primitives skipped');
        continue;
      }
      const p = prim.getAttribute('POSITION');
      if (!p) continue;
      const n = prim.getAttribute('NORMAL');
      const t = prim.getAttribute('TEXCOORD_0');
      const base = pos.length / 3;
      const e: number[] = [0, 0, 0];
      const en: number[] = [0, 0, 0];
      for (let i = 0; i < p.getCount(); i++) {
        p.getElement(i, e);
        pos.push(m[0] * e[0] + m[4] * e[1] + m[8] * e[2] + m[12], m[1] * e[0] + m[5] * e[1] + m[9] * e[2] + m[13], m[2] * e[0] + m[6] * e[1] + m[10] * e[2] + m[14]);
        if (n) {
          n.getElement(i, en);
          nor.push(m[0] * en[0] + m[4] * en[1] + m[8] * en[2], m[1] * en[0] + m[5] * en[1] + m[9] * en[2], m[2] * en[0] + m[6] * en[1] + m[10] * en[2]);
          anyNormal = true;
        } else nor.push(0, 0, 0);
        if (t) {
          t.getElement(i, en);
          uv.push(en[0], en[1]);
          anyUv = true;
        } else uv.push(0, 0);
      }
      const ind = prim.getIndices();
      if (ind) for (let i = 0; i < ind.getCount(); i++) idx.push(base + ind.getScalar(i));
      else for (let i = 0; i < p.getCount(); i++) idx.push(base + i);
      const mat = prim.getMaterial();
      if (mat && !baseColor) {
        const f = mat.getBaseColorFactor();
        baseColor = [linearToSrgb(f[0]), linearToSrgb(f[1]), linearToSrgb(f[2])];
        texture = gltfImage(mat.getBaseColorTexture());
        const metallicRoughness = gltfImage(mat.getMetallicRoughnessTexture());
        const normal = gltfImage(mat.getNormalTexture());
        if (metallicRoughness || normal) {
          surface = { roughness: mat.getRoughnessFactor(), metalness: mat.getMetallicFactor(), metallicRoughness, normal, normalScale: mat.getNormalScale() };
        }
      }
    }
  }
  return {
    format,
    positions: Float32Array.from(pos),
    indices: Uint32Array.from(idx),
    normals: anyNormal ? Float32Array.from(nor) : null,
    uvs: anyUv ? Float32Array.from(uv) : null,
    baseColor: baseColor ?? [0.8, 0.8, 0.8],
    texture,
    ...(surface ? { surface } : {}),
    up: '+y',
    unit: 1,
    warnings,
  };
}

/** The visual mesh a URDF names (first <visual>), with its scale; package:// resolved inside the URDF's folder. */
async function readUrdf(path: string, warnings: string[]): Promise<RawModel & { urdfScale: number }> {
  const text = readFileSync(path, 'utf8');
  const visual = /<visual[\s\S]*?<\/visual>/.exec(text)?.[0];
  const mesh = visual && /<mesh\s+[^>]*filename\s*=\s*"([^"]+)"[^>]*>/.exec(visual);
  if (!mesh) fail('empty-mesh', 'URDF has no <visual> mesh');
  const scaleAttr = /scale\s*=\s*"([^"]+)"/.exec(mesh[0])?.[1];
  const scale = scaleAttr ? Number(scaleAttr.trim().split(/\s+/)[0]) : 1;
  let ref = mesh[1];
  const dir = dirname(path);
  if (ref.startsWith('package://')) {
    ref = ref.slice('package://'.length);
    // "package://meshes/x.obj" (no package name) or "package://pkg/meshes/x.obj"
    if (!existsSync(join(dir, ref)) && ref.includes('/')) ref = ref.slice(ref.indexOf('/') + 1);
  } else if (ref.startsWith('file://')) ref = ref.slice('file://'.length);
  const meshPath = referencedFile(dir, ref, 'mesh', warnings);
  const fmt = formatOf(meshPath);
  if (fmt !== 'obj' && fmt !== 'glb' && fmt !== 'gltf') fail('unknown-format', `URDF mesh ${baseNameAnywhere(meshPath)} is not OBJ or glTF`);
  const inner = fmt === 'obj' ? readObj(meshPath, warnings) : await readGltf(meshPath, fmt, warnings);
  // collision meshes (CoACD .stl parts, say) are not read: the importer makes the collider it knows grasps and rests
  const collision = [...text.matchAll(/<collision[\s\S]*?<\/collision>/g)].map((c) => /filename\s*=\s*"([^"]+)"/.exec(c[0])?.[1]).filter((f): f is string => !!f);
  if (collision.length > 0) {
    const missing = collision.filter((f) => !existsSync(join(dir, f.replace(/^package:\/\//, ''))));
    warnings.push(`${collision.length} <collision> mesh${collision.length === 1 ? '' : 'es'} ignored${missing.length ? ` (${missing.length} missing, e.g. ${baseNameAnywhere(missing[0])})` : ''}: the importer's own collider is used`);
  }
  const massText = /<inertial[\s\S]*?<mass\s+value\s*=\s*"([^"]+)"/.exec(text)?.[1];
  const mass = massText === undefined ? NaN : Number(massText);
  if (Number.isFinite(mass) && mass > 0) inner.mass = mass;
  // a URDF's own colour when the mesh has none
  const rgba = /<color\s+rgba\s*=\s*"([^"]+)"/.exec(visual)?.[1];
  if (rgba && !inner.texture) {
    const c = rgba.trim().split(/\s+/).map(Number);
    if (c.length >= 3 && c.every(Number.isFinite)) inner.baseColor = [c[0], c[1], c[2]];
  }
  return { ...inner, format: 'urdf', up: '+z', unit: fmt === 'obj' ? null : 1, urdfScale: Number.isFinite(scale) && scale > 0 ? scale : 1 };
}

/** Reads any supported model; throws AssetError with the reason for anything it cannot use. */
export async function readModel(path: string): Promise<RawModel> {
  if (!existsSync(path)) fail('missing-file', 'file does not exist');
  const format = formatOf(path);
  if (!format) fail('unknown-format', `"${extname(path) || 'no extension'}" is not a model format spatialgen reads (OBJ, glTF, GLB, URDF)`);
  const warnings: string[] = [];
  if (format === 'obj') return readObj(path, warnings);
  if (format === 'urdf') {
    const r = await readUrdf(path, warnings);
    if (r.urdfScale !== 1) for (let i = 0; i < r.positions.length; i++) r.positions[i] *= r.urdfScale;
    return r;
  }
  return readGltf(path, format, warnings);
}
