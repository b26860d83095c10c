// An asset made concrete for one scene: a colour drawn from its material space, roughness/metalness drawn from its
// material class, and the Shape a SceneObject takes (the exact primitive where the render mesh is one, otherwise
// the mesh with its convex collider parts).
import type { Vec3 } from '../core/math.js';
import type { Rng } from '../core/random.js';
import type { Material, Shape, TextureRef } from '../core/scene.js';
import { type AssetEntry, type Role, assetRef } from './core/asset.js';
import { type Collider, colliderMassProperties } from './colliders/collider.js';
import type { MeshData } from './geometry/mesh.js';
import { colorRgb } from './materials/palette.js';
import { resolveInside } from './core/paths.js';
import { TEXTURE_KINDS, type TextureKind } from './materials/textures.js';

/** The geometry behind an entry (regenerated for procedural assets, read from the GLB for imported ones). */
export interface AssetGeometry {
  mesh: MeshData;
  collider: Collider;
  /** the render mesh is exactly the primitive collider */
  exactPrimitive: boolean;
}

export interface AssetInstance {
  assetId: string;
  /** `id@hash12`: what an episode records */
  assetRef: string;
  hash: string;
  category: string;
  synonyms: string[];
  /** text a sentence can use: "red mug" */
  name: string;
  colorName: string;
  /** fills SceneObject.shape: a primitive, or 'mesh' with `convexParts` as the collider */
  shape: Shape;
  material: Material;
  mass: number;
  friction: number;
  restitution: number;
  /** collider parts (convex clouds), null where the collider is the primitive `shape` itself */
  colliderParts: Float32Array[] | null;
  /** mass of each collider part, proportional to its volume (uniform density); null for primitives */
  colliderPartMasses: number[] | null;
  size: Vec3;
  graspable: boolean;
  graspWidth: number;
  roles: Role[];
  placeRegion?: AssetEntry['placeRegion'];
  /** per-vertex sRGB (mesh shapes): the chosen colour, or a part's fixed accent (stem, cap, tyre) */
  vertexColors?: Float32Array;
  uvs?: Float32Array;
  /** the surface image: a procedural pattern drawn in the colour (materials/textures.ts), or an imported texture file */
  texture?: TextureRef;
}

export interface InstanceChoice {
  /** a colour from the entry's colorChoices; default: drawn by `rng`, or the entry's own colour without one */
  colorName?: string;
  rng?: Rng;
}

function boxCorners(size: Vec3): Float32Array {
  const p: number[] = [];
  for (const x of [-0.5, 0.5]) for (const y of [-0.5, 0.5]) for (const z of [-0.5, 0.5]) p.push(x * size[0], y * size[1], z * size[2]);
  return Float32Array.from(p);
}

/**
 * An entry made concrete: colour and material drawn by `choice`, Shape, mass, collider parts. An imported texture is
 * a file of the library at `libraryRoot`: the instance names it by its absolute path.
 */
export function instantiate(entry: AssetEntry, geom: AssetGeometry, choice: InstanceChoice | Rng = {}, libraryRoot = ''): AssetInstance {
  const c: InstanceChoice = 'next' in choice ? { rng: choice as Rng } : choice;
  const colorName = c.colorName ?? (c.rng ? c.rng.pick(entry.colorChoices) : entry.colorName);
  if (!entry.colorChoices.includes(colorName)) {
    throw new Error(`${entry.id}: colour "${colorName}" is not one of its choices (${entry.colorChoices.join(', ')})`);
  }
  const rgb = colorRgb(colorName);
  const mid = (r: [number, number]) => (r[0] + r[1]) / 2;
  const material: Material = {
    colorName,
    rgb,
    roughness: c.rng ? c.rng.uniform(...entry.material.roughness) : mid(entry.material.roughness),
    metalness: c.rng ? c.rng.uniform(...entry.material.metalness) : mid(entry.material.metalness),
  };
  const { mesh, collider } = geom;
  let shape: Shape;
  let colliderParts: Float32Array[] | null = null;
  let colliderPartMasses: number[] | null = null;
  if (collider.kind === 'primitive' && geom.exactPrimitive) {
    shape = collider.shape;
  } else {
    if (collider.kind === 'primitive') {
      // a detailed render mesh around an exact box (books, rounded cubes): the box as the one convex part
      if (collider.shape.kind !== 'box') throw new Error(`${entry.id}: only box primitives may carry a detailed mesh`);
      colliderParts = [boxCorners(collider.shape.size)];
    } else colliderParts = collider.parts;
    const { partVolumes, volume } = colliderMassProperties(collider.kind === 'primitive' ? { kind: 'hull', parts: colliderParts } : collider);
    colliderPartMasses = partVolumes.map((v) => (entry.mass * v) / (volume || 1));
    shape = { kind: 'mesh', positions: mesh.positions, indices: mesh.indices, normals: mesh.normals, convexParts: colliderParts };
  }
  let vertexColors: Float32Array | undefined;
  if (shape.kind === 'mesh') {
    vertexColors = new Float32Array(mesh.positions.length);
    for (let i = 0; i < vertexColors.length; i++) {
      const a = mesh.accents?.[i];
      vertexColors[i] = a === undefined || Number.isNaN(a) ? rgb[i % 3] : a;
    }
  }
  // an imported asset's images are files of the library: named by absolute path
  const libraryFile = (path: string) => {
    const file = resolveInside(libraryRoot || '.', path);
    if (!file) throw new Error(`${entry.id}: texture path "${path}" leaves the library root`);
    return libraryRoot ? file : path;
  };
  const { metallicRoughnessTexture: mr, normalTexture: nt, normalScale } = entry.material;
  if (mr || nt) {
    material.maps = { ...(mr ? { metallicRoughness: libraryFile(mr) } : {}), ...(nt ? { normal: libraryFile(nt), normalScale: normalScale ?? 1 } : {}) };
  }
  let texture: TextureRef | undefined;
  if (entry.material.texture) {
    if (entry.source.kind === 'imported') texture = { file: libraryFile(entry.material.texture) };
    else if ((TEXTURE_KINDS as readonly string[]).includes(entry.material.texture)) {
      texture = { pattern: entry.material.texture as TextureKind, seed: parseInt(entry.hash.slice(0, 8), 16), rgb };
    } else throw new Error(`${entry.id}: unknown texture pattern "${entry.material.texture}"`);
  }
  return {
    assetId: entry.id,
    assetRef: assetRef(entry),
    hash: entry.hash,
    category: entry.category,
    synonyms: entry.synonyms,
    name: `${colorName} ${entry.category}`,
    colorName,
    shape,
    material,
    mass: entry.mass,
    friction: entry.friction,
    restitution: entry.restitution,
    colliderParts,
    colliderPartMasses,
    size: entry.size,
    graspable: entry.graspable,
    graspWidth: entry.graspWidth,
    roles: entry.roles,
    ...(entry.placeRegion ? { placeRegion: entry.placeRegion } : {}),
    ...(vertexColors ? { vertexColors } : {}),
    ...(shape.kind === 'mesh' ? { uvs: mesh.uvs } : {}),
    ...(texture ? { texture } : {}),
  };
}

/**
 * What a renderer draws for an instance: its Shape and its Material, texture included. One definition for scenes
 * (generators/scene/objects.ts) and thumbnails. On a textured mesh the image carries the colour; accent parts (a stem,
 * a cap, a handle: triangles whose vertices all have a colour of their own) keep their vertex colours and show no
 * image: they go last in the index list, after `texturedTriangles`.
 */
export function instanceAppearance(a: AssetInstance): { shape: Shape; material: Material } {
  const material: Material = a.texture ? { ...a.material, texture: a.texture } : a.material;
  if (a.shape.kind !== 'mesh') return { shape: a.shape, material };
  if (!a.texture) return { shape: a.vertexColors ? { ...a.shape, colors: a.vertexColors } : a.shape, material };
  const withUvs = { ...a.shape, ...(a.uvs ? { uvs: a.uvs } : {}) };
  if (!a.vertexColors) return { shape: withUvs, material };
  // vertex colours are float32: the base colour as stored there
  const base = a.material.rgb.map(Math.fround);
  const vc = a.vertexColors;
  const accent = (i: number) => vc[i * 3] !== base[0] || vc[i * 3 + 1] !== base[1] || vc[i * 3 + 2] !== base[2];
  const idx = a.shape.indices;
  const textured: number[] = [];
  const plain: number[] = [];
  for (let t = 0; t < idx.length; t += 3) (accent(idx[t]) && accent(idx[t + 1]) && accent(idx[t + 2]) ? plain : textured).push(idx[t], idx[t + 1], idx[t + 2]);
  if (plain.length === 0) return { shape: withUvs, material };
  const colors = new Float32Array(vc.length).fill(1);
  for (let i = 0; i < vc.length / 3; i++) if (accent(i)) colors.set(vc.subarray(i * 3, i * 3 + 3), i * 3);
  return { shape: { ...withUvs, indices: Uint32Array.from([...textured, ...plain]), colors, texturedTriangles: textured.length / 3 }, material };
}
