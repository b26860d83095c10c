// The surroundings a scene can be drawn in: the built-in environment maps (assets/environments/, CC0 Poly Haven
// HDRIs) and the table surfaces, which split each belongs to (seen in training or held out, like the asset
// library's test share), and where a map's file is. A scene names its map; the renderer reads it.
import { existsSync } from 'node:fs';
import type { Vec3 } from '../core/math.js';
import type { TextureKind } from './materials/textures.js';
import { shippedFolder } from './core/paths.js';
import { join } from 'node:path';

export type EnvironmentSplit = 'train' | 'test';

/** name → split. One map of seven held out, so an evaluation build can light and surround scenes with an unseen room. */
export const ENVIRONMENT_MAPS: Readonly<Record<string, EnvironmentSplit>> = {
  apartment: 'train',
  hall: 'train',
  lab: 'train',
  lobby: 'train',
  studio: 'train',
  workshop: 'train',
  warehouse: 'test',
};

/** The maps of a split, in name order (a seeded draw picks from this list). */
export function environmentMaps(split: EnvironmentSplit): string[] {
  return Object.keys(ENVIRONMENT_MAPS).filter((m) => ENVIRONMENT_MAPS[m] === split).sort();
}

/** The file of a built-in map (`<name>.hdr`, or `<name>.exr`); throws a one-line error for a name that is not one. */
export function environmentFile(name: string): string {
  if (!(name in ENVIRONMENT_MAPS)) throw new Error(`unknown environment map "${name}" (built in: ${Object.keys(ENVIRONMENT_MAPS).join(', ')})`);
  const dir = shippedFolder('environments/');
  const hdr = join(dir, `${name}.hdr`), exr = join(dir, `${name}.exr`);
  return existsSync(hdr) || !existsSync(exr) ? hdr : exr;
}

/** A table top: a procedural pattern (assets/materials/textures.ts) in a colour, and how glossy it may be. */
export interface TableSurface {
  /** what it is, in words (recorded per episode) */
  name: string;
  pattern: TextureKind;
  /** sRGB 0..1 */
  rgb: Vec3;
  roughness: [number, number];
  metalness: number;
  /** how strongly its pattern stands out as relief (normals, assets/materials/relief.ts): grooves, weave, brushing */
  relief: number;
  split: EnvironmentSplit;
}

/** Ten table tops, two held out: a laboratory's, a kitchen's, an office's, a workshop's. */
export const TABLE_SURFACES: readonly TableSurface[] = [
  { name: 'light oak', pattern: 'planks', rgb: [0.76, 0.6, 0.42], roughness: [0.45, 0.7], metalness: 0, relief: 1.5, split: 'train' },
  { name: 'walnut', pattern: 'planks', rgb: [0.42, 0.28, 0.18], roughness: [0.4, 0.65], metalness: 0, relief: 1.5, split: 'train' },
  { name: 'white marble', pattern: 'marble', rgb: [0.88, 0.87, 0.85], roughness: [0.15, 0.35], metalness: 0, relief: 0.3, split: 'train' },
  { name: 'gray granite', pattern: 'stone', rgb: [0.52, 0.52, 0.5], roughness: [0.3, 0.55], metalness: 0, relief: 0.8, split: 'train' },
  { name: 'white laminate', pattern: 'laminate', rgb: [0.86, 0.86, 0.84], roughness: [0.35, 0.6], metalness: 0, relief: 0.2, split: 'train' },
  { name: 'gray felt', pattern: 'fabric', rgb: [0.45, 0.46, 0.48], roughness: [0.85, 1], metalness: 0, relief: 1.2, split: 'train' },
  { name: 'brushed steel', pattern: 'brushed-metal', rgb: [0.7, 0.71, 0.72], roughness: [0.3, 0.5], metalness: 0.8, relief: 0.6, split: 'train' },
  { name: 'black plastic', pattern: 'laminate', rgb: [0.12, 0.12, 0.13], roughness: [0.3, 0.55], metalness: 0, relief: 0.2, split: 'train' },
  { name: 'beech plywood', pattern: 'planks', rgb: [0.82, 0.68, 0.5], roughness: [0.5, 0.75], metalness: 0, relief: 1.2, split: 'test' },
  { name: 'blue fabric', pattern: 'fabric', rgb: [0.2, 0.3, 0.5], roughness: [0.85, 1], metalness: 0, relief: 1.2, split: 'test' },
];

/** The table surfaces of a split, in catalogue order. */
export function tableSurfaces(split: EnvironmentSplit): TableSurface[] {
  return TABLE_SURFACES.filter((t) => t.split === split);
}
