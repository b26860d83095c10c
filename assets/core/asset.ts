// The asset library's record of one asset (an entry of the versioned index) and its zod schema. An entry is
// metadata only: procedural geometry is regenerated from (family, variant) on demand, imported geometry lives in a
// normalised GLB under the library root. Everything a scene sampler or a sentence needs is here.
import { z } from 'zod';
import { shown } from '../../core/errors.js';

export const INDEX_VERSION = 1;

/** Roles an asset can play in a task: "put X in Y" needs a container, "put X on Y" a support. */
export const ROLES = ['container', 'support'] as const;
export type Role = (typeof ROLES)[number];

export const SPLITS = ['train', 'test'] as const;
export type Split = (typeof SPLITS)[number];

const vec3 = z.tuple([z.number(), z.number(), z.number()]);

export const ProceduralSourceSchema = z.object({
  kind: z.literal('procedural'),
  family: z.string(),
  variant: z.number().int().nonnegative(),
  /** the shape parameters drawn for this variant, recorded so an entry says what it is without running code */
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
});

export const ImportedSourceSchema = z.object({
  kind: z.literal('imported'),
  /** the normalised model, relative to the library root (never absolute, never through `..`) */
  file: z.string(),
  /** texture files copied next to it, relative to the library root */
  textures: z.array(z.string()),
  /** thumbnail PNG, relative to the library root */
  thumbnail: z.string().optional(),
  /** where it came from: file name as given to `import` and its format */
  original: z.string(),
  format: z.enum(['obj', 'gltf', 'glb', 'urdf']),
  /** what normalisation did: unit scale applied to reach metres, source up axis, final scale to the category size */
  unitScale: z.number(),
  sourceUpAxis: z.enum(['+y', '+z', '-y', '-z', '+x', '-x']),
  scaleToCategory: z.number(),
});

export const AssetSourceSchema = z.discriminatedUnion('kind', [ProceduralSourceSchema, ImportedSourceSchema]);

export const ColliderKindSchema = z.enum(['primitive', 'hull', 'compound']);

export const AssetEntrySchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, 'ids are lower-case [a-z0-9_.-]'),
  category: z.string().min(1),
  /** other nouns a sentence may use for it, the category excluded */
  synonyms: z.array(z.string().min(1)).min(2),
  /** the colour the asset shows by default (thumbnail, instantiate without a choice) */
  colorName: z.string(),
  /** the colours instantiate may choose from: the material space */
  colorChoices: z.array(z.string()).min(1),
  /** object-frame axis-aligned box, full extents, metres; the object's origin is the box centre */
  size: vec3,
  mass: z.number().positive(),
  friction: z.number().nonnegative(),
  restitution: z.number().min(0).max(1),
  graspable: z.boolean(),
  /** gripper opening the grasp needs, metres (across the narrowest graspable part) */
  graspWidth: z.number().nonnegative(),
  roles: z.array(z.enum(ROLES)),
  /** the object frame's up axis when the object rests on its base; always +z after normalisation */
  upAxis: z.literal('+z'),
  material: z.object({
    class: z.string(),
    roughness: z.tuple([z.number(), z.number()]),
    metalness: z.tuple([z.number(), z.number()]),
    texture: z.string().optional(),
    /** an imported glTF's metallic-roughness image (roughness in G, metalness in B, multiplying the drawn values) */
    metallicRoughnessTexture: z.string().optional(),
    /** an imported glTF's tangent-space normal map, and its strength (glTF normalTexture.scale) */
    normalTexture: z.string().optional(),
    normalScale: z.number().optional(),
  }),
  collider: z.object({ kind: ColliderKindSchema, parts: z.number().int().nonnegative() }),
  /**
   * Where things go "in" (a container's cavity floor) or "on" (a support's top), object frame: the centre of that
   * surface, the half extents of a box that fits on it, and how deep the cavity is (0 for a support's top).
   */
  placeRegion: z.object({ center: vec3, halfExtents: z.tuple([z.number(), z.number()]), depth: z.number().nonnegative() }).optional(),
  split: z.enum(SPLITS),
  source: AssetSourceSchema,
  licence: z.string(),
  /** sha256 of the asset's content (geometry, collider, metadata); episodes record `id@hash` */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});

export type AssetEntry = z.infer<typeof AssetEntrySchema>;
export type AssetSource = z.infer<typeof AssetSourceSchema>;
export type ColliderKind = z.infer<typeof ColliderKindSchema>;

export const AssetIndexSchema = z.object({
  format: z.literal('spatialgen-asset-index'),
  version: z.literal(INDEX_VERSION),
  /** share of each category held out as the test split */
  testShare: z.number().min(0).max(1),
  assets: z.array(AssetEntrySchema),
});
export type AssetIndex = z.infer<typeof AssetIndexSchema>;

/** Why an asset is invalid. One reason per error line; builds count skipped assets by these. */
export const INVALID_REASONS = [
  'empty-mesh',
  'degenerate-mesh',
  'non-finite-vertex',
  'absurd-size',
  'missing-texture',
  'missing-file',
  'outside-root',
  'unknown-format',
  'unreadable',
  'bad-metadata',
] as const;
export type InvalidReason = (typeof INVALID_REASONS)[number];

export interface AssetProblem {
  /** asset id, or the model path when there is no id yet */
  asset: string;
  reason: InvalidReason;
  detail: string;
}

/** The one-line form every command prints. */
export function formatProblem(p: AssetProblem): string {
  return `${shown(p.asset)}: ${p.reason}: ${p.detail.replace(/\s*[\r\n]+\s*/g, ' ')}`;
}

/** `id@hash12`: what an episode records for an asset it uses. */
export function assetRef(e: Pick<AssetEntry, 'id' | 'hash'>): string {
  return `${e.id}@${e.hash.slice(0, 12)}`;
}
