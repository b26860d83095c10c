// Colours a sentence can use. Kept apart in hue and lightness so that "the red one" is unambiguous in the image.
// Tables have their own, which no object uses.
import type { Vec3 } from '../../core/math.js';
import { colorRgb } from '../../assets/materials/palette.js';

export interface NamedColor {
  name: string;
  /** sRGB 0..1 */
  rgb: Vec3;
}

/** Primitive objects take the asset library's colours, so "red" is one colour everywhere. */
export const OBJECT_COLORS: readonly NamedColor[] = ['red', 'green', 'blue', 'yellow', 'orange', 'purple', 'pink', 'cyan', 'white', 'black', 'brown', 'gray'].map(
  (name) => ({ name, rgb: colorRgb(name) }),
);

export const TABLE_COLORS: readonly NamedColor[] = [
  { name: 'light wood', rgb: [0.76, 0.6, 0.42] },
  { name: 'dark wood', rgb: [0.45, 0.32, 0.2] },
  { name: 'beige', rgb: [0.85, 0.8, 0.7] },
  { name: 'light gray', rgb: [0.7, 0.7, 0.68] },
];
