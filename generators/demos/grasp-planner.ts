// GraspPlanner: synthesised grasps, filtered by collision (the open gripper at the grasp and along its approach,
// against the table, the other objects and the object itself), ranked by score, then tried in order against the
// arm's kinematics: the first grasp whose pre-grasp, grasp and lift poses all have IK solutions is the plan.
// Rejections are counted by reason, so a failed attempt can say why ("no collision-free grasp", "no IK solution").
import type { Mat4, Vec3 } from '../../core/math.js';
import { poseToMat4 } from '../../core/math.js';
import type { Kinematics } from '../robot/kinematics.js';
import { handParts } from '../robot/hand.js';
import { solveIk } from '../robot/ik.js';
import { type Obb, inflate, objectObb, obbMinZ, obbOverlap, transformObb } from '../robot/obb.js';
import type { RobotRig } from '../robot/rig.js';
import { surfaceSamples } from '../robot/surface.js';
import type { SceneObject } from '../../core/scene.js';
import { mat4Multiply } from '../../core/frames.js';
import { type Grasp, synthesizeGrasps } from './grasp.js';

export interface GraspPlanOptions {
  tableTopZ: number;
  /** distance of the pre-grasp pose back along the approach, metres */
  approachDistance: number;
  /** height of the lift above the grasp, metres */
  liftHeight: number;
  /** how many ranked grasps to try against IK */
  maxTries?: number;
  /** TCP height from which the arm descends to the pre-grasp, clear of everything on the table */
  safeZ: number;
  /** largest angle between a contact normal and the closing axis, radians (synthesis default otherwise) */
  maxContactAngle?: number;
}

export interface PlannedGrasp {
  grasp: Grasp;
  /** above the pre-grasp at the safe height (equal to qPre when the pre-grasp is already that high) */
  qAbove: number[];
  qPre: number[];
  qGrasp: number[];
  qLift: number[];
}

export type GraspPlanResult = { ok: true; plan: PlannedGrasp; tried: number; rejected: Record<string, number> } | { ok: false; reason: string; rejected: Record<string, number> };

/** Moves a world TCP frame by `d` along its own z (approach) axis (negative: back out). */
export function alongApproach(tcp: Mat4, d: number): Mat4 {
  const m = [...tcp];
  m[3] += tcp[2] * d;
  m[7] += tcp[6] * d;
  m[11] += tcp[10] * d;
  return m;
}

export function raised(tcp: Mat4, dz: number): Mat4 {
  const m = [...tcp];
  m[11] += dz;
  return m;
}

/** Does a world box contain any of the object's surface samples? (Exact for the object, unlike its bounding box.) */
export function obbHitsObject(b: Obb, o: SceneObject): boolean {
  const m = poseToMat4(o.pose);
  const p = surfaceSamples(o.shape).points;
  for (let i = 0; i < p.length; i += 3) {
    const w: Vec3 = [m[0] * p[i] + m[1] * p[i + 1] + m[2] * p[i + 2] + m[3] - b.center[0], m[4] * p[i] + m[5] * p[i + 1] + m[6] * p[i + 2] + m[7] - b.center[1], m[8] * p[i] + m[9] * p[i + 1] + m[10] * p[i + 2] + m[11] - b.center[2]];
    let inside = true;
    for (let k = 0; k < 3 && inside; k++) inside = Math.abs(w[0] * b.axes[k][0] + w[1] * b.axes[k][1] + w[2] * b.axes[k][2]) <= b.half[k];
    if (inside) return true;
  }
  return false;
}

/** Obstacles a gripper must avoid: everything but the table, the robot and the excepted objects. */
export function obstacles(objects: readonly SceneObject[], except: number[]): SceneObject[] {
  return objects.filter((o) => o.body !== 'fixed' && o.category !== 'robot' && !except.includes(o.id));
}

/**
 * Why the gripper, opened to `opening` with its TCP at world frame `tcp`, would collide (null: it would not).
 * `touchable` objects are tested by their surface samples (the object being grasped or released), the rest by
 * their bounding boxes, inflated by `margin`.
 */
export function gripperCollision(kin: Kinematics, tcp: Mat4, opening: number, objects: readonly SceneObject[], touchable: readonly SceneObject[], tableTopZ: number, margin = 0.004): string | null {
  for (const part of handParts(kin, opening)) {
    const b = transformObb(tcp, part.obb);
    if (obbMinZ(b) < tableTopZ + 0.002) return 'collision with the table';
    const bi = inflate(b, margin);
    for (const o of objects) if (obbOverlap(bi, objectObb(o))) return `collision with the ${o.name}`;
    for (const o of touchable) if (obbHitsObject(b, o)) return `collision with the ${o.name}`;
  }
  return null;
}

/**
 * Why the arm at configuration q would collide with the scene (null: it would not): every moving link's box
 * against the obstacles' boxes and the table; the hand's parts may touch the object being grasped.
 */
export function armCollision(rig: RobotRig, q: number[], opening: number, objects: readonly SceneObject[], target: SceneObject | null, tableTopZ: number, margin = 0.005): string | null {
  for (const { obb, hand } of rig.partBoxes(q, opening)) {
    if (obbMinZ(obb) < tableTopZ - 0.001) return 'collision of the arm with the table';
    const b = inflate(obb, margin);
    for (const o of objects) if (o !== target && obbOverlap(b, objectObb(o))) return `collision of the arm with the ${o.name}`;
    if (target && !hand && obbOverlap(b, objectObb(target))) return `collision of the arm with the ${target.name}`;
  }
  return null;
}

function count(rejected: Record<string, number>, why: string, misses?: Record<string, number>, approach?: string): void {
  if (misses && approach && why.startsWith('no IK')) misses[approach] = (misses[approach] ?? 0) + 1;
  const key = why.startsWith('collision of the arm') ? 'arm collision' : why.startsWith('collision with the') && !why.endsWith('table') ? 'collision with another object' : why.startsWith('no IK') ? 'no IK solution' : why;
  rejected[key] = (rejected[key] ?? 0) + 1;
}

export function planGrasp(target: SceneObject, objects: readonly SceneObject[], rig: RobotRig, q0: number[], opts: GraspPlanOptions): GraspPlanResult {
  const kin = rig.kin;
  const g = kin.model.gripper!;
  const home = kin.tcp(kin.model.home);
  const base = rig.basePose.position;
  // the home wrist's horizontal x-axis direction relative to the radial line through the TCP at home
  const homeWorld = mat4Multiply(poseToMat4(rig.basePose), home);
  const wristOffset = Math.atan2(homeWorld[4], homeWorld[0]) - Math.atan2(homeWorld[7] - base[1], homeWorld[3] - base[0]);
  const candidates = synthesizeGrasps(target, g, { tableTopZ: opts.tableTopZ, robotBase: base, wristOffset, maxNormalAngle: opts.maxContactAngle });
  const rejected: Record<string, number> = {};
  if (!candidates.length) return { ok: false, reason: 'no antipodal grasp fits the gripper', rejected };
  const others = obstacles(objects, [target.id]);
  let tried = 0;
  // an approach whose best candidates are out of reach has the rest out of reach too: after a few IK misses the
  // next approach (tilted reaches further, side lower) gets its turn
  const ikMisses: Record<string, number> = {};
  for (const grasp of candidates) {
    if (tried >= (opts.maxTries ?? 16)) break;
    if ((ikMisses[grasp.approach] ?? 0) >= 4) continue;
    let why: string | null = null;
    for (const s of [0, 0.35, 0.7, 1]) {
      why = gripperCollision(kin, alongApproach(grasp.tcp, -opts.approachDistance * s), g.maxOpening, others, [target], opts.tableTopZ);
      if (why) break;
    }
    if (why) {
      count(rejected, why);
      continue;
    }
    tried++;
    const preTcp = alongApproach(grasp.tcp, -opts.approachDistance);
    // no seed from the current pose: the home posture turned to face the target comes first (see facingSeed)
    const above = solveIk(kin, rig.toBase(raised(preTcp, Math.max(0, opts.safeZ - preTcp[11]))), { restarts: 3, posture: kin.model.home });
    if (!above.ok) {
      count(rejected, above.reason, ikMisses, grasp.approach);
      continue;
    }
    const pre = solveIk(kin, rig.toBase(preTcp), { seeds: [above.q], restarts: 0 });
    if (!pre.ok) {
      count(rejected, pre.reason, ikMisses, grasp.approach);
      continue;
    }
    const armHit = armCollision(rig, above.q, g.maxOpening, others, target, opts.tableTopZ) ?? armCollision(rig, pre.q, g.maxOpening, others, target, opts.tableTopZ);
    if (armHit) {
      count(rejected, armHit);
      continue;
    }
    const at = solveIk(kin, rig.toBase(grasp.tcp), { seeds: [pre.q], restarts: 0 });
    if (!at.ok) {
      count(rejected, at.reason, ikMisses, grasp.approach);
      continue;
    }
    const lift = solveIk(kin, rig.toBase(raised(grasp.tcp, opts.liftHeight)), { seeds: [at.q], restarts: 0 });
    if (!lift.ok) {
      count(rejected, lift.reason, ikMisses, grasp.approach);
      continue;
    }
    const atHit = armCollision(rig, at.q, g.maxOpening, others, target, opts.tableTopZ);
    if (atHit) {
      count(rejected, atHit);
      continue;
    }
    return { ok: true, plan: { grasp, qAbove: above.q, qPre: pre.q, qGrasp: at.q, qLift: lift.q }, tried, rejected };
  }
  const worst = Object.entries(rejected).sort((a, b) => b[1] - a[1])[0]?.[0];
  const reason = worst === 'no IK solution' ? 'no IK solution for any grasp' : worst ? `no collision-free grasp (${worst})` : 'no grasp';
  return { ok: false, reason, rejected };
}
