// Inverse kinematics: Levenberg–Marquardt on the 6-D pose error with Sugihara's damping (W_N = E·I + λ̄·I), which
// stays well-behaved near singularities and far from the solution, joint limits enforced by clamping every step,
// and seeded restarts because one local method from one seed misses solutions a different elbow or wrist would
// reach. A failure says how close the best attempt came, so a planner can log why it gave up.
import type { Mat4 } from '../../core/math.js';
import { Rng } from '../../core/random.js';
import { mat4Rotation, rotationError } from '../../core/frames.js';
import type { Kinematics } from './kinematics.js';

export interface IkOptions {
  /** starting configurations tried first, in order (e.g. the current one, then home) */
  seeds?: number[][];
  /** random restarts after the seeds */
  restarts?: number;
  rng?: Rng;
  maxIterations?: number;
  /** metres */
  tolPosition?: number;
  /** radians */
  tolRotation?: number;
  /** a configuration to stay near while far from the solution (redundant arms) */
  posture?: number[];
  /**
   * Pull toward this configuration in the Jacobian's null space only (it never costs task accuracy): keeps a
   * redundant arm tracking a path from drifting through its self-motion.
   */
  nullspace?: { target: number[]; gain: number };
}

export interface IkSuccess {
  ok: true;
  q: number[];
  positionError: number;
  rotationError: number;
  iterations: number;
}

export interface IkFailure {
  ok: false;
  reason: string;
  /** the closest configuration found */
  q: number[];
  positionError: number;
  rotationError: number;
}

export type IkResult = IkSuccess | IkFailure;

const ROT_WEIGHT = 0.3; // a radian of orientation error weighs like 0.55 m of position error
const LAMBDA_BAR = 1e-4;
const MAX_STEP = 0.4; // rad per iteration: LM steps far from the solution can be wild

/** Solves A x = b for a small symmetric positive-definite A (n × n, row-major) by Cholesky; A is overwritten. */
function choleskySolve(A: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j];
    for (let k = 0; k < j; k++) d -= A[j * n + k] * A[j * n + k];
    d = Math.sqrt(Math.max(d, 1e-15));
    A[j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= A[i * n + k] * A[j * n + k];
      A[i * n + j] = s / d;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= A[i * n + k] * y[k];
    y[i] = s / A[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= A[k * n + i] * y[k];
    y[i] = s / A[i * n + i];
  }
  return y;
}

interface PoseError {
  e: Float64Array;
  pos: number;
  rot: number;
  cost: number;
}

function poseError(target: Mat4, tcp: Mat4): PoseError {
  const w = rotationError(mat4Rotation(target), mat4Rotation(tcp));
  const e = new Float64Array([target[3] - tcp[3], target[7] - tcp[7], target[11] - tcp[11], w[0], w[1], w[2]]);
  const pos = Math.hypot(e[0], e[1], e[2]);
  const rot = Math.hypot(w[0], w[1], w[2]);
  return { e, pos, rot, cost: 0.5 * (pos * pos + ROT_WEIGHT * rot * rot) };
}

/** One local solve from one seed. */
export function refineIk(kin: Kinematics, target: Mat4, seed: ArrayLike<number>, opts: IkOptions = {}): IkResult {
  const n = kin.dof;
  const maxIt = opts.maxIterations ?? 100;
  const tolP = opts.tolPosition ?? 1e-4;
  const tolR = opts.tolRotation ?? 1e-3;
  const q = kin.clamp(Array.from(seed));
  let { tcp, J } = kin.tcpJacobian(q);
  let err = poseError(target, tcp);
  let it = 0;
  for (; it < maxIt && (err.pos > tolP || err.rot > tolR); it++) {
    // H = Jᵀ W J + W_N,  g = Jᵀ W e
    const H = new Float64Array(n * n);
    const g = new Float64Array(n);
    for (let r = 0; r < 6; r++) {
      const w = r < 3 ? 1 : ROT_WEIGHT;
      for (let i = 0; i < n; i++) {
        const ji = J[r * n + i] * w;
        g[i] += ji * err.e[r];
        for (let k = i; k < n; k++) H[i * n + k] += ji * J[r * n + k];
      }
    }
    const damping = err.cost + LAMBDA_BAR;
    // the posture pull fades as the error does, so it shapes the solution without biasing the converged pose
    const mu = opts.posture ? 0.02 * Math.min(1, err.cost * 50) : 0;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < i; k++) H[i * n + k] = H[k * n + i];
      H[i * n + i] += damping + mu;
      if (opts.posture) g[i] += mu * (opts.posture[i] - q[i]);
    }
    const Hc = opts.nullspace && it === 0 ? H.slice() : H;
    const dqTask = choleskySolve(H, g, n);
    const steps = [dqTask];
    if (opts.nullspace && it === 0) {
      // once per solve: the damped projector leaks a little into the task, so later iterations only converge
      const full = dqTask.slice();
      addNullspaceStep(full, Hc, J, n, opts.nullspace, q);
      steps.unshift(full);
    }
    // halve the step while it makes things worse (clamping can turn a good LM step into a bad one); a step with
    // the null-space pull that does not help is retried without it
    let improved = false;
    for (const dq of steps) {
      let big = 0;
      for (let i = 0; i < n; i++) big = Math.max(big, Math.abs(dq[i]));
      const s = big > MAX_STEP ? MAX_STEP / big : 1;
      for (let h = 0, f = s; h < 5 && !improved; h++, f /= 2) {
        const trial = kin.clamp(q.map((v, i) => v + f * dq[i]));
        const tj = kin.tcpJacobian(trial);
        const te = poseError(target, tj.tcp);
        if (te.cost < err.cost) {
          for (let i = 0; i < n; i++) q[i] = trial[i];
          ({ tcp, J } = tj);
          err = te;
          improved = true;
        }
      }
      if (improved) break;
    }
    if (!improved) break; // a local minimum (often a joint limit): let another seed try
  }
  if (err.pos <= tolP && err.rot <= tolR) return { ok: true, q, positionError: err.pos, rotationError: err.rot, iterations: it };
  return { ok: false, reason: describeMiss(err.pos, err.rot), q, positionError: err.pos, rotationError: err.rot };
}

/**
 * dq += (I − A)·k·(target − q) with A = H⁻¹·JᵀWJ, the LM step's response to a unit change: the part of the pull
 * the task does not see.
 */
function addNullspaceStep(dq: Float64Array, H: Float64Array, J: Float64Array, n: number, ns: { target: number[]; gain: number }, q: number[]): void {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = ns.gain * (ns.target[i] - q[i]);
  // Jv, then JᵀW(Jv), then H⁻¹ of that
  const jv = new Float64Array(6);
  for (let r = 0; r < 6; r++) for (let i = 0; i < n; i++) jv[r] += J[r * n + i] * v[i];
  const b = new Float64Array(n);
  for (let r = 0; r < 6; r++) {
    const w = r < 3 ? 1 : ROT_WEIGHT;
    for (let i = 0; i < n; i++) b[i] += J[r * n + i] * w * jv[r];
  }
  const av = choleskySolve(H, b, n);
  for (let i = 0; i < n; i++) dq[i] += v[i] - av[i];
}

function describeMiss(pos: number, rot: number): string {
  return `no IK solution within joint limits (closest: ${(pos * 100).toFixed(1)} cm, ${((rot * 180) / Math.PI).toFixed(1)}°)`;
}

function randomSeed(kin: Kinematics, rng: Rng): number[] {
  return kin.lower.map((lo, i) => {
    const a = Number.isFinite(lo) ? lo : -Math.PI;
    const b = Number.isFinite(kin.upper[i]) ? kin.upper[i] : Math.PI;
    return rng.uniform(a, b);
  });
}

/**
 * Home turned toward the target about a vertical first joint (a waist), the posture a person would start from:
 * without it an arm reaching sideways from home twists its forearm and wrist instead of turning its waist, and
 * sweeps them through whatever stands beside it.
 */
export function facingSeed(kin: Kinematics, target: Mat4): number[] {
  const home = [...kin.model.home];
  const first = kin.model.joints.find((j) => j.name === kin.model.armJoints[0])!;
  if (first.type === 'prismatic' || Math.abs(first.axis[2]) < 0.99) return home;
  const homeTcp = kin.tcp(home);
  const turn = Math.atan2(target[7], target[3]) - Math.atan2(homeTcp[7], homeTcp[3]);
  home[0] = Math.min(kin.upper[0], Math.max(kin.lower[0], home[0] + Math.sign(first.axis[2]) * turn));
  // then the last joint (the flange or wrist rotation) turned so the TCP's x axis lines up with the target's
  const last = kin.dof - 1;
  const { tcp, J } = kin.tcpJacobian(home);
  const a = [J[3 * kin.dof + last], J[4 * kin.dof + last], J[5 * kin.dof + last]];
  const proj = (v: number[]) => {
    const d = v[0] * a[0] + v[1] * a[1] + v[2] * a[2];
    return [v[0] - d * a[0], v[1] - d * a[1], v[2] - d * a[2]];
  };
  const xc = proj([tcp[0], tcp[4], tcp[8]]);
  const xt = proj([target[0], target[4], target[8]]);
  const cross = [xc[1] * xt[2] - xc[2] * xt[1], xc[2] * xt[0] - xc[0] * xt[2], xc[0] * xt[1] - xc[1] * xt[0]];
  const ang = Math.atan2(cross[0] * a[0] + cross[1] * a[1] + cross[2] * a[2], xc[0] * xt[0] + xc[1] * xt[1] + xc[2] * xt[2]);
  for (const cand of [home[last] + ang, home[last] + ang - 2 * Math.PI, home[last] + ang + 2 * Math.PI]) {
    if (cand >= kin.lower[last] && cand <= kin.upper[last]) {
      home[last] = cand;
      break;
    }
  }
  return home;
}

/** Full solve: the given seeds, then random restarts; the first converged solution wins. */
export function solveIk(kin: Kinematics, target: Mat4, opts: IkOptions = {}): IkResult {
  const facing = facingSeed(kin, target);
  const seeds = [...(opts.seeds ?? []), facing, kin.model.home];
  if (opts.posture) opts = { ...opts, posture: facing };
  const rng = opts.rng ?? new Rng(0x1c0ffee);
  const restarts = opts.restarts ?? 8;
  let best: IkFailure | undefined;
  for (let k = 0; k < seeds.length + restarts; k++) {
    const seed = k < seeds.length ? seeds[k] : randomSeed(kin, rng);
    const r = refineIk(kin, target, seed, opts);
    if (r.ok) return r;
    if (!best || r.positionError + 0.1 * r.rotationError < best.positionError + 0.1 * best.rotationError) best = r;
  }
  return { ...best!, reason: describeMiss(best!.positionError, best!.rotationError) };
}
