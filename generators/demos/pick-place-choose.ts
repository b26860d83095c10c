// Task choice: a scripted demonstrator only attempts what it can plan. A task kind is drawn, its candidate
// objects shuffled, and the first candidate with a collision-free, kinematically reachable grasp (and a reachable
// place or push) becomes the episode's task. What happens in physics afterwards is the attempt.
import type { Mat4, Vec3 } from '../../core/math.js';
import type { Rng } from '../../core/random.js';
import { refineIk, solveIk } from '../robot/ik.js';
import type { RobotRig } from '../robot/rig.js';
import type { Scene, SceneObject } from '../../core/scene.js';
import { frameFromAxes, synthesizeGrasps } from './grasp.js';
import { type PlannedGrasp, planGrasp, raised } from './grasp-planner.js';
import { type PushPlan, type PlaceTarget, carryHeight, placeTarget, pushPlans, spotsBeside } from './pick-place-plan.js';
import { type TaskPrimitive, type TaskSpec, taskCandidates } from './pick-place-tasks.js';
import { minWidth, zRange } from '../scene/geometry.js';

export interface ChosenTask {
  spec: TaskSpec;
  grasp?: PlannedGrasp;
  place?: PlaceTarget;
  spot?: Vec3;
  push?: PushPlan;
}

export interface ChoiceOptions {
  primitives: readonly TaskPrimitive[];
  liftHeight: number;
  nearDistance: number;
  approachDistance: number;
  area: [number, number];
  tableHalf: readonly [number, number];
  /** candidates examined per primitive before giving up on it */
  maxCandidates?: number;
  maxContactAngle?: number;
  /** whether a sentence can name the object unambiguously (task-language.ts); absent: every object */
  nameable?: (o: SceneObject) => boolean;
}

/** A TCP height from which the arm can move anywhere over the table without touching what stands on it. */
export function safeHeight(scene: Scene): number {
  let top = scene.tableTopZ;
  for (const o of scene.objects) if (o.body !== 'fixed' && o.category !== 'robot') top = Math.max(top, zRange(o).zmax);
  return top + 0.08;
}

/** A world TCP frame translated so that the object it holds moves from `from` to `to`. */
export function shifted(tcp: Mat4, from: Vec3, to: Vec3): Mat4 {
  const m = [...tcp];
  m[3] += to[0] - from[0];
  m[7] += to[1] - from[1];
  m[11] += to[2] - from[2];
  return m;
}

/** Top-down TCP frame whose x axis points along `dir` (closed fingers push with their wide side). */
export function pushFrame(dir: Vec3, p: Vec3): Mat4 {
  const y: Vec3 = [dir[1], -dir[0], 0]; // x × y = −z: right-handed with z down
  return frameFromAxes(dir, y, [0, 0, -1], p);
}

/** IK for each target in turn, each from the previous solution (the arm moves between them continuously). */
function reachable(rig: RobotRig, q: number[], targets: Mat4[]): boolean {
  let seed = q;
  for (const t of targets) {
    const r = seed === q && q === rig.kin.model.home ? solveIk(rig.kin, rig.toBase(t), { restarts: 2, posture: rig.kin.model.home }) : refineIk(rig.kin, rig.toBase(t), seed);
    if (!r.ok || limitMargin(rig, r.q) < 0.05) return false;
    seed = r.q;
  }
  return true;
}

/** Smallest distance of any arm joint from its limits (rad or m): a pose at a limit leaves no room to move on. */
function limitMargin(rig: RobotRig, q: number[]): number {
  const k = rig.kin;
  return Math.min(...q.map((v, i) => Math.min(v - k.lower[i], k.upper[i] - v)));
}

function tryPlace(scene: Scene, rig: RobotRig, spec: TaskSpec, x: SceneObject, y: SceneObject | undefined, g: PlannedGrasp, o: ChoiceOptions): ChosenTask | null {
  const spots = spec.primitive === 'move_near' ? spotsBeside(x, y!, scene.objects, scene.tableTopZ, o.tableHalf, rig.basePose.position) : [undefined];
  for (const spot of spots) {
    const place = placeTarget(spec, x, y, scene.tableTopZ, spot);
    if (!place) continue;
    const tcpPlace = shifted(g.grasp.tcp, x.pose.position, place.center);
    const tcpAboveBottom = g.grasp.tcp[11] - zRange(x).zmin;
    const carry = carryHeight(scene.objects, x, tcpAboveBottom, place.center[2] - (x.pose.position[2] - zRange(x).zmin) + 0.05);
    const above = [...tcpPlace];
    above[11] = Math.max(carry, tcpPlace[11]);
    const liftedHere = raised(g.grasp.tcp, Math.max(0, above[11] - g.grasp.tcp[11]));
    if (reachable(rig, g.qGrasp, [liftedHere, above, raised(tcpPlace, 0.04), tcpPlace])) return { spec, grasp: g, place, spot };
  }
  return null;
}

export function chooseTask(scene: Scene, rig: RobotRig, q: number[], rng: Rng, o: ChoiceOptions): ChosenTask | { failure: string } {
  const g = rig.kin.model.gripper!;
  const primitives = rng.shuffle([...o.primitives]);
  // what this gripper can hold at all: narrow enough, with an antipodal pair of contacts somewhere (a cone's
  // slanted side never qualifies); without any such object a task is not attempted
  const held = new Map<number, boolean>();
  const holdable = (x: SceneObject) => {
    if (!held.has(x.id)) held.set(x.id, minWidth(x) < g.maxOpening - 0.016 && synthesizeGrasps(x, g, { tableTopZ: scene.tableTopZ, robotBase: rig.basePose.position, wristOffset: 0, maxNormalAngle: o.maxContactAngle }).length > 0);
    return held.get(x.id)!;
  };
  let why = 'the scene has no objects for the task';
  for (const primitive of primitives) {
    const named = o.nameable ?? (() => true);
    const all = taskCandidates(scene, primitive, rng, holdable);
    const cands = all.filter(({ x, y }) => named(x) && (!y || named(y))).slice(0, o.maxCandidates ?? 12);
    if (all.length > 0 && cands.length === 0 && why === 'the scene has no objects for the task') why = 'no object the instruction can name unambiguously';
    const grasps = new Map<number, ReturnType<typeof planGrasp>>();
    if (cands.length && why === 'the scene has no objects for the task') why = 'nothing reachable';
    for (const { x, y } of cands) {
      const spec: TaskSpec = { primitive, objectId: x.id, referenceId: y?.id, liftHeight: o.liftHeight, nearDistance: o.nearDistance };
      if (primitive === 'push_to') {
        const tipBelow = g.pad.centerZ + g.pad.length / 2;
        for (const push of pushPlans(x, scene.objects, o.area, scene.tableTopZ + 0.008 + tipBelow)) {
          const start = pushFrame(push.dir, push.start);
          if (reachable(rig, q, [raised(start, Math.max(0.1, safeHeight(scene) - start[11])), start, pushFrame(push.dir, push.end)])) return { spec: { ...spec, region: push.region }, push };
        }
        why = 'no reachable push';
        continue;
      }
      // one grasp plan per object, however many pairs it is in
      const gp = grasps.get(x.id) ?? planGrasp(x, scene.objects, rig, q, { tableTopZ: scene.tableTopZ, approachDistance: o.approachDistance, liftHeight: Math.max(0.12, o.liftHeight + 0.04), safeZ: safeHeight(scene), maxContactAngle: o.maxContactAngle });
      grasps.set(x.id, gp);
      if (!gp.ok) {
        why = gp.reason;
        continue;
      }
      if (primitive === 'pick') return { spec, grasp: gp.plan };
      const chosen = tryPlace(scene, rig, spec, x, y, gp.plan, o);
      if (chosen) return chosen;
      why = 'no reachable placement';
    }
  }
  return { failure: `no feasible task (${why})` };
}
