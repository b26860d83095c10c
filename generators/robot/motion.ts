// Time-parametrised motion for kinematic arms. Cartesian segments move the TCP on a straight line (orientation by
// slerp) and joint segments move every joint together; both use the minimum-jerk time law (zero velocity and
// acceleration at the ends), with a duration long enough for the Cartesian and joint velocity and acceleration
// limits, rounded up to whole control ticks. Paths are sampled at the physics rate, IK tracking the Cartesian
// line from the previous sample, so the arm really follows the line and every sample is checked against limits.
import type { Mat4, Vec3 } from '../../core/math.js';
import { minJerk } from '../demos/trajectory.js';
import { mat3ToQuat, mat4Rotation, quatAngle, quatSlerp } from '../../core/frames.js';
import { quatToMat3 } from '../../core/math.js';
import { refineIk } from './ik.js';
import type { Kinematics } from './kinematics.js';

export interface MotionLimits {
  /** TCP speed and acceleration, m/s and m/s² */
  linearSpeed: number;
  linearAccel: number;
  /** TCP angular speed and acceleration, rad/s and rad/s² */
  angularSpeed: number;
  angularAccel: number;
  /** share of each joint's velocity and acceleration limit a plan may use */
  jointShare: number;
}

export const DEFAULT_LIMITS: MotionLimits = { linearSpeed: 0.3, linearAccel: 1.2, angularSpeed: 1.5, angularAccel: 4, jointShare: 0.6 };
const DEFAULT_JOINT_ACCEL = 5; // rad/s² where a model gives none

export interface PlanOptions {
  physicsHz: number;
  tickHz: number;
  limits: MotionLimits;
  /** shortest segment, seconds */
  minDuration?: number;
}

export type PlanResult = { ok: true; path: number[][]; duration: number } | { ok: false; reason: string };

/** Min-jerk peak velocity is 1.875·d/T and peak acceleration 5.774·d/T²: the shortest T for both limits. */
function minJerkDuration(distance: number, vmax: number, amax: number): number {
  return Math.max((1.875 * distance) / vmax, Math.sqrt((5.774 * distance) / amax));
}

function tickRound(t: number, tickHz: number): number {
  return Math.max(1, Math.ceil(t * tickHz - 1e-9)) / tickHz;
}

/**
 * Checks a sampled path against joint velocity and acceleration limits; returns the worst ratio (≤ 1 is fine).
 * Differences are taken over `stride` samples: IK converges to a tolerance, not exactly, and second differences
 * at the physics rate would turn 1e-6 rad of solver noise into rad/s² of phantom acceleration.
 */
export function limitRatio(kin: Kinematics, q0: number[], path: number[][], hz: number, share: number, stride = 4): number {
  const acc = kin.model.accelerationLimits;
  const pts = [q0, ...path];
  const h = stride / hz;
  let worst = 0;
  const prevV = new Array<number>(kin.dof).fill(0);
  for (let k = stride; k < pts.length + stride; k += stride) {
    const q = pts[Math.min(k, pts.length - 1)], prev = pts[k - stride];
    for (let i = 0; i < kin.dof; i++) {
      const v = (q[i] - prev[i]) / h;
      const a = (v - prevV[i]) / h;
      worst = Math.max(worst, Math.abs(v) / (kin.velocity[i] * share), Math.abs(a) / ((acc?.[i] ?? DEFAULT_JOINT_ACCEL) * share));
      prevV[i] = v;
    }
    if (k >= pts.length - 1) break;
  }
  return worst;
}

/** Straight-line TCP motion from the TCP at q0 to `target` (base frame). */
export function planCartesian(kin: Kinematics, q0: number[], target: Mat4, opts: PlanOptions): PlanResult {
  const from = kin.tcp(q0);
  const p0: Vec3 = [from[3], from[7], from[11]];
  const p1: Vec3 = [target[3], target[7], target[11]];
  const r0 = mat3ToQuat(mat4Rotation(from));
  const r1 = mat3ToQuat(mat4Rotation(target));
  const d = Math.hypot(p1[0] - p0[0], p1[1] - p0[1], p1[2] - p0[2]);
  const th = quatAngle(r0, r1);
  const L = opts.limits;
  const redundant = kin.dof > 6;
  let T = Math.max(opts.minDuration ?? 0.3, minJerkDuration(d, L.linearSpeed, L.linearAccel), minJerkDuration(th, L.angularSpeed, L.angularAccel));
  for (let attempt = 0; attempt < 4; attempt++, T *= 1.6) {
    const duration = tickRound(T, opts.tickHz);
    const n = Math.round(duration * opts.physicsHz);
    const path: number[][] = [];
    let q = q0;
    for (let k = 1; k <= n; k++) {
      const s = minJerk(k / n);
      const rq = quatSlerp(r0, r1, s);
      const r = quatToMat3(rq);
      const m: Mat4 = [r[0], r[1], r[2], p0[0] + (p1[0] - p0[0]) * s, r[3], r[4], r[5], p0[1] + (p1[1] - p0[1]) * s, r[6], r[7], r[8], p0[2] + (p1[2] - p0[2]) * s, 0, 0, 0, 1];
      // from the previous sample, with a null-space pull back to where the segment started: a redundant arm
      // then moves only as much as the TCP path needs
      const sol = refineIk(kin, m, q, { maxIterations: 40, tolPosition: 1e-6, tolRotation: 1e-5, nullspace: redundant ? { target: q0, gain: 0.05 } : undefined });
      // a few millimetres off the line (a joint at its limit, slow convergence near a singularity) is no failure:
      // the recorded TCP is FK of these joints, not the line
      if (!sol.ok && (sol.positionError > 5e-3 || sol.rotationError > 0.05)) {
        return { ok: false, reason: `no IK solution along the path: ${sol.reason.replace(/^no IK solution within joint limits /, '')}` };
      }
      q = sol.q;
      path.push(q);
    }
    const ratio = limitRatio(kin, q0, path, opts.physicsHz, L.jointShare);
    if (ratio <= 1) return { ok: true, path, duration };
  }
  return { ok: false, reason: 'path exceeds joint velocity or acceleration limits (near a singularity)' };
}

/** Joint-space motion from q0 to q1. */
export function planJoint(kin: Kinematics, q0: number[], q1: number[], opts: PlanOptions): PlanResult {
  const acc = kin.model.accelerationLimits;
  const share = opts.limits.jointShare;
  let T = opts.minDuration ?? 0.5;
  for (let i = 0; i < kin.dof; i++) {
    T = Math.max(T, minJerkDuration(Math.abs(q1[i] - q0[i]), kin.velocity[i] * share, (acc?.[i] ?? DEFAULT_JOINT_ACCEL) * share));
  }
  const duration = tickRound(T, opts.tickHz);
  const n = Math.round(duration * opts.physicsHz);
  const path: number[][] = [];
  for (let k = 1; k <= n; k++) {
    const s = minJerk(k / n);
    path.push(q0.map((a, i) => a + (q1[i] - a) * s));
  }
  return { ok: true, path, duration };
}
