// Samples a tabletop Scene from a build config and one seeded stream: table, 3–8 primitive objects with
// non-overlapping footprints, cameras with jitter, lighting. Poses here are drop poses; physics settles them.
import type { BuildConfig } from '../../schemas/config.js';
import type { CameraSpec } from '../camera.js';
import { type Quat, type Vec3, quatFromAxisAngle, quatMultiply } from '../math.js';
import type { Rng } from '../random.js';
import { OBJECT_COLORS, TABLE_COLORS } from './palette.js';
import { type Scene, type SceneObject, type Shape, shapeHalfExtents } from './scene.js';

export const TABLE_ID = 1;
export const PUSHER_ID = 2;
export const FIRST_OBJECT_ID = 3;

/** Table top at z = 0; the table is a slab below it. */
const TABLE_SIZE: Vec3 = [1.4, 1.2, 0.05];

type PrimitiveKind = BuildConfig['scene']['shapes'][number];

function primitive(kind: PrimitiveKind, rng: Rng, [lo, hi]: [number, number]): { shape: Shape; category: string; synonyms: string[] } {
  const s = rng.uniform(lo, hi);
  switch (kind) {
    case 'box':
      if (rng.next() < 0.5) return { shape: { kind: 'box', size: [s, s, s] }, category: 'cube', synonyms: ['cube', 'block'] };
      return {
        shape: { kind: 'box', size: [s, s * rng.uniform(0.5, 1.5), s * rng.uniform(0.5, 1.2)] },
        category: 'block',
        synonyms: ['block', 'box', 'brick'],
      };
    case 'sphere':
      return { shape: { kind: 'sphere', radius: s / 2 }, category: 'ball', synonyms: ['ball', 'sphere'] };
    case 'cylinder':
      return { shape: { kind: 'cylinder', radius: (s / 2) * rng.uniform(0.6, 1), height: s * rng.uniform(0.8, 1.6) }, category: 'cylinder', synonyms: ['cylinder', 'can', 'puck'] };
    case 'capsule':
      return { shape: { kind: 'capsule', radius: s * 0.3, height: s * rng.uniform(0.8, 1.4) }, category: 'capsule', synonyms: ['capsule', 'pill'] };
    case 'cone':
      return { shape: { kind: 'cone', radius: s / 2, height: s * rng.uniform(0.9, 1.4) }, category: 'cone', synonyms: ['cone', 'pyramid'] };
  }
}

function sampleCamera(cfg: BuildConfig['cameras'][number], rng: Rng): CameraSpec {
  const j = cfg.position_jitter;
  const position: Vec3 = [cfg.position[0] + rng.uniform(-j, j), cfg.position[1] + rng.uniform(-j, j), cfg.position[2] + rng.uniform(-j, j)];
  return { name: cfg.name, width: cfg.width, height: cfg.height, fovYDeg: cfg.fov_y_deg, position, target: [...cfg.target], near: 0.02, far: 5 };
}

/** The scripted pusher: a vertical rod whose lower tip is the tool-centre point. */
export const PUSHER_SHAPE = { kind: 'cylinder', radius: 0.012, height: 0.14 } as const;
export const PUSHER_HOME: Vec3 = [-0.3, 0, 0.3];

export function sampleScene(config: BuildConfig, rng: Rng): Scene {
  const objects: SceneObject[] = [];
  const table = rng.pick(TABLE_COLORS);
  objects.push({
    id: TABLE_ID, name: 'table', category: 'table', synonyms: ['table'], assetId: 'primitive/table',
    shape: { kind: 'box', size: TABLE_SIZE }, material: { colorName: table.name, rgb: table.rgb, roughness: rng.uniform(0.6, 0.9), metalness: 0 },
    body: 'fixed', mass: 0, friction: 0.6, restitution: 0.05,
    pose: { position: [0, 0, -TABLE_SIZE[2] / 2], quaternion: [0, 0, 0, 1] }, annotated: false,
  });
  objects.push({
    id: PUSHER_ID, name: 'pusher', category: 'pusher', synonyms: ['pusher', 'rod'], assetId: 'primitive/pusher',
    shape: { ...PUSHER_SHAPE }, material: { colorName: 'silver', rgb: [0.75, 0.75, 0.78], roughness: 0.35, metalness: 0.3 },
    body: 'kinematic', mass: 0, friction: 0.5, restitution: 0,
    pose: { position: [PUSHER_HOME[0], PUSHER_HOME[1], PUSHER_HOME[2] + PUSHER_SHAPE.height / 2], quaternion: [0, 0, 0, 1] }, annotated: false,
  });

  const { objects_min, objects_max, shapes, area, object_size } = config.scene;
  const count = rng.int(objects_min, objects_max);
  const placed: { x: number; y: number; r: number }[] = [];
  const names = new Set<string>();
  for (let k = 0; k < count; k++) {
    const { shape, category, synonyms } = primitive(rng.pick(shapes), rng, object_size);
    let color = rng.pick(OBJECT_COLORS);
    for (let tries = 0; names.has(`${color.name} ${category}`) && tries < 50; tries++) color = rng.pick(OBJECT_COLORS);
    const name = names.has(`${color.name} ${category}`) ? `${color.name} ${category} ${k + 1}` : `${color.name} ${category}`;

    // capsules lie on their side: standing, they would topple during settling and start the episode in motion
    const lying = shape.kind === 'capsule';
    const base: Quat = lying ? quatFromAxisAngle([1, 0, 0], Math.PI / 2) : [0, 0, 0, 1];
    const quaternion = quatMultiply(quatFromAxisAngle([0, 0, 1], rng.uniform(-Math.PI, Math.PI)), base);
    const h = shapeHalfExtents(shape);
    const r = Math.hypot(h[0], h[1], lying ? h[2] : 0);
    const halfHeight = lying ? h[1] : h[2];

    let spot: { x: number; y: number } | undefined;
    for (let tries = 0; tries < 200 && !spot; tries++) {
      const x = rng.uniform(-area[0] + r, area[0] - r);
      const y = rng.uniform(-area[1] + r, area[1] - r);
      if (placed.every((p) => Math.hypot(p.x - x, p.y - y) > p.r + r + 0.015)) spot = { x, y };
    }
    if (!spot) break; // the table is full: fewer objects rather than overlapping ones
    placed.push({ ...spot, r });
    names.add(name);
    const c = color;
    objects.push({
      id: FIRST_OBJECT_ID + k, name, category, synonyms, assetId: `primitive/${category}`, shape,
      material: { colorName: c.name, rgb: c.rgb, roughness: rng.uniform(0.3, 0.8), metalness: rng.next() < 0.2 ? rng.uniform(0.3, 0.7) : 0 },
      body: 'dynamic', mass: 0, friction: rng.uniform(0.5, 0.8), restitution: 0.05,
      pose: { position: [spot.x, spot.y, halfHeight + 0.003], quaternion }, annotated: true,
    });
  }

  const az = rng.uniform(-Math.PI, Math.PI);
  const el = rng.uniform(0.9, 1.3); // sun 50–75° above the horizon
  return {
    seed: rng.seed,
    objects,
    cameras: config.cameras.map((c) => sampleCamera(c, rng)),
    lighting: {
      sunDirection: [-Math.cos(el) * Math.cos(az), -Math.cos(el) * Math.sin(az), -Math.sin(el)],
      sunIntensity: rng.uniform(2.2, 3.2),
      ambientIntensity: rng.uniform(0.5, 0.9),
      background: [rng.uniform(0.55, 0.8), rng.uniform(0.6, 0.8), rng.uniform(0.65, 0.85)],
    },
    tableTopZ: 0,
  };
}
