// Convex decomposition for imported concave meshes (a scanned mug, a basket): the surface is voxelised, the
// filled cells are merged greedily into boxes, and the boxes are clipped to the mesh's bounding box. Boxes are
// convex, have four-vertex faces (see contact-faces.ts) and keep a container's hollow hollow; the price is a
// staircase of about one cell, so the resolution is chosen per mesh (finest that stays under `maxParts`).
import type { Vec3 } from '../../core/math.js';
import { type Aabb, aabbOfPoints } from '../geometry/mesh.js';

export interface VoxelGrid {
  origin: Vec3;
  cell: number;
  dims: [number, number, number];
  filled: Uint8Array;
}

function at(g: VoxelGrid, x: number, y: number, z: number): number {
  return x + g.dims[0] * (y + g.dims[1] * z);
}

/** Marks every cell a triangle passes through (sampled at half-cell spacing). */
export function voxelizeSurface(positions: Float32Array, indices: Uint32Array, cell: number): VoxelGrid {
  const box = aabbOfPoints(positions);
  const dims = [0, 1, 2].map((k) => Math.max(1, Math.ceil((box.max[k] - box.min[k]) / cell - 1e-9))) as [number, number, number];
  const g: VoxelGrid = { origin: box.min, cell, dims, filled: new Uint8Array(dims[0] * dims[1] * dims[2]) };
  const mark = (p: Vec3) => {
    const x = Math.min(dims[0] - 1, Math.max(0, Math.floor((p[0] - box.min[0]) / cell)));
    const y = Math.min(dims[1] - 1, Math.max(0, Math.floor((p[1] - box.min[1]) / cell)));
    const z = Math.min(dims[2] - 1, Math.max(0, Math.floor((p[2] - box.min[2]) / cell)));
    g.filled[at(g, x, y, z)] = 1;
  };
  const P = positions;
  for (let t = 0; t < indices.length; t += 3) {
    const a = indices[t] * 3, b = indices[t + 1] * 3, c = indices[t + 2] * 3;
    const A: Vec3 = [P[a], P[a + 1], P[a + 2]], B: Vec3 = [P[b], P[b + 1], P[b + 2]], C: Vec3 = [P[c], P[c + 1], P[c + 2]];
    const longest = Math.max(Math.hypot(A[0] - B[0], A[1] - B[1], A[2] - B[2]), Math.hypot(B[0] - C[0], B[1] - C[1], B[2] - C[2]), Math.hypot(C[0] - A[0], C[1] - A[1], C[2] - A[2]));
    const n = Math.max(1, Math.ceil(longest / (cell * 0.5)));
    for (let i = 0; i <= n; i++) for (let j = 0; i + j <= n; j++) {
      const u = i / n, v = j / n, w = 1 - u - v;
      mark([A[0] * w + B[0] * u + C[0] * v, A[1] * w + B[1] * u + C[1] * v, A[2] * w + B[2] * u + C[2] * v]);
    }
  }
  return g;
}

/** Greedy merge of filled cells into boxes (x runs, then y, then z), in grid coordinates [x0,y0,z0,x1,y1,z1). */
export function greedyBoxes(g: VoxelGrid): [number, number, number, number, number, number][] {
  const [nx, ny, nz] = g.dims;
  const used = new Uint8Array(g.filled.length);
  const free = (x: number, y: number, z: number) => g.filled[at(g, x, y, z)] === 1 && used[at(g, x, y, z)] === 0;
  const out: [number, number, number, number, number, number][] = [];
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
    if (!free(x, y, z)) continue;
    let x1 = x + 1;
    while (x1 < nx && free(x1, y, z)) x1++;
    let y1 = y + 1;
    const rowFree = (yy: number, zz: number) => {
      for (let xx = x; xx < x1; xx++) if (!free(xx, yy, zz)) return false;
      return true;
    };
    while (y1 < ny && rowFree(y1, z)) y1++;
    let z1 = z + 1;
    const sliceFree = (zz: number) => {
      for (let yy = y; yy < y1; yy++) if (!rowFree(yy, zz)) return false;
      return true;
    };
    while (z1 < nz && sliceFree(z1)) z1++;
    for (let zz = z; zz < z1; zz++) for (let yy = y; yy < y1; yy++) for (let xx = x; xx < x1; xx++) used[at(g, xx, yy, zz)] = 1;
    out.push([x, y, z, x1, y1, z1]);
  }
  return out;
}

export interface VoxelDecomposition {
  parts: Float32Array[];
  grid: VoxelGrid;
}

/** Box parts of a concave mesh, at the finest resolution (cells along the largest side) under `maxParts`. */
export function voxelDecompose(positions: Float32Array, indices: Uint32Array, opts: { resolutions?: number[]; maxParts?: number } = {}): VoxelDecomposition {
  const box: Aabb = aabbOfPoints(positions);
  const largest = Math.max(...[0, 1, 2].map((k) => box.max[k] - box.min[k]));
  let last: VoxelDecomposition | null = null;
  for (const res of opts.resolutions ?? [28, 22, 16, 12]) {
    const grid = voxelizeSurface(positions, indices, largest / res);
    const boxes = greedyBoxes(grid);
    const parts = boxes.map(([x0, y0, z0, x1, y1, z1]) => {
      const lo = [x0, y0, z0].map((v, k) => Math.max(box.min[k], grid.origin[k] + v * grid.cell));
      const hi = [x1, y1, z1].map((v, k) => Math.min(box.max[k], grid.origin[k] + v * grid.cell));
      // a box flattened by the clip would be degenerate: keep a sliver of thickness
      for (let k = 0; k < 3; k++) if (hi[k] - lo[k] < 1e-4) hi[k] = lo[k] + 1e-4;
      const p: number[] = [];
      for (const x of [lo[0], hi[0]]) for (const y of [lo[1], hi[1]]) for (const z of [lo[2], hi[2]]) p.push(x, y, z);
      return Float32Array.from(p);
    });
    last = { parts, grid };
    if (parts.length <= (opts.maxParts ?? 96)) return last;
  }
  return last!;
}

/** Empty cells of slice z that no path of empty cells connects to the slice's border: the inside of walls. */
function enclosed(g: VoxelGrid, z: number): number[] {
  const [nx, ny] = g.dims;
  const outside = new Uint8Array(nx * ny);
  const stack: number[] = [];
  const push = (x: number, y: number) => {
    if (x < 0 || y < 0 || x >= nx || y >= ny) return;
    const i = x + nx * y;
    if (outside[i] || g.filled[at(g, x, y, z)]) return;
    outside[i] = 1;
    stack.push(i);
  };
  for (let x = 0; x < nx; x++) { push(x, 0); push(x, ny - 1); }
  for (let y = 0; y < ny; y++) { push(0, y); push(nx - 1, y); }
  while (stack.length) {
    const i = stack.pop()!;
    const x = i % nx, y = Math.floor(i / nx);
    push(x + 1, y); push(x - 1, y); push(x, y + 1); push(x, y - 1);
  }
  const inside: number[] = [];
  for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) if (!outside[x + nx * y] && !g.filled[at(g, x, y, z)]) inside.push(x + nx * y);
  return inside;
}

/**
 * The cavity of a voxelised container: in horizontal slices, the empty cells enclosed by walls. The floor is the
 * lowest slice whose enclosed area is at least half the largest; the opening is the largest square of enclosed
 * cells around their centroid there.
 */
export function cavityOf(g: VoxelGrid): { center: Vec3; halfExtents: [number, number]; depth: number } | null {
  const [nx, , nz] = g.dims;
  const slices = Array.from({ length: nz }, (_, z) => enclosed(g, z));
  const most = Math.max(...slices.map((s) => s.length));
  if (most < 4) return null;
  const z = slices.findIndex((s) => s.length >= most / 2);
  const cells = new Set(slices[z]);
  let sx = 0, sy = 0;
  for (const i of cells) { sx += i % nx; sy += Math.floor(i / nx); }
  const cx = Math.round(sx / cells.size), cy = Math.round(sy / cells.size);
  const has = (x: number, y: number) => cells.has(x + nx * y);
  if (!has(cx, cy)) return null;
  let h = 0;
  const ring = (r: number) => {
    for (let d = -r; d <= r; d++) if (!has(cx + d, cy - r) || !has(cx + d, cy + r) || !has(cx - r, cy + d) || !has(cx + r, cy + d)) return false;
    return true;
  };
  while (ring(h + 1)) h++;
  const c = g.cell;
  // the enclosed square (h + ½ cells around the centre cell), less half a cell of staircase
  const half = Math.max(c * 0.5, (h + 0.5) * c - c * 0.5);
  return {
    center: [g.origin[0] + (cx + 0.5) * c, g.origin[1] + (cy + 0.5) * c, g.origin[2] + z * c],
    halfExtents: [half, half],
    depth: (nz - z) * c,
  };
}

/** Thins a point cloud to one point per cell of a grid (`cells` along the largest side): hulls of scans get faster. */
export function decimateCloud(points: Float32Array, cells = 40): Float32Array {
  const box = aabbOfPoints(points);
  const size = Math.max(...[0, 1, 2].map((k) => box.max[k] - box.min[k])) / cells || 1;
  const seen = new Map<string, number[]>();
  // keep, per cell, the point farthest from the box centre: the hull is made of extreme points
  const c = [0, 1, 2].map((k) => (box.min[k] + box.max[k]) / 2);
  for (let i = 0; i < points.length; i += 3) {
    const key = `${Math.floor((points[i] - box.min[0]) / size)},${Math.floor((points[i + 1] - box.min[1]) / size)},${Math.floor((points[i + 2] - box.min[2]) / size)}`;
    const d = (points[i] - c[0]) ** 2 + (points[i + 1] - c[1]) ** 2 + (points[i + 2] - c[2]) ** 2;
    const cur = seen.get(key);
    if (!cur || d > cur[3]) seen.set(key, [points[i], points[i + 1], points[i + 2], d]);
  }
  // the bounding box's extreme points must survive, or the hull shrinks
  for (let k = 0; k < 3; k++) for (const ext of [box.min[k], box.max[k]]) {
    for (let i = 0; i < points.length; i += 3) if (points[i + k] === ext) {
      seen.set(`ext${k}${ext}`, [points[i], points[i + 1], points[i + 2], 0]);
      break;
    }
  }
  const out: number[] = [];
  for (const p of seen.values()) out.push(p[0], p[1], p[2]);
  return Float32Array.from(out);
}
