// What the physics engine collides with. Exact primitives where the shape is one (box, sphere, cylinder…), otherwise
// convex point clouds: one hull for convex-ish shapes, several for concave ones (a container's walls and bottom as
// separate parts, so that things can be placed *inside* it). The parts go into Shape 'mesh'.convexParts.
import type { Vec3 } from '../../core/math.js';
import type { Shape } from '../../core/scene.js';
import type { ColliderKind } from '../core/asset.js';
import { hullOf } from './hull.js';

export type PrimitiveShape = Exclude<Shape, { kind: 'mesh' }>;

export type Collider =
  | { kind: 'primitive'; shape: PrimitiveShape }
  | { kind: 'hull' | 'compound'; parts: Float32Array[] };

export function colliderKind(c: Collider): ColliderKind {
  return c.kind;
}

/** Volume in m³ (parts may overlap a little at joints; the overlap is small by construction). */
export function primitiveVolume(s: PrimitiveShape): number {
  switch (s.kind) {
    case 'box':
      return s.size[0] * s.size[1] * s.size[2];
    case 'sphere':
      return (4 / 3) * Math.PI * s.radius ** 3;
    case 'cylinder':
      return Math.PI * s.radius ** 2 * s.height;
    case 'capsule':
      return Math.PI * s.radius ** 2 * s.height + (4 / 3) * Math.PI * s.radius ** 3;
    case 'cone':
      return (Math.PI * s.radius ** 2 * s.height) / 3;
  }
}

/** Volume and centre of mass of a uniform-density collider; per-part volumes for distributing mass over parts. */
export function colliderMassProperties(c: Collider): { volume: number; centroid: Vec3; partVolumes: number[] } {
  if (c.kind === 'primitive') {
    const v = primitiveVolume(c.shape);
    // a cone's centroid is a quarter of the way up from its base; everything else is centred
    const centroid: Vec3 = c.shape.kind === 'cone' ? [0, 0, -c.shape.height / 4] : [0, 0, 0];
    return { volume: v, centroid, partVolumes: [v] };
  }
  let volume = 0;
  const centroid: Vec3 = [0, 0, 0];
  const partVolumes: number[] = [];
  for (const p of c.parts) {
    const h = hullOf(p);
    partVolumes.push(h.volume);
    volume += h.volume;
    for (let k = 0; k < 3; k++) centroid[k] += h.centroid[k] * h.volume;
  }
  if (volume > 0) for (let k = 0; k < 3; k++) centroid[k] /= volume;
  return { volume, centroid, partVolumes };
}
