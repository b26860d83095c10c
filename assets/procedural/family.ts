// A procedural family: one category of table-top object, generated from (variant index, seeded rng) by a pure
// function. The family carries the category's metadata (synonyms, roles, materials, real size); `build` returns the
// render mesh in a roughly resting pose, the collider, and the parameters it drew.
import type { Rng } from '../../core/random.js';
import type { Role } from '../core/asset.js';
import type { Collider } from '../colliders/collider.js';
import type { MeshData } from '../geometry/mesh.js';
import type { TextureKind } from '../materials/textures.js';

export type Params = Record<string, number | string | boolean>;

export interface Built {
  /** render mesh, object frame, z up, any origin (the generator recentres it) */
  mesh: MeshData;
  collider: Collider;
  params: Params;
  /** the render mesh is exactly the primitive collider: scenes get the primitive shape itself */
  exactPrimitive?: boolean;
  /** gripper opening the grasp needs (default: the smaller horizontal extent) */
  graspWidth?: number;
  graspable?: boolean;
  /** containers and supports: the surface things are put in or on (see AssetEntry.placeRegion), modelled frame */
  placeRegion?: { center: [number, number, number]; halfExtents: [number, number]; depth: number };
}

export interface CategoryInfo {
  category: string;
  /** ≥ 2 other nouns for it */
  synonyms: string[];
  roles: Role[];
  materialClass: string;
  /** palette names the material space may take; variant v defaults to colors[v % colors.length] */
  colors: string[];
  texture?: TextureKind;
  /** the category's real size: range of the largest dimension, metres (imports are scaled into it) */
  sizeRange: [number, number];
  /** density override, kg/m³ (default: the material class's) */
  density?: number;
  /** lies on its side (fruit, vegetables, markers): the collider gets a flat patch to rest on (see flattenBase) */
  lying?: boolean;
}

export interface Family extends CategoryInfo {
  variants: number;
  build(variant: number, rng: Rng): Built;
}

/** Variant v of a family with several styles: style = v mod styles, so every style appears within the first few. */
export function styleOf(variant: number, styles: number): number {
  return variant % styles;
}

export function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
