// A small software rasteriser for thumbnails when no GPU renderer can start (no Vulkan driver, CI): z-buffered
// triangles, Lambert + ambient shading, per-vertex colours, square image, the same 3/4 view the GPU thumbnails use.
// Not the product's renderer; it only has to show what an asset is and what colour it has.
import type { Vec3 } from '../../core/math.js';

export interface RasterMesh {
  positions: Float32Array;
  indices: Uint32Array;
  /** rgb per vertex, sRGB 0..1 */
  colors: Float32Array;
}

/** Renders `mesh` (object frame, z up) to an RGBA image of size×size, background `bg` (sRGB 0..1). */
export function rasterize(mesh: RasterMesh, size: number, bg: Vec3 = [0.93, 0.93, 0.93]): Uint8Array {
  const P = mesh.positions;
  let r = 0;
  for (let i = 0; i < P.length; i += 3) r = Math.max(r, Math.hypot(P[i], P[i + 1], P[i + 2]));
  // camera looking from (1, -1.1, 0.9) towards the origin, orthographic, fitted to the bounding sphere
  const f: Vec3 = [-1, 1.1, -0.9];
  const fl = Math.hypot(...f);
  const fw: Vec3 = [f[0] / fl, f[1] / fl, f[2] / fl];
  let right: Vec3 = [fw[1] * 1 - fw[2] * 0, fw[2] * 0 - fw[0] * 1, 0];
  const rl = Math.hypot(...right);
  right = [right[0] / rl, right[1] / rl, right[2] / rl];
  // image down = forward × right
  const down: Vec3 = [fw[1] * right[2] - fw[2] * right[1], fw[2] * right[0] - fw[0] * right[2], fw[0] * right[1] - fw[1] * right[0]];
  const scale = (size * 0.45) / (r || 1);
  const n = P.length / 3;
  const sx = new Float32Array(n), sy = new Float32Array(n), sz = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = P[i * 3], y = P[i * 3 + 1], z = P[i * 3 + 2];
    sx[i] = size / 2 + (x * right[0] + y * right[1] + z * right[2]) * scale;
    sy[i] = size / 2 + (x * down[0] + y * down[1] + z * down[2]) * scale;
    sz[i] = x * fw[0] + y * fw[1] + z * fw[2];
  }
  const img = new Uint8Array(size * size * 4);
  const depth = new Float32Array(size * size).fill(Infinity);
  for (let i = 0; i < size * size; i++) {
    img[i * 4] = Math.round(bg[0] * 255);
    img[i * 4 + 1] = Math.round(bg[1] * 255);
    img[i * 4 + 2] = Math.round(bg[2] * 255);
    img[i * 4 + 3] = 255;
  }
  const light: Vec3 = [0.45, -0.35, 0.82];
  const ll = Math.hypot(...light);
  const I = mesh.indices;
  for (let t = 0; t < I.length; t += 3) {
    const a = I[t], b = I[t + 1], c = I[t + 2];
    // face normal for flat shading (two-sided: thin shells show their inside)
    const ux = P[b * 3] - P[a * 3], uy = P[b * 3 + 1] - P[a * 3 + 1], uz = P[b * 3 + 2] - P[a * 3 + 2];
    const vx = P[c * 3] - P[a * 3], vy = P[c * 3 + 1] - P[a * 3 + 1], vz = P[c * 3 + 2] - P[a * 3 + 2];
    let nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    const nl = Math.hypot(nx, ny, nz);
    if (nl === 0) continue;
    nx /= nl; ny /= nl; nz /= nl;
    if (nx * fw[0] + ny * fw[1] + nz * fw[2] > 0) { nx = -nx; ny = -ny; nz = -nz; }
    const shade = 0.35 + 0.65 * Math.max(0, (nx * light[0] + ny * light[1] + nz * light[2]) / ll);
    const col = [0, 1, 2].map((k) => (mesh.colors[a * 3 + k] + mesh.colors[b * 3 + k] + mesh.colors[c * 3 + k]) / 3);
    const x0 = Math.max(0, Math.floor(Math.min(sx[a], sx[b], sx[c]))), x1 = Math.min(size - 1, Math.ceil(Math.max(sx[a], sx[b], sx[c])));
    const y0 = Math.max(0, Math.floor(Math.min(sy[a], sy[b], sy[c]))), y1 = Math.min(size - 1, Math.ceil(Math.max(sy[a], sy[b], sy[c])));
    const d = (sx[b] - sx[a]) * (sy[c] - sy[a]) - (sx[c] - sx[a]) * (sy[b] - sy[a]);
    if (Math.abs(d) < 1e-12) continue;
    for (let py = y0; py <= y1; py++) for (let px = x0; px <= x1; px++) {
      const qx = px + 0.5, qy = py + 0.5;
      const w1 = ((sx[c] - sx[a]) * (qy - sy[a]) - (qx - sx[a]) * (sy[c] - sy[a])) / -d;
      const w2 = ((qx - sx[a]) * (sy[b] - sy[a]) - (sx[b] - sx[a]) * (qy - sy[a])) / -d;
      const w0 = 1 - w1 - w2;
      if (w0 < 0 || w1 < 0 || w2 < 0) continue;
      const z = w0 * sz[a] + w1 * sz[b] + w2 * sz[c];
      const o = py * size + px;
      if (z >= depth[o]) continue;
      depth[o] = z;
      for (let k = 0; k < 3; k++) img[o * 4 + k] = Math.max(0, Math.min(255, Math.round(col[k] * shade * 255)));
    }
  }
  return img;
}
