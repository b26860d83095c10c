// The Scene: what the simulator and the renderer both observe (Kubric's model). Physics writes object poses,
// the renderer reads them; annotation reads both. Instance ids are shared by the id buffer, the segmentation
// PNGs and every annotation's `object_id`.
import type { Pose, Vec3 } from './math.js';
import type { CameraSpec } from './camera.js';

/** Shapes in the object's own frame, centred at its origin; cylinders, capsules and cones stand along +z. */
export type Shape =
  | { kind: 'box'; size: Vec3 }
  | { kind: 'sphere'; radius: number }
  | { kind: 'cylinder'; radius: number; height: number }
  | { kind: 'capsule'; radius: number; height: number }
  | { kind: 'cone'; radius: number; height: number }
  | {
      kind: 'mesh';
      /** xyz triples, metres, object frame */
      positions: Float32Array;
      indices: Uint32Array;
      normals?: Float32Array;
      /** collision: convex parts as xyz point clouds; absent means the hull of `positions` */
      convexParts?: Float32Array[];
      /** per-vertex sRGB 0..1 (xyz-aligned with positions): accents such as stems, caps, tyres */
      colors?: Float32Array;
      /** per-vertex texture coordinates, glTF's convention: (0, 0) is the image's top-left corner, v runs down */
      uvs?: Float32Array;
      /** with a textured material: only the first this many triangles show the texture, the rest (accent parts: a
       * stem, a cap, a handle) only their vertex colours; absent: all of them */
      texturedTriangles?: number;
    };

/**
 * An image on a surface. `file`: an imported asset's base-colour texture (PNG, JPEG or WebP); the colour is in the
 * image, and the material's `rgb` only names it. `pattern`: a procedural texture (assets/materials/textures.ts) drawn
 * in `rgb` from `seed`, identical wherever it is made.
 */
/**
 * An image file, or a procedural pattern (assets/materials/textures.ts) drawn from a seed in a colour; `size` (texels,
 * default 256) and `tiles` (repeats across u and v, default 1 × 1) for large surfaces such as the table top.
 */
export type TextureRef = { file: string } | { pattern: string; seed: number; rgb: Vec3; size?: number; tiles?: [number, number] };

export interface Material {
  /** a colour name a sentence can use: "red", "dark blue" */
  colorName: string;
  /** sRGB, 0..1 */
  rgb: Vec3;
  roughness: number;
  metalness: number;
  /** with a texture the surface shows the image (times the per-vertex colours), not `rgb` */
  texture?: TextureRef;
  /** an imported glTF's other images (files), drawn with the texture's uvs */
  maps?: SurfaceMaps;
}

/**
 * glTF's metallic-roughness image (roughness in G, metalness in B, multiplying the material's `roughness` and
 * `metalness`) and tangent-space normal map (glTF's convention, its xy scaled by `normalScale`): data, not colour.
 */
export interface SurfaceMaps {
  metallicRoughness?: string;
  normal?: string;
  normalScale?: number;
  /**
   * a procedural texture's relief: normals read from its own pattern (assets/materials/relief.ts: brightness as
   * height), their tilt scaled by this; a table top's grooves and grain
   */
  relief?: number;
}

export type BodyKind = 'fixed' | 'dynamic' | 'kinematic';

export interface SceneObject {
  /** instance id in the id buffer: 0 is background, ids are unique per scene and stable through an episode */
  id: number;
  /** colour and category ("red mug"), the label of its boxes; twins share it, and sentences name an object by a
   * referring expression (generators/language/refer.ts) that tells them apart */
  name: string;
  category: string;
  synonyms: string[];
  /** asset id with content hash (`mug-03@1a2b3c4d5e6f`) where the object comes from the asset library */
  assetId: string;
  shape: Shape;
  material: Material;
  body: BodyKind;
  /** kg; 0 = from a default density */
  mass: number;
  /** mass of each convex part of a mesh collider (uniform density); absent: `mass` split evenly */
  partMasses?: number[];
  friction: number;
  restitution: number;
  /** current pose in the world frame; physics updates it, the renderer reads it */
  pose: Pose;
  /** whether boxes/points are annotated for it (the table is not) */
  annotated: boolean;
  /** what tasks may use it for: 'container' (put X in it), 'support' (put X on it) */
  roles?: string[];
  /** drawn as a distractor: annotated like any object, never named by a task */
  distractor?: true;
  /**
   * What the renderer draws in place of `shape`: a finer mesh (a robot link's real one) at `origin` in the object's
   * frame. Physics, planning and every annotation still use `shape`.
   */
  visual?: { shape: Extract<Shape, { kind: 'mesh' }>; material: Material; origin: Pose };
}

export interface Lighting {
  /** direction the sunlight travels, world frame */
  sunDirection: Vec3;
  sunIntensity: number;
  /** the sun's colour temperature, kelvin (core/color.ts kelvinToLinearRgb); absent: white */
  sunKelvin?: number;
  ambientIntensity: number;
  /** sRGB 0..1: what stands behind the table when no environment map does */
  background: Vec3;
  /** image-based light from a built-in HDR map (assets/environments.ts); absent: the hemisphere fill lights the scene */
  environment?: EnvironmentLight;
  /** width of the sun's shadow edges, metres (generators/rendering/sun.ts; never below one shadow-map texel); absent: 0 */
  shadowEdge?: number;
  /** exposure of the tone mapping applied to the rendered colour (generators/rendering/mrt.ts); absent: none applied */
  exposure?: number;
}

export interface EnvironmentLight {
  /** built-in map name (assets/environments.ts) */
  map: string;
  /** turn of the map about the world's vertical axis, radians */
  rotation: number;
  /** scale of the map's radiance, for light and background alike */
  intensity: number;
  /** whether the map is also drawn behind the table (else the flat `background` colour) */
  background: boolean;
}

export interface Scene {
  seed: number;
  objects: SceneObject[];
  cameras: CameraSpec[];
  lighting: Lighting;
  /** height of the table top above the world origin (z), metres */
  tableTopZ: number;
  /** where the arm's base stands this episode (its station moved by the configured jitter); absent: the station */
  robotBase?: Pose;
  /**
   * how far the table top lies below the arm's base and the still cameras this episode, metres (the base and those
   * cameras are raised by it, the arm on a mount that tall: generators/demos/pick-place.ts); absent: 0
   */
  tableDrop?: number;
}

// Instance ids, one range per kind of thing in a scene (the id buffer, segmentation PNGs and `object_id` all use them):
//   0        background (nothing drawn)
//   1        the table
//   2        the pusher rod of push demos
//   3 – 99   the scene's objects, in the order the sampler placed them (a config holds at most 30)
//   100 –    the robot's links, base first, then the fingers; after them the mount a raised base stands on
export const BACKGROUND_ID = 0;
export const TABLE_ID = 1;
export const PUSHER_ID = 2;
export const FIRST_OBJECT_ID = 3;
export const FIRST_ROBOT_LINK_ID = 100;

/** The table every scene stands on: a slab whose top is z = 0, centred on the world origin (x, y, thickness; m). */
export const TABLE_SIZE: Vec3 = [1.4, 1.2, 0.05];
/** Half the table top's extent in x and y: where objects, drop areas and pushes must stay. */
export const TABLE_HALF: readonly [number, number] = [TABLE_SIZE[0] / 2, TABLE_SIZE[1] / 2];

/** Radius of the footprint about the local z axis, standing as modelled (what must fit inside a bowl's walls). */
export function shapeFootprintRadius(shape: Shape): number {
  switch (shape.kind) {
    case 'box':
      return Math.hypot(shape.size[0], shape.size[1]) / 2;
    case 'sphere':
    case 'cylinder':
    case 'cone':
    case 'capsule':
      return shape.radius;
    case 'mesh': {
      const p = shape.positions;
      let r = 0;
      for (let i = 0; i < p.length; i += 3) r = Math.max(r, Math.hypot(p[i], p[i + 1]));
      return r;
    }
  }
}

/** Axis-aligned half-extents of a shape in its own frame (for amodal boxes and placement). */
export function shapeHalfExtents(shape: Shape): Vec3 {
  switch (shape.kind) {
    case 'box':
      return [shape.size[0] / 2, shape.size[1] / 2, shape.size[2] / 2];
    case 'sphere':
      return [shape.radius, shape.radius, shape.radius];
    case 'cylinder':
    case 'cone':
      return [shape.radius, shape.radius, shape.height / 2];
    case 'capsule':
      return [shape.radius, shape.radius, shape.height / 2 + shape.radius];
    case 'mesh': {
      const p = shape.positions;
      const h: Vec3 = [0, 0, 0];
      for (let i = 0; i < p.length; i += 3) for (let k = 0; k < 3; k++) h[k] = Math.max(h[k], Math.abs(p[i + k]));
      return h;
    }
  }
}
