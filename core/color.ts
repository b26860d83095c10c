// Colour arithmetic: the sRGB transfer function both ways (IEC 61966-2-1), and the colour of light by its
// temperature — a black body's colour at `kelvin`, from Tanner Helland's fit of the CIE 1964 10° colour-matching data
// (sRGB, good to a few percent from 1000 K to 40 000 K), made linear and scaled to unit luminance, so that a light's
// intensity means the same brightness whatever its colour.
import type { Vec3 } from './math.js';

/** An sRGB-encoded channel (0..1) as linear light. */
export function srgbToLinear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** A linear channel (0..1) sRGB-encoded. */
export function linearToSrgb(c: number): number {
  return c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055;
}

/** Linear RGB of black-body light at `kelvin`, with luminance (Rec. 709 weights) 1. */
export function kelvinToLinearRgb(kelvin: number): Vec3 {
  const t = kelvin / 100;
  const clamp = (x: number) => Math.min(255, Math.max(0, x)) / 255;
  const r = t <= 66 ? 1 : clamp(329.698727446 * (t - 60) ** -0.1332047592);
  const g = t <= 66 ? clamp(99.4708025861 * Math.log(t) - 161.1195681661) : clamp(288.1221695283 * (t - 60) ** -0.0755148492);
  const b = t >= 66 ? 1 : t <= 19 ? 0 : clamp(138.5177312231 * Math.log(t - 10) - 305.0447927307);
  const lin: Vec3 = [srgbToLinear(r), srgbToLinear(g), srgbToLinear(b)];
  const y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  return [lin[0] / y, lin[1] / y, lin[2] / y];
}
