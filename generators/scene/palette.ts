// Colours a sentence can use. Kept apart in hue and lightness so that "the red one" is unambiguous in the image.
import type { Vec3 } from '../math.js';

export interface NamedColor {
  name: string;
  /** sRGB 0..1 */
  rgb: Vec3;
}

export const OBJECT_COLORS: readonly NamedColor[] = [
  { name: 'red', rgb: [0.8, 0.1, 0.1] },
  { name: 'green', rgb: [0.15, 0.62, 0.2] },
  { name: 'blue', rgb: [0.12, 0.28, 0.85] },
  { name: 'yellow', rgb: [0.95, 0.82, 0.12] },
  { name: 'orange', rgb: [0.95, 0.48, 0.08] },
  { name: 'purple', rgb: [0.5, 0.2, 0.7] },
  { name: 'pink', rgb: [0.95, 0.5, 0.7] },
  { name: 'cyan', rgb: [0.1, 0.75, 0.8] },
  { name: 'white', rgb: [0.93, 0.93, 0.91] },
  { name: 'black', rgb: [0.08, 0.08, 0.08] },
  { name: 'brown', rgb: [0.45, 0.28, 0.12] },
  { name: 'gray', rgb: [0.5, 0.5, 0.5] },
];

export const TABLE_COLORS: readonly NamedColor[] = [
  { name: 'light wood', rgb: [0.76, 0.6, 0.42] },
  { name: 'dark wood', rgb: [0.45, 0.32, 0.2] },
  { name: 'beige', rgb: [0.85, 0.8, 0.7] },
  { name: 'light gray', rgb: [0.7, 0.7, 0.68] },
];
