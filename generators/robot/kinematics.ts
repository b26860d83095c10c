// Forward kinematics and the geometric Jacobian over a RobotModel's joint tree. The model is compiled once into
// flat arrays (origins as matrices, axes, which q drives which joint), because FK runs at every physics step.
import type { Mat4, Vec3 } from '../../core/math.js';
import { poseToMat4 } from '../../core/math.js';
import { IDENTITY4 } from '../../core/frames.js';
import { type JointType, type RobotModel, chainTo, validateRobotModel } from '../../core/robot-model.js';

interface CompiledJoint {
  name: string;
  type: JointType;
  parentLink: number;
  childLink: number;
  /** origin as a 3×4 row-major affine transform */
  origin: Float64Array;
  axis: Vec3;
  /** index into the arm vector, or −1 */
  arm: number;
  /** finger joint: its value follows the gripper opening */
  finger: boolean;
  mimic?: { joint: number; multiplier: number; offset: number };
}

// 3×4 row-major affine transforms in typed arrays, composed in place: FK runs for every physics step and every
// IK iteration, and array-per-product code spent more time in the garbage collector than in arithmetic.
export type Affine = Float64Array;

export function affineFromMat4(m: Mat4): Affine {
  return Float64Array.from(m.slice(0, 12));
}

/** out = a · b (out may not alias a or b). */
export function mul(out: Affine, a: Affine, b: Affine): Affine {
  for (let i = 0; i < 3; i++) {
    const r = i * 4;
    const a0 = a[r], a1 = a[r + 1], a2 = a[r + 2];
    out[r] = a0 * b[0] + a1 * b[4] + a2 * b[8];
    out[r + 1] = a0 * b[1] + a1 * b[5] + a2 * b[9];
    out[r + 2] = a0 * b[2] + a1 * b[6] + a2 * b[10];
    out[r + 3] = a0 * b[3] + a1 * b[7] + a2 * b[11] + a[r + 3];
  }
  return out;
}

/** The joint's motion for value q into `out` (identity for fixed joints and q = 0). */
function motionInto(out: Affine, type: JointType, axis: Vec3, q: number): Affine {
  const [x, y, z] = axis;
  if (type === 'prismatic' || type === 'fixed' || q === 0) {
    const d = type === 'prismatic' ? q : 0;
    out[0] = 1; out[1] = 0; out[2] = 0; out[3] = x * d;
    out[4] = 0; out[5] = 1; out[6] = 0; out[7] = y * d;
    out[8] = 0; out[9] = 0; out[10] = 1; out[11] = z * d;
    return out;
  }
  const c = Math.cos(q), s = Math.sin(q), t = 1 - c;
  out[0] = t * x * x + c; out[1] = t * x * y - s * z; out[2] = t * x * z + s * y; out[3] = 0;
  out[4] = t * x * y + s * z; out[5] = t * y * y + c; out[6] = t * y * z - s * x; out[7] = 0;
  out[8] = t * x * z - s * y; out[9] = t * y * z + s * x; out[10] = t * z * z + c; out[11] = 0;
  return out;
}

function toMat4(a: Affine): Mat4 {
  return [a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], 0, 0, 0, 1];
}

const IDENTITY_AFFINE = affineFromMat4(IDENTITY4);

export class Kinematics {
  readonly dof: number;
  readonly lower: number[];
  readonly upper: number[];
  readonly velocity: number[];
  readonly linkNames: string[];
  private readonly joints: CompiledJoint[] = [];
  /** indices into `joints` from base to the TCP link */
  private readonly chain: number[];
  private readonly tcpOffset: Affine;
  private readonly frames: Affine[];
  private readonly values: Float64Array;
  private readonly scratch = [new Float64Array(12), new Float64Array(12), new Float64Array(12), new Float64Array(12)];
  private readonly baseIndex: number;

  constructor(readonly model: RobotModel) {
    validateRobotModel(model);
    this.linkNames = model.links.map((l) => l.name);
    const linkIndex = new Map(this.linkNames.map((n, i) => [n, i]));
    // topological order: a joint comes after the joint that places its parent link
    const pending = [...model.joints];
    const placed = new Set([model.baseLink]);
    const order: typeof model.joints = [];
    while (pending.length) {
      const k = pending.findIndex((j) => placed.has(j.parent));
      if (k < 0) throw new Error(`robot '${model.name}': joints ${pending.map((j) => j.name).join(', ')} do not hang from the base`);
      const [j] = pending.splice(k, 1);
      order.push(j);
      placed.add(j.child);
    }
    const fingers = new Set(model.gripper?.fingerJoints ?? []);
    const jointIndex = new Map(order.map((j, i) => [j.name, i]));
    for (const j of order) {
      const n = Math.hypot(...j.axis);
      this.joints.push({
        name: j.name, type: j.type, parentLink: linkIndex.get(j.parent)!, childLink: linkIndex.get(j.child)!,
        origin: affineFromMat4(poseToMat4(j.origin)), axis: n > 0 ? [j.axis[0] / n, j.axis[1] / n, j.axis[2] / n] : [1, 0, 0],
        arm: model.armJoints.indexOf(j.name), finger: fingers.has(j.name),
        mimic: j.mimic && jointIndex.has(j.mimic.joint) ? { joint: jointIndex.get(j.mimic.joint)!, multiplier: j.mimic.multiplier, offset: j.mimic.offset } : undefined,
      });
    }
    this.chain = chainTo(model, model.tcpLink).map((j) => jointIndex.get(j.name)!);
    this.tcpOffset = affineFromMat4(poseToMat4(model.tcpOffset));
    this.dof = model.armJoints.length;
    const limits = model.armJoints.map((a) => model.joints.find((j) => j.name === a)!.limit);
    this.lower = limits.map((l) => l.lower);
    this.upper = limits.map((l) => l.upper);
    this.velocity = limits.map((l) => l.velocity);
    this.frames = this.linkNames.map(() => new Float64Array(12));
    this.values = new Float64Array(this.joints.length);
    this.baseIndex = this.linkIndex(model.baseLink);
  }

  linkIndex(name: string): number {
    const i = this.linkNames.indexOf(name);
    if (i < 0) throw new Error(`robot '${this.model.name}' has no link '${name}'`);
    return i;
  }

  /** A finger joint's value for a total gripper opening (metres). */
  fingerValue(opening: number): number {
    const g = this.model.gripper;
    return g ? (opening / 2) * g.openingToJoint.scale + g.openingToJoint.offset : 0;
  }

  /**
   * Every link's frame in the base frame as 3×4 row-major affine arrays, by link index. The arrays are reused by
   * the next call: copy what must outlive it.
   */
  linkFrames(q: ArrayLike<number>, opening = 0): Float64Array[] {
    this.frames[this.baseIndex].set(IDENTITY_AFFINE);
    const [placed, m] = this.scratch;
    for (let k = 0; k < this.joints.length; k++) {
      const j = this.joints[k];
      const v = j.arm >= 0 ? q[j.arm] : j.finger ? this.fingerValue(opening) : j.mimic ? j.mimic.multiplier * this.values[j.mimic.joint] + j.mimic.offset : 0;
      this.values[k] = v;
      mul(placed, this.frames[j.parentLink], j.origin);
      mul(this.frames[j.childLink], placed, motionInto(m, j.type, j.axis, v));
    }
    return this.frames;
  }

  /** Every link's frame in the base frame, by link index. */
  linkTransforms(q: ArrayLike<number>, opening = 0): Mat4[] {
    return this.linkFrames(q, opening).map(toMat4);
  }

  /** TCP frame in the base frame. */
  tcp(q: ArrayLike<number>): Mat4 {
    const [a, b, m] = this.scratch;
    a.set(IDENTITY_AFFINE);
    let t = a, u = b;
    for (const k of this.chain) {
      const j = this.joints[k];
      mul(u, t, j.origin);
      [t, u] = [u, t];
      if (j.arm >= 0 && j.type !== 'fixed') {
        mul(u, t, motionInto(m, j.type, j.axis, q[j.arm]));
        [t, u] = [u, t];
      }
    }
    return toMat4(mul(u, t, this.tcpOffset));
  }

  /**
   * TCP frame and the geometric Jacobian (6 × dof, row-major: linear rows then angular rows, base frame): column i
   * is the TCP twist per unit velocity of arm joint i.
   */
  tcpJacobian(q: ArrayLike<number>): { tcp: Mat4; J: Float64Array } {
    const n = this.dof;
    const axes = new Float64Array(3 * n);
    const points = new Float64Array(3 * n);
    const [a, b, m] = this.scratch;
    a.set(IDENTITY_AFFINE);
    let t = a, u = b;
    for (const k of this.chain) {
      const j = this.joints[k];
      mul(u, t, j.origin);
      [t, u] = [u, t];
      if (j.arm >= 0) {
        const ax = j.axis, i = j.arm * 3;
        axes[i] = t[0] * ax[0] + t[1] * ax[1] + t[2] * ax[2];
        axes[i + 1] = t[4] * ax[0] + t[5] * ax[1] + t[6] * ax[2];
        axes[i + 2] = t[8] * ax[0] + t[9] * ax[1] + t[10] * ax[2];
        points[i] = t[3]; points[i + 1] = t[7]; points[i + 2] = t[11];
        mul(u, t, motionInto(m, j.type, j.axis, q[j.arm]));
        [t, u] = [u, t];
      }
    }
    const tcp = toMat4(mul(u, t, this.tcpOffset));
    const px = tcp[3], py = tcp[7], pz = tcp[11];
    const J = new Float64Array(6 * n);
    for (let k = 0; k < this.chain.length; k++) {
      const j = this.joints[this.chain[k]];
      if (j.arm < 0) continue;
      const i = j.arm, ax = axes[3 * i], ay = axes[3 * i + 1], az = axes[3 * i + 2];
      if (j.type === 'prismatic') {
        J[i] = ax; J[n + i] = ay; J[2 * n + i] = az;
        continue;
      }
      const rx = px - points[3 * i], ry = py - points[3 * i + 1], rz = pz - points[3 * i + 2];
      J[i] = ay * rz - az * ry;
      J[n + i] = az * rx - ax * rz;
      J[2 * n + i] = ax * ry - ay * rx;
      J[3 * n + i] = ax; J[4 * n + i] = ay; J[5 * n + i] = az;
    }
    return { tcp, J };
  }

  /** Clamps a configuration into the joint limits (in place) and returns it. */
  clamp(q: number[]): number[] {
    for (let i = 0; i < this.dof; i++) q[i] = Math.min(this.upper[i], Math.max(this.lower[i], q[i]));
    return q;
  }

  withinLimits(q: ArrayLike<number>, tol = 1e-9): boolean {
    for (let i = 0; i < this.dof; i++) if (q[i] < this.lower[i] - tol || q[i] > this.upper[i] + tol) return false;
    return true;
  }
}
