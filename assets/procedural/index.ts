// Every procedural family, in a fixed order (the index lists assets in this order).
import type { Family } from './family.js';
import { BLOCK_FAMILIES } from './blocks.js';
import { PRODUCE_FAMILIES } from './produce.js';
import { TOY_FAMILIES } from './toys.js';
import { UTENSIL_FAMILIES } from './utensils.js';
import { VESSEL_FAMILIES } from './vessels.js';

export const FAMILIES: readonly Family[] = [...VESSEL_FAMILIES, ...PRODUCE_FAMILIES, ...UTENSIL_FAMILIES, ...BLOCK_FAMILIES, ...TOY_FAMILIES];

export function family(category: string): Family | undefined {
  return FAMILIES.find((f) => f.category === category);
}

export type { Family, CategoryInfo, Built } from './family.js';
