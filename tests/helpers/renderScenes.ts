// Hand-built scenes for the renderer's tests and benchmark: a table and some primitives, seeded, with no
// dependency on the scene sampler (so the renderer can be tested on its own).
import type { CameraSpec } from '../../core/camera.js';
import type { Pose, Quat, Vec3 } from '../../core/math.js';
import { quatFromAxisAngle } from '../../core/math.js';
import { Rng } from '../../core/random.js';
import type { Lighting, Material, Scene, SceneObject, Shape } from '../../core/scene.js';

export const TABLE_TOP_Z = 0.75;

export const LIGHTING: Lighting = {
  sunDirection: [0.4, 0.3, -1],
  sunIntensity: 2.5,
  ambientIntensity: 0.8,
  background: [0.55, 0.6, 0.66],
};

export function material(rgb: Vec3, roughness = 0.6, metalness = 0, colorName = 'test'): Material {
  return { colorName, rgb, roughness, metalness };
}

export function object(id: number, shape: Shape, position: Vec3, mat: Material, quaternion: Quat = [0, 0, 0, 1]): SceneObject {
  const pose: Pose = { position: [...position], quaternion: [...quaternion] };
  return {
    id,
    name: `object ${id}`,
    category: shape.kind,
    synonyms: [],
    assetId: `test/${shape.kind}`,
    shape,
    material: mat,
    body: id === 1 ? 'fixed' : 'dynamic',
    mass: 0.1,
    friction: 0.5,
    restitution: 0,
    pose,
    annotated: id !== 1,
  };
}

export function table(id = 1): SceneObject {
  return object(id, { kind: 'box', size: [1.2, 0.8, 0.05] }, [0, 0, TABLE_TOP_Z - 0.025], material([0.55, 0.4, 0.28], 0.8, 0, 'brown'));
}

export const CAMERAS: CameraSpec[] = [
  { name: 'base', width: 256, height: 256, fovYDeg: 50, position: [0.9, -0.7, 1.45], target: [0, 0, TABLE_TOP_Z] },
  { name: 'side', width: 256, height: 256, fovYDeg: 45, position: [-0.8, 0.9, 1.3], target: [0.05, 0, TABLE_TOP_Z + 0.05] },
];

/** A small tetrahedron as an indexed mesh without normals (the renderer has to compute them). */
export function tetrahedron(size: number): Shape {
  const s = size / 2;
  return {
    kind: 'mesh',
    positions: new Float32Array([s, s, s, -s, -s, s, -s, s, -s, s, -s, -s]),
    indices: new Uint32Array([0, 1, 2, 0, 3, 1, 0, 2, 3, 1, 3, 2]),
  };
}

/** Table + `n` random primitives of every kind on it, reproducible from `seed`. */
export function tableScene(n: number, seed: number, cameras: CameraSpec[] = CAMERAS): Scene {
  const rng = new Rng(seed);
  const objects: SceneObject[] = [table()];
  const kinds = ['box', 'sphere', 'cylinder', 'capsule', 'cone', 'mesh'] as const;
  for (let i = 0; i < n; i++) {
    const kind = kinds[i % kinds.length];
    const r = rng.uniform(0.02, 0.045);
    const h = rng.uniform(0.04, 0.1);
    let shape: Shape;
    let halfZ: number;
    switch (kind) {
      case 'box':
        shape = { kind, size: [rng.uniform(0.03, 0.09), rng.uniform(0.03, 0.09), h] };
        halfZ = h / 2;
        break;
      case 'sphere':
        shape = { kind, radius: r };
        halfZ = r;
        break;
      case 'capsule':
        shape = { kind, radius: r * 0.7, height: h };
        halfZ = h / 2 + r * 0.7;
        break;
      case 'mesh':
        shape = tetrahedron(2 * r);
        halfZ = r;
        break;
      default:
        shape = { kind, radius: r, height: h };
        halfZ = h / 2;
    }
    const pos: Vec3 = [rng.uniform(-0.5, 0.5), rng.uniform(-0.32, 0.32), TABLE_TOP_Z + halfZ];
    const q = quatFromAxisAngle([0, 0, 1], rng.uniform(0, Math.PI * 2));
    const rgb: Vec3 = [rng.uniform(0.05, 0.95), rng.uniform(0.05, 0.95), rng.uniform(0.05, 0.95)];
    objects.push(object(i + 2, shape, pos, material(rgb, rng.uniform(0.2, 0.9), rng.next() < 0.2 ? 0.8 : 0), q));
  }
  return { seed, objects, cameras, lighting: { ...LIGHTING }, tableTopZ: TABLE_TOP_Z };
}
