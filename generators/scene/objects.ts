// Where a scene's objects come from: the asset library (the default: many families, held-out test split, content
// hashes recorded per episode) or plain primitives (fast, for tests of the machinery).
import { createHash } from 'node:crypto';
import { loadLibrary, type AssetLibrary } from '../../assets/library.js';
import { LibraryError } from '../../assets/core/index-file.js';
import type { AssetEntry } from '../../assets/core/asset.js';
import { type AssetInstance, instanceAppearance } from '../../assets/instance.js';
import { robotModel } from '../../assets/robots/index.js';
import type { BuildConfig } from '../../schemas/config.js';
import type { TaskPrimitive } from '../../schemas/tasks.js';
import type { Vec3 } from '../../core/math.js';
import type { Rng } from '../../core/random.js';
import { type Material, type SceneObject, type Shape, shapeFootprintRadius } from '../../core/scene.js';
import { PUT_IN_CLEARANCE, STACKABLE_CATEGORIES, containerInterior } from './geometry.js';
import { OBJECT_COLORS } from './palette.js';

/** What the sampler needs to place one object; ids, names and poses are the sampler's. */
export interface ObjectDraw {
  assetId: string;
  category: string;
  synonyms: string[];
  colorName: string;
  shape: Shape;
  material: Material;
  mass: number;
  partMasses?: number[];
  friction: number;
  restitution: number;
  /** object-frame extents when resting upright */
  size: Vec3;
  /** lying on its side is the stable pose (capsules) */
  lying?: boolean;
  roles?: string[];
}

const MAX_FOOTPRINT = 0.2; // a push or pick scene's graspable objects fit in a 20 cm circle
const MAX_RECEPTACLE = 0.3; // bowls, trays and baskets that things are put in or on may be larger

let library: AssetLibrary | undefined;

/** One library per process: read once, shared by every episode this worker runs. */
export function sceneLibrary(): AssetLibrary {
  library ??= loadLibrary();
  return library;
}

/**
 * What a manifest records of the library a build drew from: its version, size, a hash over every asset's content
 * hash (so two datasets name the same objects exactly when the hashes agree) and the invalid assets skipped by reason.
 */
export function libraryManifest(): Record<string, unknown> {
  const lib = sceneLibrary();
  const all = lib.assets();
  const h = createHash('sha256');
  for (const e of [...all].sort((a, b) => (a.id < b.id ? -1 : 1))) h.update(`${e.id}@${e.hash}\n`);
  return {
    index_version: lib.version,
    assets: all.length,
    test_assets: lib.assets({ split: 'test' }).length,
    content_sha256: h.digest('hex'),
    invalid_skipped: Object.fromEntries(Object.entries(lib.invalid).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}

/**
 * The library check a build makes once, before anything is written: the library loads, every category the config
 * names is in it, and it holds something the scene can draw. Throws a LibraryError, one line.
 */
export function checkLibraryFor(config: BuildConfig): void {
  if (config.scene.objects !== 'library') return;
  const lib = sceneLibrary();
  const have = new Set(lib.categories());
  const missing = (config.scene.categories ?? []).filter((c) => !have.has(c));
  if (missing.length > 0) {
    const known = [...have].sort();
    throw new LibraryError(lib.root, `scene.categories: ${missing.slice(0, 5).map((c) => JSON.stringify(c)).join(', ')} ${missing.length === 1 ? 'is not a category' : 'are not categories'} of the asset library (it has ${known.slice(0, 40).join(', ')}${known.length > 40 ? ', …' : ''})`);
  }
  libraryCandidates(config);
}

export function libraryCandidates(config: BuildConfig): string[] {
  const lib = sceneLibrary();
  const wanted = config.scene.categories;
  const receptacles = config.task.kind === 'pick_place';
  const source = config.scene.asset_source;
  const entries = lib.assets({ split: config.scene.asset_split, ...(wanted ? { category: wanted } : {}), ...(source !== 'any' ? { source } : {}) }).filter((e) => {
    const footprint = Math.hypot(e.size[0], e.size[1]);
    if (e.graspable && footprint <= MAX_FOOTPRINT) return true;
    return receptacles && e.roles.length > 0 && footprint <= MAX_RECEPTACLE;
  });
  if (entries.length === 0) {
    throw new LibraryError(lib.root, `the asset library has no graspable ${config.scene.asset_split}${source !== 'any' ? ` ${source}` : ''} assets${wanted ? ` in categories ${wanted.join(', ')}` : ''}`);
  }
  return entries.map((e) => e.id);
}

/** Slack between an object's grasp width and the gripper's largest opening (what a pick-and-place grasp needs). */
const GRASP_SLACK = 0.016;

/**
 * What a pick-and-place scene must hold for the configured task primitives, as pools of library ids (each pool drawn
 * from once, before the free draws): for put-on a support whose top any holdable here fits on, for put-in a low
 * container, two objects the configured robot can hold (for put-in one small enough for the container; for put-on,
 * move-near and push ones that stay where they are put and leave the fingers room above the table: no balls,
 * nothing tall or flat), and for stack two cubes (or other stackables). An empty list when the task is not pick-and-place; a pool with no
 * entries (a narrow category filter) is left out.
 */
export function taskReadyPools(config: BuildConfig, candidates: readonly string[]): string[][] {
  if (config.task.kind !== 'pick_place') return [];
  const wants = (k: TaskPrimitive) => config.task.primitives.includes(k);
  const lib = sceneLibrary();
  const opening = robotModel(config.task.robot).gripper?.maxOpening ?? 0;
  const [ax, ay] = config.scene.area;
  const entries = candidates.map((id) => lib.get(id));
  const footprint = (e: AssetEntry) => Math.hypot(e.size[0], e.size[1]);
  const fitsArea = (e: AssetEntry) => e.size[0] <= 2 * ax && e.size[1] <= 2 * ay && footprint(e) <= MAX_RECEPTACLE;
  const holdable = entries.filter((e) => e.graspable && e.roles.length === 0 && e.graspWidth < opening - GRASP_SLACK && footprint(e) <= HOLDABLE_FOOTPRINT);
  // low containers: an arm reaching into a tall pot sweeps its rim
  // and wide enough inside for what the put-in pool holds (a deep, narrow bowl is not, whatever its rim)
  const container = entries.filter((e) => e.roles.includes('container') && !e.roles.includes('support') && fitsArea(e) && Math.min(e.size[0], e.size[1]) >= MIN_CONTAINER
    && e.size[2] <= MAX_RECEPTACLE_HEIGHT && assetInnerHalf(lib, e) >= SMALL_RADIUS + PUT_IN_CLEARANCE);
  // a top every holdable fits on (put-on wants ¾ of X's footprint radius on it), low enough to reach over
  const support = entries.filter((e) => e.roles.includes('support') && !e.roles.includes('container') && fitsArea(e)
    && Math.min(e.size[0], e.size[1]) / 2 >= 0.75 * (HOLDABLE_FOOTPRINT / 2) && e.size[2] <= MAX_RECEPTACLE_HEIGHT);
  const small = holdable.filter((e) => footprint(e) <= 2 * SMALL_RADIUS * Math.SQRT2 && assetFootprintRadius(lib, e) <= SMALL_RADIUS);
  const or = (pool: AssetEntry[], fallback: AssetEntry[]) => (pool.length ? pool : fallback);
  const placeable = holdable.filter((e) => !ROLLING_CATEGORIES.has(e.category) && e.size[2] >= MIN_PLACEABLE_HEIGHT && e.size[2] <= MAX_PLACEABLE_HEIGHT);
  // stack: two cubes, the smaller of any two fits on the other's top (two long blocks may not); a library without
  // cubes (the YCB scans hold one graspable block) stacks a held block, box or can on a standing one, which need not
  // be holdable itself (a pudding box lying flat) but low enough to reach over, its top as wide as anything that goes on
  // it (pick-place-tasks.ts: a brick across a narrow can tips off)
  const stackable = (e: AssetEntry) => STACKABLE_CATEGORIES.has(e.category) && e.collider.parts <= 1 && !e.roles.includes('container');
  const cubes = placeable.filter((e) => e.category === 'cube' && stackable(e));
  const stacked = or(cubes, placeable.filter(stackable));
  const widest = Math.max(...stacked.map((e) => Math.max(e.size[0], e.size[1])));
  const stackBase = or(cubes, entries.filter((e) => stackable(e) && fitsArea(e) && Math.min(e.size[0], e.size[1]) + 0.01 >= widest
    && e.size[2] >= MIN_PLACEABLE_HEIGHT && e.size[2] <= MAX_PLACEABLE_HEIGHT));
  // put-on, move-near and push leave the object where the arm let go of it: a ball rolls on
  const staysPut = wants('place_on') || wants('move_near') || wants('push_to');
  // the largest first: a support drawn after the bowl often finds no free spot left in the area
  const pools = [
    ...(wants('place_on') ? [support] : []),
    ...(wants('place_in') ? [container] : []),
    wants('place_in') ? or(small, holdable) : staysPut ? or(placeable, holdable) : holdable,
    wants('stack') ? or(stacked, holdable) : staysPut ? or(placeable, holdable) : holdable,
    ...(wants('stack') ? [stackBase] : []),
  ];
  return pools.filter((pool) => pool.length > 0).map((pool) => pool.map((e) => e.id));
}

/** Holdables for a task-ready scene fit in a 12 cm circle, containers are 14 cm wide or more. */
const HOLDABLE_FOOTPRINT = 0.12;
const MIN_CONTAINER = 0.14;
/** containers and supports no taller than this: the arm reaches into and over them without sweeping a rim */
const MAX_RECEPTACLE_HEIGHT = 0.1;
/**
 * What goes into a container has a footprint radius below this: the low bowls' inner walls stand 3.7 cm or more
 * from the axis 1 cm above the floor, and put-in keeps 1 cm between the object and the wall.
 */
const SMALL_RADIUS = 0.026;

/** what is put on a support stands no taller than this: a standing bottle topples off a book when let go */
const MAX_PLACEABLE_HEIGHT = 0.12;
/** ...and no thinner than this: fingers closing on a carrot or a marker lying flat touch the table first */
const MIN_PLACEABLE_HEIGHT = 0.025;
/** categories whose objects roll away from where they are put (a demonstrator puts them in things, not on them) */
const ROLLING_CATEGORIES = new Set(['ball']);

/**
 * A fact of an asset's own geometry, worked out once per asset and process (pools are recomputed for every scene):
 * keyed by id and content hash, so a re-imported asset is measured anew.
 */
function perAsset(measure: (inst: AssetInstance) => number): (lib: AssetLibrary, e: AssetEntry) => number {
  const known = new Map<string, number>();
  return (lib, e) => {
    const key = `${e.id}@${e.hash}`;
    let v = known.get(key);
    if (v === undefined) known.set(key, (v = measure(lib.instantiate(e))));
    return v;
  };
}

/** The footprint radius of an asset's own shape (a ball's is half its width, a cube's half its diagonal). */
const assetFootprintRadius = perAsset((inst) => shapeFootprintRadius(inst.shape));

/** Half the free square inside a container's walls, standing upright (generators/scene/geometry.ts containerInterior). */
const assetInnerHalf = perAsset((inst) => {
  const upright = { shape: inst.shape, pose: { position: [0, 0, inst.size[2] / 2], quaternion: [0, 0, 0, 1] } } as SceneObject;
  return containerInterior(upright).innerHalf;
});

/** A library object: category first, then a variant, so rare and common families are drawn alike. */
/** The candidates of one category. */
export function ofCategory(candidates: readonly string[], category: string): string[] {
  const lib = sceneLibrary();
  return candidates.filter((id) => lib.get(id).category === category);
}

export function drawLibraryObject(candidates: readonly string[], rng: Rng): ObjectDraw {
  const lib = sceneLibrary();
  const byCategory = new Map<string, string[]>();
  for (const id of candidates) {
    const c = lib.get(id).category;
    byCategory.set(c, [...(byCategory.get(c) ?? []), id]);
  }
  const category = rng.pick([...byCategory.keys()].sort());
  const inst = lib.instantiate(rng.pick(byCategory.get(category)!), rng);
  const { shape, material } = instanceAppearance(inst);
  return {
    assetId: inst.assetRef, category: inst.category, synonyms: inst.synonyms, colorName: inst.colorName, shape,
    material, mass: inst.mass, ...(inst.colliderPartMasses ? { partMasses: inst.colliderPartMasses } : {}),
    friction: inst.friction, restitution: inst.restitution, size: inst.size, roles: [...inst.roles],
  };
}

type PrimitiveKind = BuildConfig['scene']['shapes'][number];

export function drawPrimitive(kinds: readonly PrimitiveKind[], rng: Rng, [lo, hi]: [number, number]): ObjectDraw {
  const s = rng.uniform(lo, hi);
  const color = rng.pick(OBJECT_COLORS);
  const material: Material = { colorName: color.name, rgb: color.rgb, roughness: rng.uniform(0.3, 0.8), metalness: rng.next() < 0.2 ? rng.uniform(0.3, 0.7) : 0 };
  const base = { colorName: color.name, material, mass: 0, friction: rng.uniform(0.5, 0.8), restitution: 0.05 };
  const kind = rng.pick(kinds);
  switch (kind) {
    case 'box': {
      const cube = rng.next() < 0.5;
      const size: Vec3 = cube ? [s, s, s] : [s, s * rng.uniform(0.5, 1.5), s * rng.uniform(0.5, 1.2)];
      return { ...base, assetId: `primitive/${cube ? 'cube' : 'block'}`, category: cube ? 'cube' : 'block', synonyms: cube ? ['cube', 'block'] : ['block', 'box', 'brick'], shape: { kind: 'box', size }, size };
    }
    case 'sphere':
      return { ...base, assetId: 'primitive/ball', category: 'ball', synonyms: ['ball', 'sphere'], shape: { kind: 'sphere', radius: s / 2 }, size: [s, s, s] };
    case 'cylinder': {
      const r = (s / 2) * rng.uniform(0.6, 1), h = s * rng.uniform(0.8, 1.6);
      return { ...base, assetId: 'primitive/cylinder', category: 'cylinder', synonyms: ['cylinder', 'can', 'puck'], shape: { kind: 'cylinder', radius: r, height: h }, size: [2 * r, 2 * r, h] };
    }
    case 'capsule': {
      const r = s * 0.3, h = s * rng.uniform(0.8, 1.4);
      return { ...base, assetId: 'primitive/capsule', category: 'capsule', synonyms: ['capsule', 'pill'], shape: { kind: 'capsule', radius: r, height: h }, size: [2 * r, 2 * r, h + 2 * r], lying: true };
    }
    case 'cone': {
      const r = s / 2, h = s * rng.uniform(0.9, 1.4);
      return { ...base, assetId: 'primitive/cone', category: 'cone', synonyms: ['cone', 'pyramid'], shape: { kind: 'cone', radius: r, height: h }, size: [2 * r, 2 * r, h] };
    }
  }
}
