// Scenes for robot demo tests and the demo benchmark: seeded procedural primitives plus, until the asset library
// provides bowls and trays to the sampler, an open tray built from five boxes (floor and four walls) as one mesh
// object whose collider is those five convex parts. The table, the cameras and the free-spot search are the scene
// sampler's own (generators/scene/sample.ts); only the draw of primitives is fixed here, so these scenes stay what
// the robot tests were tuned on while the sampler's draws grow.
import { presetConfig } from '../../schemas/presets.js';
import type { BuildConfig } from '../../schemas/config.js';
import type { Vec3 } from '../../core/math.js';
import { quatFromAxisAngle, quatMultiply } from '../../core/math.js';
import { Rng } from '../../core/random.js';
import { OBJECT_COLORS } from '../../generators/scene/palette.js';
import type { Scene, SceneObject, Shape } from '../../core/scene.js';
import { FIRST_OBJECT_ID, shapeHalfExtents } from '../../core/scene.js';
import { cameraAt, freeSpots, type Placed, tableObject } from '../../generators/scene/sample.js';

function boxMesh(center: Vec3, size: Vec3, positions: number[], indices: number[]): Float32Array {
  const base = positions.length / 3;
  const corners: number[] = [];
  for (const sx of [-0.5, 0.5]) for (const sy of [-0.5, 0.5]) for (const sz of [-0.5, 0.5]) corners.push(center[0] + sx * size[0], center[1] + sy * size[1], center[2] + sz * size[2]);
  positions.push(...corners);
  // corner index = 4·ix + 2·iy + iz; faces wound outward
  const faces = [[0, 1, 3, 2], [4, 6, 7, 5], [0, 4, 5, 1], [2, 3, 7, 6], [0, 2, 6, 4], [1, 5, 7, 3]];
  for (const [a, b, c, d] of faces) indices.push(base + a, base + b, base + c, base + a, base + c, base + d);
  return Float32Array.from(corners);
}

/** An open tray: inner size `inner` (square), walls `wall` thick and `height` tall, floor 8 mm thick; origin at its centre. */
export function trayObject(id: number, position: Vec3, opts: { inner?: number; height?: number; wall?: number; color?: string; rgb?: Vec3 } = {}): SceneObject {
  const inner = opts.inner ?? 0.15, h = opts.height ?? 0.05, w = opts.wall ?? 0.008, floor = 0.008;
  const outer = inner + 2 * w;
  const positions: number[] = [];
  const indices: number[] = [];
  const z0 = -h / 2;
  const parts = [
    boxMesh([0, 0, z0 + floor / 2], [outer, outer, floor], positions, indices),
    boxMesh([(inner + w) / 2, 0, 0], [w, outer, h], positions, indices),
    boxMesh([-(inner + w) / 2, 0, 0], [w, outer, h], positions, indices),
    boxMesh([0, (inner + w) / 2, 0], [inner, w, h], positions, indices),
    boxMesh([0, -(inner + w) / 2, 0], [inner, w, h], positions, indices),
  ];
  const color = opts.color ?? 'blue';
  return {
    id, name: `${color} tray`, category: 'tray', synonyms: ['tray', 'bin', 'container'], assetId: 'test/tray',
    shape: { kind: 'mesh', positions: Float32Array.from(positions), indices: Uint32Array.from(indices), convexParts: parts },
    material: { colorName: color, rgb: opts.rgb ?? [0.15, 0.3, 0.85], roughness: 0.6, metalness: 0 },
    body: 'dynamic', mass: 0.4, friction: 0.6, restitution: 0.05,
    pose: { position: [position[0], position[1], h / 2 + 0.002], quaternion: quatFromAxisAngle([0, 0, 1], 0) }, annotated: true,
  };
}

/** The demo preset (physics and recording rates, cameras, table area). */
export function demoConfig(): BuildConfig {
  return presetConfig('demo');
}

const SHAPES = ['box', 'sphere', 'cylinder', 'capsule', 'cone'] as const;

/** One procedural primitive of 3.5–8 cm, as the scene sampler drew them before the asset library (issue 2). */
function primitive(kind: (typeof SHAPES)[number], rng: Rng): { shape: Shape; category: string; synonyms: string[] } {
  const s = rng.uniform(0.035, 0.08);
  switch (kind) {
    case 'box':
      if (rng.next() < 0.5) return { shape: { kind: 'box', size: [s, s, s] }, category: 'cube', synonyms: ['cube', 'block'] };
      return { shape: { kind: 'box', size: [s, s * rng.uniform(0.5, 1.5), s * rng.uniform(0.5, 1.2)] }, category: 'block', synonyms: ['block', 'box', 'brick'] };
    case 'sphere':
      return { shape: { kind: 'sphere', radius: s / 2 }, category: 'ball', synonyms: ['ball', 'sphere'] };
    case 'cylinder':
      return { shape: { kind: 'cylinder', radius: (s / 2) * rng.uniform(0.6, 1), height: s * rng.uniform(0.8, 1.6) }, category: 'cylinder', synonyms: ['cylinder', 'can'] };
    case 'capsule':
      return { shape: { kind: 'capsule', radius: s * 0.3, height: s * rng.uniform(0.8, 1.4) }, category: 'capsule', synonyms: ['capsule', 'pill'] };
    case 'cone':
      return { shape: { kind: 'cone', radius: s / 2, height: s * rng.uniform(0.9, 1.4) }, category: 'cone', synonyms: ['cone'] };
  }
}

/**
 * A seeded tabletop of 3–8 procedural primitives (boxes, balls, cylinders, lying capsules, cones) in the default
 * area, built here rather than by the scene sampler so the robot tests' scenes stay fixed while the sampler grows
 * (it now draws library assets). With `container`, an open tray stands where the robot reaches it.
 */
export function robotTestScene(seed: number, opts: { container?: boolean; reach?: [number, number]; config?: BuildConfig; area?: [number, number] } = {}): Scene {
  const config = opts.config ?? demoConfig();
  const rng = new Rng(seed);
  const [ax, ay] = opts.area ?? config.scene.area;
  const scene = tableScene([]);
  scene.seed = seed;
  scene.cameras = config.cameras.map((c) => cameraAt(c));
  const placed: Placed[] = [];
  const names = new Set<string>();
  const count = rng.int(3, 8);
  for (let k = 0; k < count; k++) {
    const { shape, category, synonyms } = primitive(rng.pick(SHAPES), rng);
    let color = rng.pick(OBJECT_COLORS);
    for (let t = 0; names.has(`${color.name} ${category}`) && t < 50; t++) color = rng.pick(OBJECT_COLORS);
    const name = names.has(`${color.name} ${category}`) ? `${color.name} ${category} ${k + 1}` : `${color.name} ${category}`;
    const lying = shape.kind === 'capsule';
    const quaternion = quatMultiply(quatFromAxisAngle([0, 0, 1], rng.uniform(-Math.PI, Math.PI)), lying ? quatFromAxisAngle([1, 0, 0], Math.PI / 2) : [0, 0, 0, 1]);
    const h = shapeHalfExtents(shape);
    const r = Math.hypot(h[0], h[1], lying ? h[2] : 0);
    const [spot] = freeSpots(placed, r, 0.015, [ax, ay], rng);
    if (!spot) break;
    placed.push({ ...spot, r, gap: 0.015 });
    names.add(name);
    scene.objects.push({
      id: FIRST_OBJECT_ID + k, name, category, synonyms, assetId: `primitive/${category}`, shape,
      material: { colorName: color.name, rgb: color.rgb, roughness: rng.uniform(0.3, 0.8), metalness: 0 },
      body: 'dynamic', mass: 0, friction: rng.uniform(0.5, 0.8), restitution: 0.05,
      pose: { position: [spot.x, spot.y, (lying ? h[1] : h[2]) + 0.003], quaternion }, annotated: true,
    });
  }
  if (opts.container) {
    const [x0, x1] = opts.reach ?? [-0.15, 0.1];
    const probe = trayObject(99, [0, 0, 0]);
    const rt = Math.hypot(...shapeHalfExtents(probe.shape).slice(0, 2)) + 0.01;
    const clear = (o: SceneObject, p: Vec3) => o.body !== 'dynamic' || Math.hypot(o.pose.position[0] - p[0], o.pose.position[1] - p[1]) > rt + Math.hypot(...shapeHalfExtents(o.shape));
    // a free spot if there is one; otherwise the objects under the tray make room
    let place: Vec3 = [rng.uniform(x0, x1), rng.uniform(-0.2, 0.2), 0];
    for (let k = 0; k < 60 && !scene.objects.every((o) => clear(o, place)); k++) place = [rng.uniform(x0, x1), rng.uniform(-0.25, 0.25), 0];
    scene.objects = scene.objects.filter((o) => clear(o, place));
    scene.objects.push(trayObject(99, place));
  }
  return scene;
}

/** A bare table with the given objects (ids from FIRST_OBJECT_ID), no cameras: for physics-only tests. */
export function tableScene(objects: { shape: SceneObject['shape']; position: Vec3; mass?: number; friction?: number; name?: string }[]): Scene {
  const table = tableObject({ colorName: 'white', rgb: [0.8, 0.8, 0.8], roughness: 0.8, metalness: 0 });
  const objs: SceneObject[] = objects.map((o, k) => ({
    id: FIRST_OBJECT_ID + k, name: o.name ?? `red block ${k + 1}`, category: 'block', synonyms: ['block'], assetId: 'test/block', shape: o.shape,
    material: { colorName: 'red', rgb: [0.8, 0.1, 0.1], roughness: 0.5, metalness: 0 }, body: 'dynamic', mass: o.mass ?? 0, friction: o.friction ?? 0.6,
    restitution: 0.05, pose: { position: o.position, quaternion: [0, 0, 0, 1] }, annotated: true,
  }));
  return {
    seed: 0, objects: [table, ...objs], cameras: [],
    lighting: { sunDirection: [0, 0, -1], sunIntensity: 2, ambientIntensity: 0.5, background: [0.7, 0.7, 0.7] }, tableTopZ: 0,
  };
}
