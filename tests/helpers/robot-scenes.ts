// Scenes for robot demo tests and the demo benchmark: the sampler's primitive objects plus, until the asset
// library provides bowls and trays, an open tray built from five boxes (floor and four walls) as one mesh object
// whose collider is those five convex parts.
import { presetConfig } from '../../schemas/presets.js';
import type { BuildConfig } from '../../schemas/config.js';
import type { Vec3 } from '../../generators/math.js';
import { quatFromAxisAngle } from '../../generators/math.js';
import { Rng } from '../../generators/random.js';
import { sampleScene } from '../../generators/scene/sample.js';
import type { Scene, SceneObject } from '../../generators/scene/scene.js';
import { shapeHalfExtents } from '../../generators/scene/scene.js';

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

export function demoConfig(overrides: Partial<BuildConfig> = {}): BuildConfig {
  return { ...presetConfig('demo'), ...overrides };
}

/**
 * A sampled tabletop scene; with `container`, a tray is put where the robot reaches it (objects under it are
 * dropped from the scene so nothing overlaps).
 */
export function robotTestScene(seed: number, opts: { container?: boolean; reach?: [number, number]; config?: BuildConfig } = {}): Scene {
  const config = opts.config ?? demoConfig();
  const rng = new Rng(seed);
  const scene = sampleScene(config, rng.fork('scene'));
  if (opts.container) {
    const [x0, x1] = opts.reach ?? [-0.15, 0.1];
    const probe = trayObject(99, [0, 0, 0]);
    const r = Math.hypot(...shapeHalfExtents(probe.shape).slice(0, 2)) + 0.01;
    const clear = (o: SceneObject, p: Vec3) => o.body !== 'dynamic' || Math.hypot(o.pose.position[0] - p[0], o.pose.position[1] - p[1]) > r + Math.hypot(...shapeHalfExtents(o.shape));
    // a free spot if there is one; otherwise the objects under the tray make room
    let place: Vec3 = [rng.uniform(x0, x1), rng.uniform(-0.2, 0.2), 0];
    for (let k = 0; k < 60 && !scene.objects.every((o) => clear(o, place)); k++) place = [rng.uniform(x0, x1), rng.uniform(-0.25, 0.25), 0];
    scene.objects = scene.objects.filter((o) => clear(o, place));
    scene.objects.push(trayObject(99, place));
  }
  return scene;
}

/** A bare table with the given objects (ids from 3), no cameras: for physics-only tests. */
export function tableScene(objects: { shape: SceneObject['shape']; position: Vec3; mass?: number; friction?: number; name?: string }[]): Scene {
  const table: SceneObject = {
    id: 1, name: 'table', category: 'table', synonyms: ['table'], assetId: 'primitive/table', shape: { kind: 'box', size: [1.4, 1.2, 0.05] },
    material: { colorName: 'white', rgb: [0.8, 0.8, 0.8], roughness: 0.8, metalness: 0 }, body: 'fixed', mass: 0, friction: 0.6, restitution: 0.05,
    pose: { position: [0, 0, -0.025], quaternion: [0, 0, 0, 1] }, annotated: false,
  };
  const objs: SceneObject[] = objects.map((o, k) => ({
    id: 3 + k, name: o.name ?? `red block ${k + 1}`, category: 'block', synonyms: ['block'], assetId: 'test/block', shape: o.shape,
    material: { colorName: 'red', rgb: [0.8, 0.1, 0.1], roughness: 0.5, metalness: 0 }, body: 'dynamic', mass: o.mass ?? 0, friction: o.friction ?? 0.6,
    restitution: 0.05, pose: { position: o.position, quaternion: [0, 0, 0, 1] }, annotated: true,
  }));
  return {
    seed: 0, objects: [table, ...objs], cameras: [],
    lighting: { sunDirection: [0, 0, -1], sunIntensity: 2, ambientIntensity: 0.5, background: [0.7, 0.7, 0.7] }, tableTopZ: 0,
  };
}
