// A surface's relief read from its own pattern: brightness as height (a plank's dark gap is a groove, a lighter grain
// stands out a little), turned into a tangent-space normal map in glTF's convention (+x along u, +y up the image,
// i.e. against v; +z out of the surface), RGB = normal × 0.5 + 0.5. The renderer scales its tilt by the surface's
// `relief` (assets/environments.ts), so one image serves any strength.
import type { Texture } from './textures.js';

/** height difference, in texels, of black next to white: a plank gap's wall then leans 45° before scaling */
const AMPLITUDE = 4;

export function reliefNormals(img: Texture): Texture {
  const { width: w, height: h, rgba } = img;
  const height = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) height[i] = (0.2126 * rgba[i * 4] + 0.7152 * rgba[i * 4 + 1] + 0.0722 * rgba[i * 4 + 2]) / 255;
  const out = new Uint8Array(w * h * 4);
  // patterns tile: differences wrap around the edges
  const at = (x: number, y: number) => height[((y + h) % h) * w + ((x + w) % w)];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const du = (at(x + 1, y) - at(x - 1, y)) / 2;
      const dup = (at(x, y - 1) - at(x, y + 1)) / 2; // up the image is row − 1
      const nx = -AMPLITUDE * du, ny = -AMPLITUDE * dup;
      const len = Math.hypot(nx, ny, 1);
      const o = (y * w + x) * 4;
      out[o] = Math.round((nx / len / 2 + 0.5) * 255);
      out[o + 1] = Math.round((ny / len / 2 + 0.5) * 255);
      out[o + 2] = Math.round((1 / len / 2 + 0.5) * 255);
      out[o + 3] = 255;
    }
  }
  return { width: w, height: h, rgba: out };
}
