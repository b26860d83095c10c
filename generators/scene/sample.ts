// Samples a tabletop Scene from a build config and one seeded stream: table, 3–8 primitive objects with
// non-overlapping footprints, cameras with jitter, lighting. Poses here are drop poses; physics settles them.
import type { BuildConfig } from '../../schemas/config.js';
import type { CameraSpec } from '../../core/camera.js';
import { type Pose, type Quat, type Vec3, quatFromAxisAngle, quatMultiply } from '../../core/math.js';
import type { Rng } from '../../core/random.js';
import { TABLE_COLORS } from './palette.js';
import { drawLibraryObject, drawPrimitive, libraryCandidates, type ObjectDraw, ofCategory, taskReadyPools } from './objects.js';
import { FIRST_OBJECT_ID, type Lighting, PUSHER_ID, type Scene, type SceneObject, TABLE_ID, TABLE_SIZE } from '../../core/scene.js';
import { ROBOT_STATIONS } from '../../assets/robots/index.js';
import { environmentMaps, tableSurfaces } from '../../assets/environments.js';


/** Free space kept around an object a task will grasp: an open finger and its approach beside it. */
const FINGER_ROOM = 0.03;

function draw(config: BuildConfig, candidates: readonly string[], rng: Rng, shapes: BuildConfig['scene']['shapes'], size: [number, number]): ObjectDraw {
  return config.scene.objects === 'library' ? drawLibraryObject(candidates, rng) : drawPrimitive(shapes, rng, size);
}

/** A configured camera, its position moved by `offset` (the per-episode jitter; none by default). */
export function cameraAt(cfg: BuildConfig['cameras'][number], offset: Vec3 = [0, 0, 0]): CameraSpec {
  const position: Vec3 = [cfg.position[0] + offset[0], cfg.position[1] + offset[1], cfg.position[2] + offset[2]];
  return {
    name: cfg.name, width: cfg.width, height: cfg.height, fovYDeg: cfg.fov_y_deg, position, target: [...cfg.target], near: cfg.mount === 'tcp' ? 0.01 : 0.02, far: 5,
    ...(cfg.up ? { up: [...cfg.up] as Vec3 } : {}), ...(cfg.mount === 'tcp' ? { mount: 'tcp' as const } : {}),
  };
}

/**
 * A configured camera with its per-episode jitter: position from the scene stream (as it always was), and the look-at
 * point, field of view and principal point from the camera's own stream (cameras without them draw as before).
 */
function sampleCamera(cfg: BuildConfig['cameras'][number], rng: Rng): CameraSpec {
  const j = cfg.position_jitter;
  const spec = cameraAt(cfg, [rng.uniform(-j, j), rng.uniform(-j, j), rng.uniform(-j, j)]);
  const own = rng.fork(`camera:${cfg.name}`);
  const t = cfg.target_jitter, f = cfg.fov_jitter_deg, p = cfg.principal_jitter_px;
  if (t > 0) spec.target = [spec.target[0] + own.uniform(-t, t), spec.target[1] + own.uniform(-t, t), spec.target[2] + own.uniform(-t, t)];
  if (f > 0) spec.fovYDeg += own.uniform(-f, f);
  if (p > 0) spec.principalOffset = [own.uniform(-p, p), own.uniform(-p, p)];
  return spec;
}

/**
 * The table: a fixed slab whose top is z = 0, in `material`; `size` at least core/scene.ts TABLE_SIZE (what configs,
 * tasks and reach are checked against), larger when the episode drew a larger table.
 */
export function tableObject(material: SceneObject['material'], size: Vec3 = TABLE_SIZE): SceneObject {
  return {
    id: TABLE_ID, name: 'table', category: 'table', synonyms: ['table'], assetId: 'primitive/table',
    shape: { kind: 'box', size: [...size] }, material, body: 'fixed', mass: 0, friction: 0.6, restitution: 0.05,
    pose: { position: [0, 0, -size[2] / 2], quaternion: [0, 0, 0, 1] }, annotated: false,
  };
}

/** Where an object stands on the table in a scene being sampled: its centre, footprint radius and wanted free space. */
export interface Placed {
  x: number;
  y: number;
  r: number;
  gap: number;
}

/**
 * Up to `want` free spots for an object of footprint radius `r` that wants `gap` of free space around it, drawn
 * uniformly in the drop area (x then y per try, 200 tries): inside the area, as far from every placed object as
 * either's gap asks, and where `reachable` says.
 */
export function freeSpots(placed: readonly Placed[], r: number, gap: number, area: readonly [number, number], rng: Rng, want = 1, reachable: (x: number, y: number) => boolean = () => true): { x: number; y: number }[] {
  const spots: { x: number; y: number }[] = [];
  for (let tries = 0; tries < 200 && spots.length < want; tries++) {
    const x = rng.uniform(-area[0] + r, area[0] - r);
    const y = rng.uniform(-area[1] + r, area[1] - r);
    if (reachable(x, y) && placed.every((p) => Math.hypot(p.x - x, p.y - y) > p.r + r + Math.max(p.gap, gap))) spots.push({ x, y });
  }
  return spots;
}

/** The scripted pusher: a vertical rod whose lower tip is the tool-centre point. */
export const PUSHER_SHAPE = { kind: 'cylinder', radius: 0.012, height: 0.14 } as const;
export const PUSHER_HOME: Vec3 = [-0.3, 0, 0.3];

export function sampleScene(config: BuildConfig, rng: Rng): Scene {
  const objects: SceneObject[] = [];
  // a plain table's draws stay in the scene stream (layouts are as they were before surfaces came); a surface is drawn
  // from the environment's own stream
  const plain = rng.pick(TABLE_COLORS);
  const plainRoughness = rng.uniform(0.6, 0.9);
  const grow = config.environment.table_size_jitter;
  const sizeRng = rng.fork('table-size');
  const tableSize: Vec3 = grow > 0 ? [TABLE_SIZE[0] * sizeRng.uniform(1, 1 + grow), TABLE_SIZE[1] * sizeRng.uniform(1, 1 + grow), TABLE_SIZE[2]] : TABLE_SIZE;
  objects.push(tableObject(config.environment.table === 'plain'
    ? { colorName: plain.name, rgb: plain.rgb, roughness: plainRoughness, metalness: 0 }
    : tableSurface(config.environment.split, rng.fork('table')), tableSize));
  objects.push({
    id: PUSHER_ID, name: 'pusher', category: 'pusher', synonyms: ['pusher', 'rod'], assetId: 'primitive/pusher',
    shape: { ...PUSHER_SHAPE }, material: { colorName: 'silver', rgb: [0.75, 0.75, 0.78], roughness: 0.35, metalness: 0.3 },
    body: 'kinematic', mass: 0, friction: 0.5, restitution: 0,
    pose: { position: [PUSHER_HOME[0], PUSHER_HOME[1], PUSHER_HOME[2] + PUSHER_SHAPE.height / 2], quaternion: [0, 0, 0, 1] }, annotated: false,
  });

  const { objects_min, objects_max, shapes, area, object_size } = config.scene;
  const candidates = config.scene.objects === 'library' ? libraryCandidates(config) : [];
  // pick-and-place from the library: the first draws come from what the configured primitives need (taskReadyPools),
  // so every scene has something each primitive fits; the rest are free
  const pools = config.scene.objects === 'library' ? taskReadyPools(config, candidates).slice(0, objects_max) : [];
  // drawn whether or not distractors set the count: the scene stream's later draws stay where they were
  const drawn = rng.int(objects_min, objects_max);
  // distractors (configured, pick-and-place from the library): what the tasks need plus their own count, drawn from
  // their own stream
  const distractors = config.scene.distractors && pools.length > 0 ? config.scene.distractors : null;
  const count = distractors ? pools.length + rng.fork('distractors').int(distractors[0], distractors[1]) : Math.max(drawn, pools.length);
  // a lower table: the arm's base and the still cameras stand that much higher above its top (own stream)
  const drop = config.environment.table_height_jitter > 0 ? rng.fork('table-height').uniform(0, config.environment.table_height_jitter) : 0;
  const robotBase = config.task.kind === 'pick_place' ? sampleRobotBase(config, rng.fork('robot'), drop) : undefined;
  // reach is measured from where the base stands this episode
  const station = pools.length > 0 && robotBase ? { ...ROBOT_STATIONS[config.task.robot], base: robotBase.position } : null;
  // `gap`: the free space an object wants around it (a task's object: room for the fingers beside it)
  const placed: Placed[] = [];
  const names = new Set<string>();
  // twins: whether a free draw repeats an object already on the table, from their own stream
  const twinRng = rng.fork('twins');
  for (let k = 0; k < count; k++) {
    const from = pools[k] ?? candidates;
    // a required object that finds no free spot is drawn again from its pool (a smaller one may fit) and, failing
    // that, left out; a free draw that finds none ends the scene (the table is full: fewer objects, not overlapping)
    // (a distractor gets a few draws too, a smaller one may fit; one that finds no spot is left out)
    let placedOne = false;
    for (let attempt = 0; attempt < (pools[k] ? 8 : distractors ? 4 : 1) && !placedOne; attempt++) placedOne = place(from, k);
    if (!placedOne && !pools[k] && !distractors) break;
  }

  /**
   * An object's draw. One no task asked for (`free`) is, with probability `scene.twins`, a twin of an object already
   * on the table (its category, and half the time its colour). What a task needs, and every draw of a scene without
   * twins, is drawn again a few times when it would repeat an object's colour and kind: a task's own objects are
   * not each other's accidental twins (two identical scans side by side may have no words that tell them apart).
   */
  function drawObject(from: readonly string[], free: boolean): ObjectDraw {
    const onTable = objects.filter((o) => o.id >= FIRST_OBJECT_ID);
    if (free && config.scene.twins > 0 && onTable.length > 0 && twinRng.next() < config.scene.twins) {
      const twin = drawTwin(twinRng.pick(onTable), twinRng.next() < 0.5, from);
      if (twin) return twin;
    }
    let d = draw(config, from, rng, shapes, object_size);
    for (let tries = 0; (config.scene.twins === 0 || !free) && names.has(`${d.colorName} ${d.category}`) && tries < 8; tries++) d = draw(config, from, rng, shapes, object_size);
    return d;
  }

  /** A draw of `of`'s category (and colour, when asked and a few draws find it), or null when the pool has none. */
  function drawTwin(of: SceneObject, sameColour: boolean, from: readonly string[]): ObjectDraw | null {
    const pool = config.scene.objects === 'library' ? ofCategory(from, of.category) : from;
    if (config.scene.objects === 'library' && pool.length === 0) return null;
    let found: ObjectDraw | null = null;
    for (let i = 0; i < 24; i++) {
      const d = draw(config, pool, rng, shapes, object_size);
      if (d.category !== of.category) continue;
      found ??= d;
      if (!sameColour || d.colorName === of.material.colorName) return d;
    }
    return found;
  }

  function place(from: readonly string[], k: number): boolean {
    const d = drawObject(from, pools[k] === undefined);
    const name = `${d.colorName} ${d.category}`;

    // capsules lie on their side: standing, they would topple during settling and start the episode in motion
    const base: Quat = d.lying ? quatFromAxisAngle([1, 0, 0], Math.PI / 2) : [0, 0, 0, 1];
    const quaternion = quatMultiply(quatFromAxisAngle([0, 0, 1], rng.uniform(-Math.PI, Math.PI)), base);
    const r = Math.hypot(d.size[0], d.size[1], d.lying ? d.size[2] : 0) / 2;
    const halfHeight = (d.lying ? d.size[1] : d.size[2]) / 2;

    // what the task needs stands where the robot reaches it; the first of those (the largest: a support when put-on
    // is configured) goes to the side of the area where it leaves the most room for the rest
    const required = pools[k] !== undefined;
    const reachable = (x: number, y: number) => {
      if (!required || !station) return true;
      const dist = Math.hypot(x - station.base[0], y - station.base[1]);
      return dist >= station.reach[0] && dist <= station.reach[1];
    };
    const gap = required && !d.roles?.length ? FINGER_ROOM : 0.015;
    const spots = freeSpots(placed, r, gap, area, rng, required && k === 0 ? 8 : 1, reachable);
    if (spots.length === 0) return false;
    const spot = d.roles?.length ? spots.reduce((a, b) => (Math.abs(b.y) > Math.abs(a.y) ? b : a)) : spots[0];
    placed.push({ ...spot, r, gap });
    names.add(name);
    objects.push({
      id: FIRST_OBJECT_ID + k, name, category: d.category, synonyms: d.synonyms, assetId: d.assetId, shape: d.shape,
      material: d.material, body: 'dynamic', mass: d.mass, ...(d.partMasses ? { partMasses: d.partMasses } : {}),
      friction: d.friction, restitution: d.restitution, ...(d.roles?.length ? { roles: d.roles } : {}), ...(distractors && !required ? { distractor: true as const } : {}),
      pose: { position: [spot.x, spot.y, halfHeight + 0.003], quaternion }, annotated: true,
    });
    return true;
  }

  const az = rng.uniform(-Math.PI, Math.PI);
  const [el0, el1] = config.environment.sun_elevation_deg;
  const el = (rng.uniform(el0, el1) * Math.PI) / 180;
  return {
    seed: rng.seed,
    objects,
    cameras: config.cameras.map((c) => raisedCamera(sampleCamera(c, rng), drop)),
    lighting: {
      sunDirection: [-Math.cos(el) * Math.cos(az), -Math.cos(el) * Math.sin(az), -Math.sin(el)],
      sunIntensity: rng.uniform(...config.environment.sun_intensity),
      ambientIntensity: rng.uniform(0.5, 0.9),
      background: [rng.uniform(0.55, 0.8), rng.uniform(0.6, 0.8), rng.uniform(0.65, 0.85)],
      ...sampleEnvironment(config.environment, rng.fork('environment')),
    },
    tableTopZ: 0,
    ...(robotBase ? { robotBase } : {}),
    ...(drop > 0 ? { tableDrop: drop } : {}),
  };
}

/**
 * The arm's base this episode: its station moved by up to ± base_jitter[0] metres in x and y and turned by up to
 * ± base_jitter[1] degrees about z (GenManip moves it ±0.1 m), and raised by the table's drop. Its own stream, so a build without jitter draws as before.
 */
function sampleRobotBase(config: BuildConfig, rng: Rng, drop: number): Pose {
  const station = ROBOT_STATIONS[config.task.robot].base;
  const [d, deg] = config.task.base_jitter;
  const dx = d > 0 ? rng.uniform(-d, d) : 0, dy = d > 0 ? rng.uniform(-d, d) : 0;
  const yaw = deg > 0 ? (rng.uniform(-deg, deg) * Math.PI) / 180 : 0;
  return { position: [station[0] + dx, station[1] + dy, station[2] + drop], quaternion: quatFromAxisAngle([0, 0, 1], yaw) };
}

/** A still camera raised by the table's drop (its stand keeps its place to the arm's); a wrist camera rides the arm. */
function raisedCamera(spec: CameraSpec, drop: number): CameraSpec {
  if (drop === 0 || spec.mount === 'tcp') return spec;
  return { ...spec, position: [spec.position[0], spec.position[1], spec.position[2] + drop], target: [spec.target[0], spec.target[1], spec.target[2] + drop] };
}

/**
 * The table top's texture: 512² over 1.4 × 1.2 m, its pattern repeated 4 × 4 times (35 × 30 cm, a plank's scale),
 * in one of TABLE_PATTERN_VARIANTS seeds per surface: a worker paints each (surface, seed) once (~60 ms) and keeps it,
 * instead of painting a new one every episode.
 */
const TABLE_TEXTURE_SIZE = 512;
const TABLE_TEXTURE_TILES: [number, number] = [4, 4];
const TABLE_PATTERN_VARIANTS = 8;

/** A table top of the split: its pattern (seeded), colour and a roughness within its range. */
function tableSurface(split: 'train' | 'test', rng: Rng): SceneObject['material'] {
  const t = rng.pick(tableSurfaces(split));
  const texture = { pattern: t.pattern, seed: rng.int(0, TABLE_PATTERN_VARIANTS - 1), rgb: t.rgb, size: TABLE_TEXTURE_SIZE, tiles: TABLE_TEXTURE_TILES };
  return { colorName: t.name, rgb: t.rgb, roughness: rng.uniform(...t.roughness), metalness: t.metalness, texture, maps: { relief: t.relief } };
}

/**
 * The room around the table: a built-in HDR map of the configured split, turned about the vertical, scaled, and the
 * tone-mapping exposure. Its own stream (a fork), so turning environments on or off leaves objects and cameras as
 * they were drawn.
 */
function sampleEnvironment(cfg: BuildConfig['environment'], rng: Rng): Pick<Lighting, 'environment' | 'exposure' | 'sunKelvin' | 'shadowEdge'> {
  const exposure = rng.uniform(...cfg.exposure);
  const sunKelvin = rng.uniform(...cfg.sun_kelvin);
  // drawn last, from a stream of its own: the draws before it stay where they were
  const shadowEdge = rng.fork('shadow').uniform(...cfg.shadow_edge_mm) / 1000;
  if (cfg.map === 'none') return { exposure, sunKelvin, shadowEdge };
  const maps = environmentMaps(cfg.split);
  return {
    sunKelvin,
    environment: { map: rng.pick(maps), rotation: rng.uniform(-Math.PI, Math.PI), intensity: rng.uniform(...cfg.map_intensity), background: cfg.background },
    exposure,
    shadowEdge,
  };
}
