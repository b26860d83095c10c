// Task primitives for scripted manipulation: what each asks for, which objects can play which part, and success
// judged from the physics state alone (poses, contacts read off geometry); generators/language says it in words:
//   pick      — X lifted at least h above where it lay
//   place_on  — X resting on Y's top, off the table
//   stack     — the same for two stackables (blocks, boxes, cans), X centred on Y
//   place_in  — X's centre inside Y's walls, below the rim, above the floor
//   move_near — X on the table with a gap to Y below d
//   push_to   — X's centre inside a named region of the table
import type { Pose, Vec3 } from '../../core/math.js';
import type { Rng } from '../../core/random.js';
import { type Scene, type SceneObject, shapeHalfExtents } from '../../core/scene.js';
import { PUT_IN_CLEARANCE, STACKABLE_CATEGORIES, containerInterior, footprintRadius, topHalfSize, zRange } from '../scene/geometry.js';

import { TASK_PRIMITIVES, type TaskPrimitive } from '../../schemas/tasks.js';

export { TASK_PRIMITIVES, type TaskPrimitive };

export interface Region {
  /** words for the instruction: "the left side of the table" */
  name: string;
  /** axis-aligned rectangle on the table, world x/y */
  min: [number, number];
  max: [number, number];
}

export interface TaskSpec {
  primitive: TaskPrimitive;
  objectId: number;
  referenceId?: number;
  region?: Region;
  /** pick: how high X must rise, metres */
  liftHeight: number;
  /** move_near: largest gap between X and Y, metres */
  nearDistance: number;
}

const CONTAINERS = new Set(['bowl', 'tray', 'basket', 'bin', 'box_container', 'pot', 'pan', 'crate']);
const FLAT_TOPPED = new Set(['cube', 'block', 'cylinder', 'plate', 'tray', 'book', 'box']);

function roles(o: SceneObject): string[] {
  return o.roles ?? [];
}

export function isContainer(o: SceneObject): boolean {
  return roles(o).includes('container') || CONTAINERS.has(o.category);
}

/** Local z axis close to world up: the object stands as modelled (a standing cylinder, a box on a face). */
function upright(o: SceneObject): boolean {
  const [x, y] = o.pose.quaternion;
  return 1 - 2 * (x * x + y * y) > 0.97;
}

export function isSupport(o: SceneObject): boolean {
  if (isContainer(o) && !roles(o).includes('support')) return false;
  return roles(o).includes('support') || (FLAT_TOPPED.has(o.category) && upright(o) && (o.shape.kind === 'box' || o.shape.kind === 'cylinder' || o.shape.kind === 'mesh'));
}

/**
 * A block, box or can standing on its flat base: a box or an upright cylinder, or a convex mesh (a bevelled library
 * cube, a scanned box or can).
 */
export function isStackable(o: SceneObject): boolean {
  const convex = o.shape.kind === 'box' || o.shape.kind === 'cylinder' || (o.shape.kind === 'mesh' && (o.shape.convexParts?.length ?? 1) <= 1);
  return STACKABLE_CATEGORIES.has(o.category) && convex && upright(o);
}

/** Regions named from the robot's point of view (it stands at −x facing +x, so its left is +y). */
export function tableRegions(area: [number, number]): Region[] {
  const [ax, ay] = area;
  const s = 0.1;
  return [
    { name: 'the left side of the table', min: [-ax - s, ay * 0.45], max: [ax + s, ay + s] },
    { name: 'the right side of the table', min: [-ax - s, -ay - s], max: [ax + s, -ay * 0.45] },
    { name: 'the far side of the table', min: [ax * 0.45, -ay - s], max: [ax + s, ay + s] },
    { name: 'the near side of the table', min: [-ax - s, -ay - s], max: [-ax * 0.45, ay + s] },
  ];
}

export function inRegion(p: Vec3, r: Region): boolean {
  return p[0] >= r.min[0] && p[0] <= r.max[0] && p[1] >= r.min[1] && p[1] <= r.max[1];
}

export interface Outcome {
  success: boolean;
  reason: string | null;
}

const REST_SPEED = 0.02;

/**
 * Judges a task from the physics state: poses now, poses at the start, and the largest body speed now (a placement
 * still moving is not a placement).
 */
export function evaluateTask(scene: Scene, t: TaskSpec, start: Record<number, Pose>, maxSpeed: number): Outcome {
  const x = scene.objects.find((o) => o.id === t.objectId)!;
  const p = x.pose.position;
  const fail = (reason: string): Outcome => ({ success: false, reason });
  if (p[2] < scene.tableTopZ - 0.05) return fail('object fell off the table');
  const ex = zRange(x);
  switch (t.primitive) {
    case 'pick': {
      const rise = ex.zmin - zRange({ ...x, pose: start[x.id] }).zmin;
      return rise >= t.liftHeight ? { success: true, reason: null } : fail(`object lifted ${(rise * 100).toFixed(1)} cm of ${(t.liftHeight * 100).toFixed(1)} cm`);
    }
    case 'place_on':
    case 'stack': {
      const y = scene.objects.find((o) => o.id === t.referenceId)!;
      if (maxSpeed > REST_SPEED) return fail('unstable placement: still moving');
      const top = zRange(y).zmax;
      const off = Math.hypot(p[0] - y.pose.position[0], p[1] - y.pose.position[1]);
      const limit = t.primitive === 'stack' ? 0.5 * topHalfSize(y) + 0.01 : topHalfSize(y) + 0.005;
      // resting on Y's top, not on the table beside it: within half Y's height of the top (an 8 mm book too)
      if (Math.abs(ex.zmin - top) > Math.min(0.012, (top - scene.tableTopZ) / 2)) return fail(`unstable placement: not resting on the ${y.name}`);
      if (off > limit) return fail(`unstable placement: ${(off * 100).toFixed(1)} cm off the ${y.name}'s centre`);
      return { success: true, reason: null };
    }
    case 'place_in': {
      const y = scene.objects.find((o) => o.id === t.referenceId)!;
      if (maxSpeed > REST_SPEED) return fail('unstable placement: still moving');
      const inside = containerInterior(y);
      const d = [p[0] - y.pose.position[0], p[1] - y.pose.position[1]];
      const within = Math.max(Math.abs(d[0]), Math.abs(d[1])) <= inside.innerHalf + 0.003;
      if (!within || p[2] > inside.rimZ || ex.zmin < inside.floorZ - 0.01) return fail(`object not inside the ${y.name}`);
      return { success: true, reason: null };
    }
    case 'move_near': {
      const y = scene.objects.find((o) => o.id === t.referenceId)!;
      if (maxSpeed > REST_SPEED) return fail('unstable placement: still moving');
      const gap = Math.hypot(p[0] - y.pose.position[0], p[1] - y.pose.position[1]) - footprintRadius(x) - footprintRadius(y);
      if (ex.zmin > scene.tableTopZ + 0.01) return fail('object not on the table');
      return gap <= t.nearDistance ? { success: true, reason: null } : fail(`object ${(gap * 100).toFixed(1)} cm from the ${y.name}`);
    }
    case 'push_to':
      return inRegion(p, t.region!) ? { success: true, reason: null } : fail(`object not in ${t.region!.name}`);
  }
}


/** Half of an object's widest horizontal extent in its own frame (a cylinder's radius). */
function widestHalf(o: SceneObject): number {
  const h = shapeHalfExtents(o.shape);
  return Math.max(h[0], h[1]);
}

/** Balls, and capsules or cylinders lying on their side. */
export function rolls(o: SceneObject): boolean {
  return o.shape.kind === 'sphere' || ((o.shape.kind === 'capsule' || o.shape.kind === 'cylinder') && !upright(o));
}

/** Candidate (X, Y) pairs for a task kind, in random order; `canHold` says what the gripper can hold at all, reachability is checked by the caller. */
export function taskCandidates(scene: Scene, primitive: TaskPrimitive, rng: Rng, canHold: (o: SceneObject) => boolean): { x: SceneObject; y?: SceneObject }[] {
  const objs = scene.objects.filter((o) => o.annotated && o.body === 'dynamic' && o.category !== 'robot' && !o.distractor);
  const graspable = objs.filter((o) => !isContainer(o) && canHold(o));
  const out: { x: SceneObject; y?: SceneObject }[] = [];
  for (const x of graspable) {
    if (primitive === 'pick' || primitive === 'push_to') out.push({ x });
    for (const y of objs) {
      if (y === x) continue;
      const fits = footprintRadius(x) * 0.75 <= topHalfSize(y) + 0.005;
      // round things lying down roll off a top, or away from where they were put: not placements a demonstrator
      // would choose, nor a reference to put something next to
      if (primitive === 'place_on' && isSupport(y) && !rolls(x) && fits) out.push({ x, y });
      // a stack stands squarely: X no wider than Y's top (a brick across a narrow can tips off its edge)
      if (primitive === 'stack' && isStackable(x) && isStackable(y) && fits && widestHalf(x) <= topHalfSize(y) + 0.005) out.push({ x, y });
      if (primitive === 'place_in' && isContainer(y) && footprintRadius(x) + PUT_IN_CLEARANCE < containerInterior(y).innerHalf) out.push({ x, y });
      if (primitive === 'move_near' && !isContainer(y) && !rolls(x) && !rolls(y)) out.push({ x, y });
    }
  }
  return rng.shuffle(out);
}
