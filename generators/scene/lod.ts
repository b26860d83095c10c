// Levels of detail of a triangle mesh: the same surface with fewer triangles, for when it is seen small. lavapipe
// shades every vertex of a mesh on one thread whatever its size on screen: a 1 500-triangle scan 40 pixels wide cost
// as much vertex work as one filling the frame, and the 15 000-triangle Panda more than the rest of the scene. A level
// strays from the full surface by at most its `error`; `levelFor` draws the coarsest whose error, seen from the
// camera, stays within LOD_PIXELS. One rule for everyone who needs triangles: the renderer draws the level it picks
// and the annotator counts that level's silhouette, so occlusion stays exact.
//
//   const level = levelFor(shape, worldPosition, camera);   // 0: the full mesh
//   const tris = meshLevels(shape)[level].indices;
import { MeshoptSimplifier } from 'meshoptimizer';
import { type CameraModel, toCamera } from '../../core/camera.js';
import type { Vec3 } from '../../core/math.js';
import type { Shape } from '../../core/scene.js';

await MeshoptSimplifier.ready;

/** the most a level may stray from the full surface, in pixels of the camera that sees it */
export const LOD_PIXELS = 0.5;
/** meshes with fewer triangles than this are always drawn whole: a level would save little */
const MIN_TRIANGLES = 256;
/** no level below this many triangles */
const FLOOR_TRIANGLES = 64;

export type MeshShape = Extract<Shape, { kind: 'mesh' }>;

export interface MeshLevel {
  /** triangles, into the full mesh's vertices */
  indices: Uint32Array;
  /** how far this level's surface may stray from the full mesh's, metres (meshoptimizer's estimate) */
  error: number;
}

interface Levels {
  positions: Float32Array;
  levels: MeshLevel[];
  /** largest distance of a vertex from the object's origin, metres */
  radius: number;
}

// keyed by the index array: a library asset's mesh is loaded once and shared by every instance and episode
const cache = new WeakMap<Uint32Array, Levels>();

/**
 * `indices` down to about `target` indices, and the error (relative to the mesh's extent). Texture coordinates weigh
 * in, so a texture stays where it was painted; where uv seams block every collapse (a scan whose texture atlas cut it
 * into a thousand charts), collapses across seams are allowed, their uv error still counted.
 */
function simplified(shape: MeshShape, indices: Uint32Array, target: number): [Uint32Array, number] {
  if (!shape.uvs) return MeshoptSimplifier.simplify(indices, shape.positions, 3, target, 1);
  const r = MeshoptSimplifier.simplifyWithAttributes(indices, shape.positions, 3, shape.uvs, 2, [0.5, 0.5], null, target, 1);
  if (r[0].length <= 1.25 * target) return r;
  return MeshoptSimplifier.simplifyWithAttributes(indices, shape.positions, 3, shape.uvs, 2, [0.5, 0.5], null, target, 1, ['Permissive']);
}

function levelsOf(shape: MeshShape): Levels {
  const full: MeshLevel = { indices: shape.indices, error: 0 };
  const levels = [full];
  const p = shape.positions;
  let radius = 0;
  for (let i = 0; i < p.length; i += 3) radius = Math.max(radius, Math.hypot(p[i], p[i + 1], p[i + 2]));
  const triangles = shape.indices.length / 3;
  if (triangles < MIN_TRIANGLES) return { positions: p, levels, radius };
  const scale = MeshoptSimplifier.getScale(p, 3);
  // a textured mesh's accent parts (a stem, a lid) follow its textured triangles: each part simplified on its own,
  // so that no triangle joins the two
  const split = shape.texturedTriangles ?? triangles;
  const parts = [shape.indices.subarray(0, split * 3), shape.indices.subarray(split * 3)].filter((part) => part.length > 0);
  for (let prev = full; ;) {
    const want = Math.floor(prev.indices.length / 3 / 2);
    if (want < FLOOR_TRIANGLES) break;
    const results = parts.map((part) => simplified(shape, part, Math.max(3, Math.floor((part.length / shape.indices.length) * want) * 3)));
    const indices = new Uint32Array(results.reduce((n, [r]) => n + r.length, 0));
    let at = 0;
    for (const [r] of results) {
      indices.set(r, at);
      at += r.length;
    }
    // a level that barely shrank is where simplification stops (locked seams, a thin part)
    if (indices.length > 0.8 * prev.indices.length) break;
    const level: MeshLevel = { indices, error: Math.max(prev.error, ...results.map(([, e]) => e * scale)) };
    levels.push(level);
    prev = level;
  }
  return { positions: p, levels, radius };
}

/** The levels of a mesh, finest (the mesh itself) first; worked out once per mesh and process. */
export function meshLevels(shape: MeshShape): MeshLevel[] {
  return known(shape).levels;
}

function known(shape: MeshShape): Levels {
  let l = cache.get(shape.indices);
  if (!l || l.positions !== shape.positions) cache.set(shape.indices, (l = levelsOf(shape)));
  return l;
}

/**
 * The level to draw `shape` with when its origin stands at `position` (world) before `camera`: the coarsest whose
 * error, at the depth of the mesh's nearest possible point, is at most LOD_PIXELS. 0 (the full mesh) for anything
 * that is not a mesh, has no levels, or reaches the camera plane.
 */
export function levelFor(shape: Shape, position: Vec3, camera: CameraModel): number {
  if (shape.kind !== 'mesh') return 0;
  const { levels, radius } = known(shape);
  if (levels.length === 1) return 0;
  const nearest = toCamera(camera, position)[2] - radius;
  if (nearest <= 1e-3) return 0;
  const pixelsPerMetre = camera.K[4] / nearest;
  for (let i = levels.length - 1; i > 0; i--) if (levels[i].error * pixelsPerMetre <= LOD_PIXELS) return i;
  return 0;
}

/** The mesh of one level: the shape with that level's triangles (the same vertices). */
export function levelShape(shape: MeshShape, level: number): MeshShape {
  if (level === 0) return shape;
  const { texturedTriangles: _, ...rest } = shape;
  return { ...rest, indices: meshLevels(shape)[level].indices };
}
