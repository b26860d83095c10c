// Forward kinematics and the geometric Jacobian over a RobotModel's joint tree. The model is compiled once into
// flat arrays (origins as matrices, axes, which q drives which joint), because FK runs at every physics step.
import type { Mat4, Vec3 } from '../math.js';
import { poseToMat4 } from '../math.js';
import { IDENTITY4, axisAngleMat4, mat4Multiply, translationMat4 } from './frames.js';
import { type JointType, type RobotModel, chainTo, validateRobotModel } from './model.js';

interface CompiledJoint {
  name: string;
  type: JointType;
  parentLink: number;
  childLink: number;
  origin: Mat4;
  axis: Vec3;
  /** index into the arm vector, or −1 */
  arm: number;
  /** finger joint: its value follows the gripper opening */
  finger: boolean;
  mimic?: { joint: number; multiplier: number; offset: number };
}

function motion(type: JointType, axis: Vec3, q: number): Mat4 | null {
  if (type === 'fixed' || q === 0) return null;
  if (type === 'prismatic') return translationMat4([axis[0] * q, axis[1] * q, axis[2] * q]);
  return axisAngleMat4(axis, q);
}

export class Kinematics {
  readonly dof: number;
  readonly lower: number[];
  readonly upper: number[];
  readonly velocity: number[];
  readonly linkNames: string[];
  private readonly joints: CompiledJoint[] = [];
  /** indices into `joints` from base to the TCP link */
  private readonly chain: number[];
  private readonly tcpOffset: Mat4;

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
        origin: poseToMat4(j.origin), axis: n > 0 ? [j.axis[0] / n, j.axis[1] / n, j.axis[2] / n] : [1, 0, 0],
        arm: model.armJoints.indexOf(j.name), finger: fingers.has(j.name),
        mimic: j.mimic && jointIndex.has(j.mimic.joint) ? { joint: jointIndex.get(j.mimic.joint)!, multiplier: j.mimic.multiplier, offset: j.mimic.offset } : undefined,
      });
    }
    this.chain = chainTo(model, model.tcpLink).map((j) => jointIndex.get(j.name)!);
    this.tcpOffset = poseToMat4(model.tcpOffset);
    this.dof = model.armJoints.length;
    const limits = model.armJoints.map((a) => model.joints.find((j) => j.name === a)!.limit);
    this.lower = limits.map((l) => l.lower);
    this.upper = limits.map((l) => l.upper);
    this.velocity = limits.map((l) => l.velocity);
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

  private jointValue(k: number, q: ArrayLike<number>, opening: number, values: number[]): number {
    const j = this.joints[k];
    if (j.arm >= 0) return q[j.arm];
    if (j.finger) return this.fingerValue(opening);
    if (j.mimic) return j.mimic.multiplier * values[j.mimic.joint] + j.mimic.offset;
    return 0;
  }

  /** Every link's frame in the base frame, by link index. */
  linkTransforms(q: ArrayLike<number>, opening = 0): Mat4[] {
    const out: Mat4[] = new Array(this.linkNames.length);
    out[this.linkIndex(this.model.baseLink)] = IDENTITY4;
    const values: number[] = new Array(this.joints.length).fill(0);
    for (let k = 0; k < this.joints.length; k++) {
      const j = this.joints[k];
      values[k] = this.jointValue(k, q, opening, values);
      const m = motion(j.type, j.axis, values[k]);
      const placed = mat4Multiply(out[j.parentLink], j.origin);
      out[j.childLink] = m ? mat4Multiply(placed, m) : placed;
    }
    return out;
  }

  /** TCP frame in the base frame. */
  tcp(q: ArrayLike<number>): Mat4 {
    let t = IDENTITY4;
    for (const k of this.chain) {
      const j = this.joints[k];
      t = mat4Multiply(t, j.origin);
      const m = motion(j.type, j.axis, j.arm >= 0 ? q[j.arm] : 0);
      if (m) t = mat4Multiply(t, m);
    }
    return mat4Multiply(t, this.tcpOffset);
  }

  /**
   * TCP frame and the geometric Jacobian (6 × dof, row-major: linear rows then angular rows, base frame): column i
   * is the TCP twist per unit velocity of arm joint i.
   */
  tcpJacobian(q: ArrayLike<number>): { tcp: Mat4; J: Float64Array } {
    const n = this.dof;
    const axes: Vec3[] = new Array(n);
    const points: Vec3[] = new Array(n);
    const types: JointType[] = new Array(n);
    let t = IDENTITY4;
    for (const k of this.chain) {
      const j = this.joints[k];
      t = mat4Multiply(t, j.origin);
      if (j.arm >= 0) {
        const a = j.axis;
        axes[j.arm] = [t[0] * a[0] + t[1] * a[1] + t[2] * a[2], t[4] * a[0] + t[5] * a[1] + t[6] * a[2], t[8] * a[0] + t[9] * a[1] + t[10] * a[2]];
        points[j.arm] = [t[3], t[7], t[11]];
        types[j.arm] = j.type;
        const m = motion(j.type, j.axis, q[j.arm]);
        if (m) t = mat4Multiply(t, m);
      }
    }
    const tcp = mat4Multiply(t, this.tcpOffset);
    const p: Vec3 = [tcp[3], tcp[7], tcp[11]];
    const J = new Float64Array(6 * n);
    for (let i = 0; i < n; i++) {
      const a = axes[i];
      if (types[i] === 'prismatic') {
        J[i] = a[0]; J[n + i] = a[1]; J[2 * n + i] = a[2];
        continue;
      }
      const r: Vec3 = [p[0] - points[i][0], p[1] - points[i][1], p[2] - points[i][2]];
      J[i] = a[1] * r[2] - a[2] * r[1];
      J[n + i] = a[2] * r[0] - a[0] * r[2];
      J[2 * n + i] = a[0] * r[1] - a[1] * r[0];
      J[3 * n + i] = a[0]; J[4 * n + i] = a[1]; J[5 * n + i] = a[2];
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
