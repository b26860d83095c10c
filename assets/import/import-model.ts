// One model → one library asset: read, check, normalise (z up, metres, the category's real size, resting on its
// stable face, origin at the box centre), colliders (hull, or boxes for containers), mass from a density, files
// written under <root>/imported/<dir>/, entry returned. A pure function of (file, options) apart from the files it
// writes into its own new folder, so any number run in parallel and a queue worker can run it as it is.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { MeshoptSimplifier } from 'meshoptimizer';
import type { Mat3, Vec3 } from '../../core/math.js';
import { type AssetEntry, type AssetProblem, type Role } from '../core/asset.js';
import { sha256 } from '../core/hash.js';
import { canonicalJson } from '../../schemas/identity.js';
import { type Collider, colliderMassProperties } from '../colliders/collider.js';
import { quadFaces } from '../colliders/contact-faces.js';
import { extremePoints, hullOf } from '../colliders/hull.js';
import { flattenBase, restingFace, standsOnBase } from '../colliders/rest.js';
import { cavityOf, decimateCloud, voxelDecompose } from '../colliders/voxel.js';
import { type MeshData, aabbOfPoints, aabbSize, allFinite, computeNormals, referencedOnly, signedVolume, transformInPlace, triangleStats } from '../geometry/mesh.js';
import { COLORS, materialClass, nearestColorName } from '../materials/palette.js';
import { family } from '../procedural/index.js';
import { encodeGlb } from './glb-store.js';
import { type RawImage, type RawModel, readModel } from './model.js';
import { AssetError, fail } from './problem.js';
import { type Sidecar, categoryFromWords, licenceFile, nameWords, readSidecar } from './sidecar.js';

export interface ImportOptions {
  /** library root the asset is written into */
  libraryRoot: string;
  /** category for every model (else sidecar, else the file name) */
  category?: string;
  /** folder an import of many models started from (for an assets.csv there) */
  importRoot?: string;
  /** a texture wider or taller than this (pixels) is downscaled once, here (default 1024) */
  maxTextureSize?: number;
  /** a mesh of more triangles is simplified to about this many (meshoptimizer; default: kept as it is) */
  maxTriangles?: number;
}

export const DEFAULT_MAX_TEXTURE_SIZE = 1024;

/** What one `assets import` asks of every model it imports: its flags, or a queued import's record. */
export type ModelChoices = Pick<ImportOptions, 'category' | 'maxTextureSize' | 'maxTriangles'>;

/** The choices that are set, and only those (an unset one means the default, not "none"). */
export function modelChoices(c: ModelChoices): ModelChoices {
  return { ...(c.category ? { category: c.category } : {}), ...(c.maxTextureSize ? { maxTextureSize: c.maxTextureSize } : {}), ...(c.maxTriangles ? { maxTriangles: c.maxTriangles } : {}) };
}

export interface Imported {
  ok: true;
  entry: AssetEntry;
  /** folder written under the library root */
  dir: string;
  warnings: string[];
}
export interface ImportFailure {
  ok: false;
  problem: AssetProblem;
}
export type ImportResult = Imported | ImportFailure;

const GENERIC_SIZE: [number, number] = [0.02, 0.8];
const RAW_SIZE_MAX = 1e5;
const RAW_SIZE_MIN = 1e-6;

function upRotation(up: string): Mat3 | null {
  switch (up) {
    case '+z': return null;
    case '+y': return [1, 0, 0, 0, 0, -1, 0, 1, 0]; // y → z, z → -y
    case '-y': return [1, 0, 0, 0, 0, 1, 0, -1, 0];
    case '-z': return [1, 0, 0, 0, -1, 0, 0, 0, -1];
    case '+x': return [0, 0, -1, 0, 1, 0, 1, 0, 0];
    case '-x': return [0, 0, 1, 0, 1, 0, -1, 0, 0];
    default: return null;
  }
}

/**
 * Geometry checks on the source: what `validate` reports and import refuses. Returns the mesh its triangles use
 * (vertices no triangle references dropped): every check, and everything import measures after, sees only that.
 */
export function checkRawMesh<T extends Pick<RawModel, 'positions' | 'indices' | 'normals' | 'uvs'>>(model: T): T {
  if (model.positions.length === 0 || model.indices.length < 3) fail('empty-mesh', 'no triangles');
  const raw = referencedOnly(model);
  if (!raw) fail('unreadable', 'a triangle names a vertex the model does not have');
  if (!allFinite(raw.positions)) fail('non-finite-vertex', 'a vertex coordinate is NaN or infinite');
  const size = aabbSize(aabbOfPoints(raw.positions));
  const largest = Math.max(...size);
  if (largest > RAW_SIZE_MAX || largest < RAW_SIZE_MIN) fail('absurd-size', `largest extent ${largest.toExponential(2)} units`);
  const st = triangleStats(raw, (largest * 1e-7) ** 2);
  if (st.degenerate === st.triangles) fail('degenerate-mesh', `all ${st.triangles} triangles have zero area`);
  const sorted = [...size].sort((a, b) => a - b);
  if (sorted[0] < largest * 1e-5) fail('degenerate-mesh', `flat: extents ${size.map((s) => s.toPrecision(3)).join(' x ')}`);
  return raw;
}

/** Guess of metres per unit for formats without units: millimetres and centimetres are what scans and CAD use. */
export function guessUnit(largest: number): number {
  if (largest > 50) return 0.001;
  if (largest > 3) return 0.01;
  return 1;
}

/**
 * The palette colour most of the object's surface shows: the texture sampled at every triangle's centre (its uv),
 * weighted by area. Unused parts of a texture atlas (often black) do not count.
 */
async function dominantSurfaceColor(bytes: Uint8Array, mesh: MeshData): Promise<string> {
  let img: { data: Buffer; info: { width: number; height: number } };
  try {
    img = await sharp(bytes).removeAlpha().resize(256, 256, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
  } catch {
    fail('unreadable', 'texture image cannot be decoded');
  }
  const { width: w, height: h } = img.info;
  const votes = new Map<string, number>();
  const P = mesh.positions, U = mesh.uvs, I = mesh.indices;
  for (let t = 0; t < I.length; t += 3) {
    const a = I[t], b = I[t + 1], c = I[t + 2];
    const ux = P[b * 3] - P[a * 3], uy = P[b * 3 + 1] - P[a * 3 + 1], uz = P[b * 3 + 2] - P[a * 3 + 2];
    const vx = P[c * 3] - P[a * 3], vy = P[c * 3 + 1] - P[a * 3 + 1], vz = P[c * 3 + 2] - P[a * 3 + 2];
    const area = Math.hypot(uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx);
    const u = (U[a * 2] + U[b * 2] + U[c * 2]) / 3, v = (U[a * 2 + 1] + U[b * 2 + 1] + U[c * 2 + 1]) / 3;
    const fu = u - Math.floor(u), fv = v - Math.floor(v);
    // uvs follow glTF: (0, 0) is the image's top-left
    const px = Math.min(w - 1, Math.floor(fu * w)), py = Math.min(h - 1, Math.floor(fv * h));
    const o = (py * w + px) * 3;
    const n = nearestColorName([img.data[o] / 255, img.data[o + 1] / 255, img.data[o + 2] / 255]);
    votes.set(n, (votes.get(n) ?? 0) + area);
  }
  const sorted = [...votes.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
  return sorted[0]?.[0] ?? 'gray';
}

/**
 * The base band of a model (rest.ts flattenBase): how far above its lowest point a vertex still counts as touching the
 * table. 3 % of the largest extent, 0.5..3 mm: a scan's noise and rims are about a millimetre; on a 7 cm orange 3 mm
 * is a footprint 2.9 cm across, so it stays where it was put. Measured on the 41 YCB scans dropped from 2 cm (tests/
 * assets-physics.test.ts): 1.5 % and 2 mm left the spray bottle falling over and a peach rolling away.
 */
export function baseBand(size: readonly number[]): number {
  const largest = Math.max(...size);
  return Math.min(0.003, Math.max(0.0005, 0.03 * largest));
}

function slug(words: string[]): string {
  return words.join('-').replace(/[^a-z0-9-]/g, '').slice(0, 48) || 'model';
}

/** The content hash of an imported entry: its metadata (not its id or split: names, not content) + geometry digest. */
export function importedHash(entry: AssetEntry, digest: string): string {
  const { split: _s, hash: _h, id: _i, ...meta } = entry;
  return sha256(canonicalJson(meta) + digest);
}

/**
 * The texture as stored: as it came when it fits `max` × `max`, else downscaled to fit (opaque colour images as JPEG,
 * q90; data images, `lossless`, as PNG: JPEG blocks in a normal map are bumps).
 */
async function fitTexture(t: RawImage, max: number, warnings: string[], lossless = false): Promise<RawImage> {
  let meta: Metadata;
  try {
    meta = await sharp(t.bytes).metadata();
  } catch {
    fail('unreadable', 'texture image cannot be decoded');
  }
  if ((meta.width ?? 0) <= max && (meta.height ?? 0) <= max) return t;
  const img = sharp(t.bytes).resize({ width: max, height: max, fit: 'inside' });
  warnings.push(`texture ${meta.width}x${meta.height} downscaled to fit ${max}x${max}`);
  // a photographic texture is a tenth the size as JPEG; one with transparency stays PNG
  if (meta.hasAlpha || lossless) return { ...t, bytes: new Uint8Array(await img.png().toBuffer()), ext: 'png', mime: 'image/png' };
  return { ...t, bytes: new Uint8Array(await img.jpeg({ quality: 90 }).toBuffer()), ext: 'jpg', mime: 'image/jpeg' };
}

/** The mesh simplified to about `maxTriangles` (uv seams and borders kept), its unused vertices dropped. */
async function simplified(mesh: MeshData, maxTriangles: number, warnings: string[]): Promise<MeshData> {
  const triangles = mesh.indices.length / 3;
  if (triangles <= maxTriangles) return mesh;
  await MeshoptSimplifier.ready;
  // uvs weigh in, so a texture stays where it was painted; 1 % of the mesh's size is the most a surface may move
  const [indices] = MeshoptSimplifier.simplifyWithAttributes(mesh.indices, mesh.positions, 3, mesh.uvs, 2, [0.5, 0.5], null, maxTriangles * 3, 0.01);
  const out = referencedOnly({ ...mesh, indices }) as MeshData;
  warnings.push(`mesh simplified from ${triangles} to ${indices.length / 3} triangles`);
  return out;
}

/** Does the work; throws AssetError. */
async function importOne(path: string, opts: ImportOptions): Promise<Imported> {
  const raw = checkRawMesh(await readModel(path));
  const maxTexture = opts.maxTextureSize ?? DEFAULT_MAX_TEXTURE_SIZE;
  if (raw.texture) raw.texture = await fitTexture(raw.texture, maxTexture, raw.warnings);
  const surface = raw.surface;
  if (surface?.metallicRoughness) surface.metallicRoughness = await fitTexture(surface.metallicRoughness, maxTexture, raw.warnings, true);
  if (surface?.normal) surface.normal = await fitTexture(surface.normal, maxTexture, raw.warnings, true);
  const side: Sidecar = readSidecar(path, opts.importRoot);
  const words = side.name ? side.name.toLowerCase().split(/\s+/) : nameWords(path);
  const category = opts.category ?? side.category ?? categoryFromWords(words);
  if (!category) fail('bad-metadata', `cannot tell the category from "${basename(path)}": give --category or a sidecar ${basename(path).replace(/\.[^.]+$/, '')}.json`);
  const fam = family(category);
  const roles: Role[] = side.roles ?? fam?.roles ?? [];
  const container = roles.includes('container');
  const warnings = [...raw.warnings];

  // normalise: up axis, units, category size
  let mesh: MeshData = {
    positions: raw.positions.slice(),
    indices: raw.indices,
    normals: raw.normals ?? computeNormals(raw),
    uvs: raw.uvs ?? new Float32Array((raw.positions.length / 3) * 2),
  };
  if (opts.maxTriangles) mesh = await simplified(mesh, opts.maxTriangles, warnings);
  const up = side.up ?? raw.up;
  const r = upRotation(up);
  if (r) {
    transformInPlace(mesh.positions, r);
    transformInPlace(mesh.normals, r);
  }
  let largest = Math.max(...aabbSize(aabbOfPoints(mesh.positions)));
  const unit = side.unit ?? raw.unit ?? guessUnit(largest);
  largest *= unit;
  const [lo, hi] = fam?.sizeRange ?? GENERIC_SIZE;
  const target = side.size ?? Math.min(hi, Math.max(lo, largest));
  const toCategory = target / largest;
  const s = unit * toCategory;
  for (let i = 0; i < mesh.positions.length; i++) mesh.positions[i] *= s;
  if (toCategory < 0.999 || toCategory > 1.001) warnings.push(`scaled ×${toCategory.toPrecision(3)} into the ${category} size range ${lo}..${hi} m`);

  // colliders; objects other than containers stand as modelled when they can (rest.ts standsOnBase), else are turned
  // onto their stable resting face
  let collider: Exclude<Collider, { kind: 'primitive' }>;
  let cavity: ReturnType<typeof cavityOf> = null;
  if (container) {
    const d = voxelDecompose(mesh.positions, mesh.indices);
    collider = { kind: 'compound', parts: d.parts };
    cavity = cavityOf(d.grid);
    if (!cavity) warnings.push('no cavity found above the middle of the floor: things may not stay inside');
  } else {
    const h = hullOf(decimateCloud(mesh.positions));
    const band = baseBand(aabbSize(aabbOfPoints(mesh.positions)));
    const rest = standsOnBase(h.vertices, h.centroid, band) ? { rotation: null } : restingFace(h.vertices, h.centroid);
    if (rest.rotation) {
      transformInPlace(mesh.positions, rest.rotation);
      transformInPlace(mesh.normals, rest.rotation);
    }
    collider = { kind: 'hull', parts: [quadFaces(extremePoints(flattenBase(hullOf(decimateCloud(mesh.positions)).vertices, band)))] };
  }
  const box = aabbOfPoints(mesh.positions);
  const c: Vec3 = [0, 1, 2].map((k) => -(box.min[k] + box.max[k]) / 2) as Vec3;
  transformInPlace(mesh.positions, null, c);
  for (const p of collider.parts) transformInPlace(p, null, c);
  const size = aabbSize(aabbOfPoints(mesh.positions)).map((x) => Math.round(x * 1e5) / 1e5) as Vec3;

  // mass: a closed mesh's own volume when it is plausible, else a share of the collider's
  const mc = materialClass(fam?.materialClass ?? 'plastic');
  const density = side.density ?? fam?.density ?? mc.density;
  const cv = colliderMassProperties(collider).volume;
  const mv = Math.abs(signedVolume(mesh));
  const volume = mv > 0 && mv <= cv * 1.05 && mv > cv * 0.02 ? mv : cv * (container ? 0.25 : 0.8);
  const mass = Math.round((side.mass ?? raw.mass ?? volume * density) * 1e4) / 1e4;

  // colour: sidecar, else the texture's dominant colour (MTL Kd is mostly an exporter default then), else the base
  if (side.color && !COLORS[side.color]) fail('bad-metadata', `colour "${side.color}" is not a palette name (${Object.keys(COLORS).join(', ')})`);
  const colorName = side.color ?? (raw.texture && raw.uvs ? await dominantSurfaceColor(raw.texture.bytes, mesh) : nearestColorName(raw.baseColor));

  // files: a folder named by content, so two models never share one
  const digest = sha256(
    canonicalJson({ category, size, mass, colorName }) +
      Buffer.from(mesh.positions.buffer, mesh.positions.byteOffset, mesh.positions.byteLength).toString('base64') +
      // the collider is content too: the same mesh with another collider behaves otherwise in every episode
      collider.parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('base64')).join('|') +
      (raw.texture ? sha256(raw.texture.bytes) : '') +
      (surface ? canonicalJson({ ...surface, metallicRoughness: surface.metallicRoughness && sha256(surface.metallicRoughness.bytes), normal: surface.normal && sha256(surface.normal.bytes) }) : ''),
  );
  const name = words.join(' ');
  const dirRel = `imported/${slug(words)}-${digest.slice(0, 10)}`;
  const dirAbs = join(opts.libraryRoot, dirRel);
  mkdirSync(dirAbs, { recursive: true });
  const textures: string[] = [];
  let textureUri: string | undefined;
  if (raw.texture) {
    textureUri = `texture.${raw.texture.ext}`;
    writeFileSync(join(dirAbs, textureUri), raw.texture.bytes);
    textures.push(`${dirRel}/${textureUri}`);
  }
  // glTF's other images keep their own names; the renderer reads them as data, not colour
  const stored = (img: RawImage | null | undefined, stem: string) => {
    if (!img) return undefined;
    const uri = `${stem}.${img.ext}`;
    writeFileSync(join(dirAbs, uri), img.bytes);
    textures.push(`${dirRel}/${uri}`);
    return { uri, mime: img.mime };
  };
  const metallicRoughness = stored(surface?.metallicRoughness, 'metallic_roughness');
  const normal = stored(surface?.normal, 'normal');
  writeFileSync(join(dirAbs, 'model.glb'), await encodeGlb(mesh, collider, {
    baseColor: raw.texture ? [1, 1, 1] : raw.baseColor, textureUri, textureMime: raw.texture?.mime,
    ...(surface ? { surface: { roughness: surface.roughness, metalness: surface.metalness, normalScale: surface.normalScale, metallicRoughness, normal } } : {}),
  }));
  const lic = licenceFile(path);
  if (lic) copyFileSync(lic, join(dirAbs, basename(lic)));

  const graspWidth = container ? 0.02 : Math.round(Math.min(size[0], size[1]) * 1e4) / 1e4;
  const synonyms = [...new Set([...(side.synonyms ?? []), ...(name !== category ? [name] : []), ...(fam?.synonyms ?? [])])].filter((x) => x !== category);
  while (synonyms.length < 2) synonyms.push(synonyms.length === 0 ? 'object' : 'item');
  const place = container && cavity
    ? { center: [cavity.center[0] + c[0], cavity.center[1] + c[1], cavity.center[2] + c[2]].map((x) => Math.round(x * 1e5) / 1e5) as Vec3, halfExtents: cavity.halfExtents.map((x) => Math.round(x * 1e5) / 1e5) as [number, number], depth: Math.round(cavity.depth * 1e5) / 1e5 }
    : roles.includes('support')
      ? { center: [0, 0, Math.round((size[2] / 2) * 1e5) / 1e5] as Vec3, halfExtents: [Math.round(size[0] * 0.35 * 1e5) / 1e5, Math.round(size[1] * 0.35 * 1e5) / 1e5] as [number, number], depth: 0 }
      : undefined;
  const entry: AssetEntry = {
    id: `imp-${slug(words)}`,
    category,
    synonyms,
    colorName,
    colorChoices: [colorName],
    size,
    mass,
    friction: mc.friction,
    restitution: mc.restitution,
    graspable: container ? true : graspWidth <= 0.08 && mass <= 1.5,
    graspWidth,
    roles,
    upAxis: '+z',
    material: {
      class: fam?.materialClass ?? 'plastic',
      // with glTF's images the file's own factors: the images vary them over the surface
      roughness: surface ? [surface.roughness, surface.roughness] : mc.roughness,
      metalness: surface ? [surface.metalness, surface.metalness] : mc.metalness,
      ...(textureUri ? { texture: `${dirRel}/${textureUri}` } : {}),
      ...(metallicRoughness ? { metallicRoughnessTexture: `${dirRel}/${metallicRoughness.uri}` } : {}),
      ...(normal ? { normalTexture: `${dirRel}/${normal.uri}`, normalScale: surface!.normalScale } : {}),
    },
    collider: { kind: collider.kind, parts: collider.parts.length },
    ...(place ? { placeRegion: place } : {}),
    split: 'train',
    source: {
      kind: 'imported',
      file: `${dirRel}/model.glb`,
      textures,
      original: basename(path),
      format: raw.format,
      unitScale: unit,
      sourceUpAxis: up,
      scaleToCategory: Math.round(toCategory * 1e6) / 1e6,
      thumbnail: `${dirRel}/thumb.png`,
    },
    licence: side.licence ?? (lic ? `see ${basename(lic)} (copied with the asset)` : 'unknown (no licence file next to the model)'),
    hash: '0'.repeat(64),
  };
  entry.hash = importedHash(entry, digest);
  return { ok: true, entry, dir: dirRel, warnings };
}

/** Imports one model; never throws for a bad model (the failure is the result). */
export async function importModel(path: string, opts: ImportOptions): Promise<ImportResult> {
  try {
    return await importOne(path, opts);
  } catch (e) {
    if (e instanceof AssetError) return { ok: false, problem: { asset: path, reason: e.reason, detail: e.message } };
    return { ok: false, problem: { asset: path, reason: 'unreadable', detail: (e as Error).message.split('\n')[0] } };
  }
}
