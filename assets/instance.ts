// An asset made concrete for one scene: a colour drawn from its material space, roughness/metalness drawn from its
// material class, and the Shape a SceneObject takes (the exact primitive where the render mesh is one, otherwise
// the mesh with its convex collider parts).
import type { Vec3 } from '../core/math.js';
import type { Rng } from '../core/random.js';
import type { Material, Shape } from '../core/scene.js';
import { type AssetEntry, type Role, assetRef } from './core/asset.js';
import { type Collider, colliderMassProperties } from './colliders/collider.js';
import type { MeshData } from './geometry/mesh.js';
import { colorRgb } from './materials/palette.js';
import type { TextureKind } from './materials/textures.js';

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
  /** procedural texture to tint with the colour (see materials/textures.ts), or an imported texture file */
  texture?: { kind: TextureKind; seed: number } | { file: string };
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

export function instantiate(entry: AssetEntry, geom: AssetGeometry, choice: InstanceChoice | Rng = {}): AssetInstance {
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
  const texture = entry.material.texture
    ? entry.source.kind === 'imported'
      ? { file: entry.material.texture }
      : { kind: entry.material.texture as TextureKind, seed: parseInt(entry.hash.slice(0, 8), 16) }
    : undefined;
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
