// Scene shapes → three.js geometries. Boxes, spheres, cylinders and cones are one shared unit geometry each,
// sized by the mesh's scale: scenes sample sizes continuously, and a geometry per size would be a new GPU
// buffer for nearly every object. Capsules (their caps must stay round) and meshes get their own geometry,
// cached by parameters / by the positions array, and evicted with the cache's generations.
import { BoxGeometry, BufferAttribute, BufferGeometry, CapsuleGeometry, ConeGeometry, CylinderGeometry, SphereGeometry } from 'three/webgpu';
import type { Shape } from '../../core/scene.js';
import type { Vec3 } from '../../core/math.js';
import { GenerationalCache } from './cache.js';
import { srgbToLinear } from '../../core/color.js';
import { type MeshLevel, type MeshShape, meshLevels } from '../scene/lod.js';

/** Tessellation: fine enough that a 1 cm sphere's silhouette and depth are right to well under a pixel / 0.1 mm. */
const RADIAL_SEGMENTS = 32;
const SPHERE_RINGS = 16;
const CAP_SEGMENTS = 8;

/** vertex attribute: how much of the texture a vertex shows (0 on a textured mesh's accent parts, else 1) */
export const TEXTURE_WEIGHT = 'textureWeight';

export interface ShapeGeometry {
  geometry: BufferGeometry;
  /** the mesh's scale that turns the (possibly unit) geometry into the shape */
  scale: Vec3;
}

/**
 * The unit box, with tangents: a table top's relief (a normal map) is turned into the surface by them instead of by
 * tangents three derives per pixel from screen-space derivatives, ~0.5 ms of a 256² frame on lavapipe. Shaders that
 * use no normal map do not read them.
 */
function unitBox(): BufferGeometry {
  const g = new BoxGeometry(1, 1, 1);
  g.computeTangents();
  return g;
}

/** three's round solids stand along +y; scene shapes stand along +z (world up). Rotating +y onto +z. */
function standUp(g: BufferGeometry): BufferGeometry {
  g.rotateX(Math.PI / 2);
  return g;
}

export class GeometryCache {
  private readonly cache = new GenerationalCache<unknown, BufferGeometry>();

  nextGeneration(): void {
    this.cache.nextGeneration();
  }

  get size(): number {
    return this.cache.size;
  }

  dispose(): void {
    this.cache.clear();
  }

  /** Level `level` of a mesh's levels of detail (lod.ts; 0: the mesh itself), made with it and disposed with it. */
  forLevel(shape: MeshShape, level: number): BufferGeometry {
    const full = this.forShape(shape).geometry;
    if (level === 0) return full;
    let levels = full.userData.levels as BufferGeometry[] | undefined;
    if (!levels) {
      const made: BufferGeometry[] = (full.userData.levels = []);
      full.addEventListener('dispose', () => made.forEach((g) => g.dispose()));
      levels = made;
    }
    return (levels[level] ??= levelGeometry(full, meshLevels(shape)[level]));
  }

  forShape(shape: Shape): ShapeGeometry {
    switch (shape.kind) {
      case 'box':
        return { geometry: this.cache.get('unit-box', unitBox, true), scale: [...shape.size] };
      case 'sphere': {
        const r = shape.radius;
        return { geometry: this.cache.get('unit-sphere', () => new SphereGeometry(1, RADIAL_SEGMENTS, SPHERE_RINGS), true), scale: [r, r, r] };
      }
      case 'cylinder': {
        const g = this.cache.get('unit-cylinder', () => standUp(new CylinderGeometry(1, 1, 1, RADIAL_SEGMENTS)), true);
        return { geometry: g, scale: [shape.radius, shape.radius, shape.height] };
      }
      case 'cone': {
        const g = this.cache.get('unit-cone', () => standUp(new ConeGeometry(1, 1, RADIAL_SEGMENTS)), true);
        return { geometry: g, scale: [shape.radius, shape.radius, shape.height] };
      }
      case 'capsule': {
        const { radius, height } = shape;
        const g = this.cache.get(`capsule:${radius}:${height}`, () => standUp(new CapsuleGeometry(radius, height, CAP_SEGMENTS, RADIAL_SEGMENTS)));
        return { geometry: g, scale: [1, 1, 1] };
      }
      case 'mesh':
        // keyed by the array itself: an asset library that loads a mesh once shares it across episodes; a
        // coloured or textured instance carries its own colour and uv arrays, hence its own geometry
        return { geometry: this.cache.get(shape.colors ?? shape.uvs ?? shape.positions, () => meshGeometry(shape)), scale: [1, 1, 1] };
    }
  }
}

/**
 * A level of detail (lod.ts) of a mesh geometry: its vertex attributes (own GPU buffers over the same arrays: a
 * buffer shared by two geometries would be freed with the first one disposed) with the level's triangles.
 */
function levelGeometry(full: BufferGeometry, level: MeshLevel): BufferGeometry {
  const g = new BufferGeometry();
  for (const [name, a] of Object.entries(full.attributes)) g.setAttribute(name, new BufferAttribute(a.array, a.itemSize));
  g.setIndex(new BufferAttribute(level.indices, 1));
  g.boundingSphere = full.boundingSphere;
  return g;
}

function meshGeometry(shape: Extract<Shape, { kind: 'mesh' }>): BufferGeometry {
  const g = new BufferGeometry();
  g.setAttribute('position', new BufferAttribute(shape.positions, 3));
  g.setIndex(new BufferAttribute(shape.indices, 1));
  if (shape.normals !== undefined && shape.normals.length === shape.positions.length) {
    g.setAttribute('normal', new BufferAttribute(shape.normals, 3));
  } else {
    g.computeVertexNormals();
  }
  if (shape.colors !== undefined && shape.colors.length === shape.positions.length) {
    // vertex colours are shaded in linear light like material colours; the scene gives sRGB
    const lin = new Float32Array(shape.colors.length);
    for (let i = 0; i < lin.length; i++) lin[i] = srgbToLinear(shape.colors[i]);
    g.setAttribute('color', new BufferAttribute(lin, 3));
  }
  if (shape.uvs !== undefined && shape.uvs.length === (shape.positions.length / 3) * 2) g.setAttribute('uv', new BufferAttribute(shape.uvs, 2));
  if (shape.texturedTriangles !== undefined) {
    // the accent parts (after the first texturedTriangles) show their vertex colours only: their own vertices weigh
    // the texture 0 (materials.ts mixes it in by this weight; one draw, where a second material cost a third of the
    // frame on lavapipe)
    const weight = new Float32Array(shape.positions.length / 3);
    for (let i = 0; i < shape.texturedTriangles * 3; i++) weight[shape.indices[i]] = 1;
    g.setAttribute(TEXTURE_WEIGHT, new BufferAttribute(weight, 1));
  }
  g.computeBoundingSphere();
  return g;
}
