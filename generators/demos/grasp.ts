// Grasp synthesis: antipodal parallel-jaw grasps read off the object's collider surface. For each approach (top
// down; from the side, facing away from the robot) and each closing direction, the surface samples inside the
// pads' window give the width to close on and the two contact patches; a grasp is antipodal when each patch's
// normal points along the closing axis within the friction cone. Candidates are scored (antipodality, how close
// the grasp line passes to the centre of mass, width margin, approach, wrist comfort); collision checks and
// ranking are GraspPlanner's.
import type { Mat4, Vec3 } from '../../core/math.js';
import { invertRigid, poseToMat4 } from '../../core/math.js';
import { mat4Multiply } from '../../core/frames.js';
import type { GripperModel } from '../../core/robot-model.js';
import { surfaceSamples } from '../robot/surface.js';
import { zRange } from '../scene/geometry.js';
import type { SceneObject } from '../../core/scene.js';

/** straight down; down and forward, away from the robot (reaches further); horizontal */
export type Approach = 'top' | 'tilted' | 'side';

export interface Grasp {
  /** TCP frame in the world at the grasp (z = approach, y = closing axis) */
  tcp: Mat4;
  approach: Approach;
  /** object width between the contacts, metres */
  width: number;
  /** world contact points, +y pad then −y pad */
  contacts: [Vec3, Vec3];
  score: number;
  terms: { antipodal: number; centering: number; margin: number; approach: number; wrist: number };
}

export interface GraspSynthesisOptions {
  tableTopZ: number;
  /** world position of the robot base and the horizontal angle (rad) between the TCP x axis at home and the radial direction */
  robotBase: Vec3;
  wristOffset: number;
  /** closing directions tried per approach */
  yawSteps?: number;
  /** friction cone half-angle allowed for contact normals, radians */
  maxNormalAngle?: number;
  /** free space wanted beside the object on each side when the gripper is open */
  clearance?: number;
}

const PATCH = 0.002; // samples within 2 mm of the extreme make up a contact patch

export function frameFromAxes(x: Vec3, y: Vec3, z: Vec3, p: Vec3): Mat4 {
  return [x[0], y[0], z[0], p[0], x[1], y[1], z[1], p[1], x[2], y[2], z[2], p[2], 0, 0, 0, 1];
}

interface Evaluated {
  width: number;
  contacts: [Vec3, Vec3];
  antipodal: number;
  centering: number;
}

/** Reads a candidate TCP frame's contacts off the object's surface samples; null when the pads would miss or cannot close on it. */
export function evaluateGrasp(o: SceneObject, tcp: Mat4, g: GripperModel, maxAngle: number): Evaluated | null {
  const toTcp = mat4Multiply(invertRigid(tcp), poseToMat4(o.pose));
  const s = surfaceSamples(o.shape);
  const p = s.points, n = s.normals;
  const hx = g.pad.width / 2, z0 = g.pad.centerZ - g.pad.length / 2, z1 = g.pad.centerZ + g.pad.length / 2;
  const local: number[] = [];
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < p.length; i += 3) {
    const x = toTcp[0] * p[i] + toTcp[1] * p[i + 1] + toTcp[2] * p[i + 2] + toTcp[3];
    if (x < -hx || x > hx) continue;
    const z = toTcp[8] * p[i] + toTcp[9] * p[i + 1] + toTcp[10] * p[i + 2] + toTcp[11];
    if (z < z0 || z > z1) continue;
    const y = toTcp[4] * p[i] + toTcp[5] * p[i + 1] + toTcp[6] * p[i + 2] + toTcp[7];
    local.push(i, x, y, z);
    lo = Math.min(lo, y);
    hi = Math.max(hi, y);
  }
  if (!local.length || hi - lo < 0.004) return null;
  // the contact patches and their mean normals, in the TCP frame
  const patch = (sideHi: boolean) => {
    const nrm: Vec3 = [0, 0, 0];
    const pt: Vec3 = [0, 0, 0];
    let k = 0;
    for (let j = 0; j < local.length; j += 4) {
      const y = local[j + 2];
      if (sideHi ? y < hi - PATCH : y > lo + PATCH) continue;
      const i = local[j];
      for (let r = 0; r < 3; r++) nrm[r] += toTcp[r * 4] * n[i] + toTcp[r * 4 + 1] * n[i + 1] + toTcp[r * 4 + 2] * n[i + 2];
      pt[0] += local[j + 1]; pt[1] += y; pt[2] += local[j + 3];
      k++;
    }
    const l = Math.hypot(...nrm) || 1;
    return { normal: [nrm[0] / l, nrm[1] / l, nrm[2] / l] as Vec3, point: [pt[0] / k, pt[1] / k, pt[2] / k] as Vec3 };
  };
  const a = patch(true), b = patch(false);
  const cosA = a.normal[1], cosB = -b.normal[1];
  const cosMax = Math.cos(maxAngle);
  if (cosA < cosMax || cosB < cosMax) return null;
  // 1 for square-on contacts, 0 at the edge of the allowed cone: a few degrees off a box face already matters
  const antipodal = (Math.min(cosA, cosB) - cosMax) / (1 - cosMax);
  // distance of the centre of mass from the grasp line (through the patch midpoint, along y)
  const com = [toTcp[3], toTcp[7], toTcp[11]];
  const mid = [(a.point[0] + b.point[0]) / 2, (a.point[2] + b.point[2]) / 2];
  const off = Math.hypot(com[0] - mid[0], com[2] - mid[1]);
  const toWorld = (v: Vec3): Vec3 => [tcp[0] * v[0] + tcp[1] * v[1] + tcp[2] * v[2] + tcp[3], tcp[4] * v[0] + tcp[5] * v[1] + tcp[6] * v[2] + tcp[7], tcp[8] * v[0] + tcp[9] * v[1] + tcp[10] * v[2] + tcp[11]];
  return { width: hi - lo, contacts: [toWorld(a.point), toWorld(b.point)], antipodal, centering: Math.exp(-off / 0.02) };
}

/** All antipodal candidates for one object, best first (not yet checked for collisions or reachability). */
export function synthesizeGrasps(o: SceneObject, g: GripperModel, opts: GraspSynthesisOptions): Grasp[] {
  const yawSteps = opts.yawSteps ?? 16;
  // a tighter cone than the pads' friction allows: kinematic fingers squeeze by interpenetration, whose push-out
  // along a slanted contact pops the object out like a wedge (cones, 20–30° sides, slipped about half the time)
  const maxAngle = opts.maxNormalAngle ?? (15 * Math.PI) / 180;
  const clearance = opts.clearance ?? 0.008;
  const { zmin, zmax } = zRange(o);
  const center: Vec3 = [...o.pose.position];
  const zc = (zmin + zmax) / 2;
  const radial = Math.atan2(center[1] - opts.robotBase[1], center[0] - opts.robotBase[0]);
  const out: Grasp[] = [];
  const consider = (tcp: Mat4, approach: Approach) => {
    const e = evaluateGrasp(o, tcp, g, maxAngle);
    if (!e || e.width > g.maxOpening - 2 * clearance) return;
    const margin = Math.min(1, (g.maxOpening - 2 * clearance - e.width) / 0.02);
    // wrist comfort: how far the TCP x axis is turned from where the robot's home wrist would put it
    const xYaw = Math.atan2(tcp[4], tcp[0]);
    const wrist = approach === 'top' ? (1 + Math.cos(xYaw - radial - opts.wristOffset)) / 2 : 0.5;
    const app = approach === 'top' ? 1 : approach === 'tilted' ? 0.8 : 0.6;
    const score = 0.4 * e.antipodal + 0.25 * e.centering + 0.1 * margin + 0.15 * app + 0.1 * wrist;
    out.push({ tcp, approach, width: e.width, contacts: e.contacts, score, terms: { antipodal: e.antipodal, centering: e.centering, margin, approach: app, wrist } });
  };
  // top-down: z down, closing axis y horizontal at yaw ψ; TCP height puts the pads' middle at the centre height, or
  // 1.2 cm higher, or for a tall object the pads' top 6 mm above the object's (the palm, just above the pads, clear
  // of a can's lid), but never lets the fingertips reach the table
  const tipBelowTcp = g.pad.centerZ + g.pad.length / 2;
  const zLow = opts.tableTopZ + 0.004 + tipBelowTcp;
  const zHigh = zmax + 0.006 - (g.pad.length / 2 - g.pad.centerZ);
  const heights = [...new Set([zc + g.pad.centerZ, zc + g.pad.centerZ + 0.012, ...(zHigh > zc + g.pad.centerZ + 0.017 ? [zHigh] : [])]
    .map((z) => Math.max(zLow, z)).map((z) => Math.round(z * 1e4) / 1e4))];
  // uniform closing directions plus the object's own horizontal axes (a box's faces)
  const [qx, qy, qz, qw] = o.pose.quaternion;
  const ownYaw = Math.atan2(2 * (qx * qy + qz * qw), 1 - 2 * (qy * qy + qz * qz));
  const yaws = [...Array.from({ length: yawSteps }, (_, k) => (2 * Math.PI * k) / yawSteps), ...[0, 1, 2, 3].map((k) => ownYaw + (k * Math.PI) / 2)];
  for (const psi of yaws) {
    const y: Vec3 = [Math.cos(psi), Math.sin(psi), 0];
    const x: Vec3 = [-Math.sin(psi), Math.cos(psi), 0];
    for (const h of heights) consider(frameFromAxes(x, y, [0, 0, -1], [center[0], center[1], h]), 'top');
  }
  // tilted: the approach leans away from the robot by 30° or 50°, closing across the radial line; reaches objects
  // a top-down hand cannot. The pads' middle sits at the centre height, or 1.2 cm higher.
  const rx = Math.cos(radial), ry = Math.sin(radial);
  for (const t of [0.52, 0.87]) {
    const z: Vec3 = [Math.sin(t) * rx, Math.sin(t) * ry, -Math.cos(t)];
    for (const flip of [-1, 1]) {
      const y: Vec3 = [-ry * flip, rx * flip, 0];
      const x: Vec3 = [y[1] * z[2] - y[2] * z[1], y[2] * z[0] - y[0] * z[2], y[0] * z[1] - y[1] * z[0]];
      for (const dz of [0, 0.012]) {
        const p: Vec3 = [center[0] - g.pad.centerZ * z[0], center[1] - g.pad.centerZ * z[1], zc + dz - g.pad.centerZ * z[2]];
        consider(frameFromAxes(x, y, z, p), 'tilted');
      }
    }
  }
  // side: approach horizontally, away from the robot (±30°), closing axis horizontal, pads at the centre height
  const zSide = Math.max(opts.tableTopZ + 0.004 + g.pad.width / 2, zc);
  for (const dPsi of [0, -Math.PI / 6, Math.PI / 6]) {
    const a = radial + dPsi;
    const z: Vec3 = [Math.cos(a), Math.sin(a), 0];
    for (const up of [-1, 1]) {
      const y: Vec3 = [-Math.sin(a) * up, Math.cos(a) * up, 0];
      const x: Vec3 = [y[1] * z[2] - y[2] * z[1], y[2] * z[0] - y[0] * z[2], y[0] * z[1] - y[1] * z[0]];
      consider(frameFromAxes(x, y, z, [center[0], center[1], zSide]), 'side');
    }
  }
  return out.sort((p, q) => q.score - p.score);
}
