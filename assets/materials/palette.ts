// Colours a sentence can use, and the material classes (roughness / metalness ranges, friction, restitution,
// density) that families draw from. Names follow the scene sampler's palette ("gray", not "grey") so the same word
// means the same colour everywhere; light/dark variants are kept apart in lightness so "the dark blue mug" is
// unambiguous next to "the blue mug".
import type { Vec3 } from '../../core/math.js';

export const COLORS: Readonly<Record<string, Vec3>> = {
  red: [0.8, 0.1, 0.1],
  'dark red': [0.45, 0.05, 0.07],
  orange: [0.95, 0.48, 0.08],
  yellow: [0.95, 0.82, 0.12],
  'light yellow': [0.98, 0.93, 0.55],
  green: [0.15, 0.62, 0.2],
  'light green': [0.55, 0.85, 0.35],
  'dark green': [0.06, 0.3, 0.1],
  blue: [0.12, 0.28, 0.85],
  'light blue': [0.5, 0.72, 0.95],
  'dark blue': [0.05, 0.1, 0.4],
  purple: [0.5, 0.2, 0.7],
  'dark purple': [0.25, 0.08, 0.3],
  pink: [0.95, 0.5, 0.7],
  cyan: [0.1, 0.75, 0.8],
  white: [0.93, 0.93, 0.91],
  black: [0.08, 0.08, 0.08],
  gray: [0.5, 0.5, 0.5],
  'light gray': [0.75, 0.75, 0.74],
  'dark gray': [0.25, 0.25, 0.26],
  brown: [0.45, 0.28, 0.12],
  'light brown': [0.72, 0.53, 0.32],
  'dark brown': [0.25, 0.15, 0.07],
  beige: [0.85, 0.8, 0.66],
  silver: [0.78, 0.79, 0.8],
  gold: [0.83, 0.66, 0.22],
};

export function colorRgb(name: string): Vec3 {
  const c = COLORS[name];
  if (!c) throw new Error(`unknown colour name "${name}"`);
  return [c[0], c[1], c[2]];
}

/** The palette name nearest to an sRGB colour (for imported models: the MTL/glTF base colour or texture mean). */
export function nearestColorName(rgb: Vec3): string {
  let best = 'gray';
  let bd = Infinity;
  for (const [name, c] of Object.entries(COLORS)) {
    if (name === 'silver' || name === 'gold') continue; // metallic names only where the family says metal
    const d = (c[0] - rgb[0]) ** 2 + (c[1] - rgb[1]) ** 2 + (c[2] - rgb[2]) ** 2;
    if (d < bd) {
      bd = d;
      best = name;
    }
  }
  return best;
}

export interface MaterialClass {
  roughness: [number, number];
  metalness: [number, number];
  friction: number;
  restitution: number;
  /** kg/m³ of the solid material (shells) or the effective density of the whole object (closed boxes, fruit) */
  density: number;
}

export const MATERIAL_CLASSES: Readonly<Record<string, MaterialClass>> = {
  ceramic: { roughness: [0.15, 0.4], metalness: [0, 0], friction: 0.6, restitution: 0.1, density: 2300 },
  glass: { roughness: [0.05, 0.15], metalness: [0, 0], friction: 0.5, restitution: 0.1, density: 2500 },
  plastic: { roughness: [0.3, 0.6], metalness: [0, 0], friction: 0.5, restitution: 0.3, density: 1000 },
  metal: { roughness: [0.2, 0.45], metalness: [0.85, 1], friction: 0.4, restitution: 0.1, density: 7800 },
  tin: { roughness: [0.25, 0.5], metalness: [0.3, 0.6], friction: 0.45, restitution: 0.1, density: 900 },
  wood: { roughness: [0.55, 0.8], metalness: [0, 0], friction: 0.6, restitution: 0.1, density: 650 },
  fruit: { roughness: [0.35, 0.65], metalness: [0, 0], friction: 0.7, restitution: 0.2, density: 900 },
  vegetable: { roughness: [0.4, 0.7], metalness: [0, 0], friction: 0.7, restitution: 0.15, density: 700 },
  cardboard: { roughness: [0.8, 0.95], metalness: [0, 0], friction: 0.6, restitution: 0.05, density: 80 },
  paper: { roughness: [0.7, 0.9], metalness: [0, 0], friction: 0.6, restitution: 0.05, density: 650 },
  rubber: { roughness: [0.6, 0.9], metalness: [0, 0], friction: 0.9, restitution: 0.6, density: 400 },
  foam: { roughness: [0.85, 1], metalness: [0, 0], friction: 1.0, restitution: 0.05, density: 40 },
  wicker: { roughness: [0.7, 0.9], metalness: [0, 0], friction: 0.7, restitution: 0.05, density: 500 },
};

export function materialClass(name: string): MaterialClass {
  const m = MATERIAL_CLASSES[name];
  if (!m) throw new Error(`unknown material class "${name}"`);
  return m;
}
