// The parallel gripper's controller. Real grippers close until the fingers stall on the object and then hold a
// force; kinematic fingers cannot feel force, so the controller senses the width of what lies between the pads
// (from the colliders' surfaces) when told to close, and drives the fingers to that width minus a small squeeze.
// The interpenetration makes Rapier push back from both sides, and that normal force is what friction holds the
// object with. The same controller runs in recording and in replay, so both close to the same width.
import type { Mat4 } from '../../core/math.js';
import { invertRigid, poseToMat4 } from '../../core/math.js';
import type { SceneObject } from '../../core/scene.js';
import { mat4Multiply } from '../../core/frames.js';
import type { GripperModel } from '../../core/robot-model.js';
import { surfaceSamples } from './surface.js';

/** Total squeeze beyond first contact, metres (both pads together). */
export const GRIPPER_SQUEEZE = 0.006;

export interface SensedGrip {
  /** distance between the outermost surface samples across the pads */
  width: number;
  /** the objects found between the pads */
  ids: number[];
  /** cosine between the contact patches' normals and the closing axis (1: square-on), the worse side */
  facing: number;
}

/**
 * What lies between the pads of a gripper at world TCP `tcp` opened to `opening`: surface samples of dynamic
 * objects inside the pads' window (|x| ≤ pad width/2, pad z-range, |y| ≤ opening/2).
 */
export function senseBetweenPads(objects: readonly SceneObject[], tcp: Mat4, gripper: GripperModel, opening: number): SensedGrip | null {
  const inv = invertRigid(tcp);
  const { pad } = gripper;
  const hx = pad.width / 2, z0 = pad.centerZ - pad.length / 2, z1 = pad.centerZ + pad.length / 2, hy = opening / 2;
  let lo = Infinity, hi = -Infinity;
  const ids: number[] = [];
  // window samples: y and the closing-axis component of the outward normal
  const ys: number[] = [];
  const ny: number[] = [];
  for (const o of objects) {
    if (o.body !== 'dynamic') continue;
    const m = mat4Multiply(inv, poseToMat4(o.pose));
    const s = surfaceSamples(o.shape);
    const p = s.points, n = s.normals;
    let found = false;
    for (let i = 0; i < p.length; i += 3) {
      const x = m[0] * p[i] + m[1] * p[i + 1] + m[2] * p[i + 2] + m[3];
      if (x < -hx || x > hx) continue;
      const z = m[8] * p[i] + m[9] * p[i + 1] + m[10] * p[i + 2] + m[11];
      if (z < z0 || z > z1) continue;
      const y = m[4] * p[i] + m[5] * p[i + 1] + m[6] * p[i + 2] + m[7];
      if (y < -hy || y > hy) continue;
      lo = Math.min(lo, y);
      hi = Math.max(hi, y);
      ys.push(y);
      ny.push(m[4] * n[i] + m[5] * n[i + 1] + m[6] * n[i + 2]);
      found = true;
    }
    if (found) ids.push(o.id);
  }
  if (!ids.length) return null;
  // how square-on the pads meet the surface: mean |n·y| over each contact patch, the worse side counts
  const patch = (side: number) => {
    let sum = 0, k = 0;
    for (let i = 0; i < ys.length; i++) {
      if (side > 0 ? ys[i] < hi - 0.002 : ys[i] > lo + 0.002) continue;
      sum += side * ny[i];
      k++;
    }
    return k ? sum / k : 1;
  };
  return { width: hi - lo, ids, facing: Math.min(patch(1), patch(-1)) };
}

/**
 * Squeeze for a grip: the full squeeze where the pads meet surfaces square-on, less on slanted ones (a cone's side):
 * there the push-out of the interpenetration has a component along the surface, and a deep squeeze pops the
 * object out of the fingers like a wedge.
 */
export function squeezeFor(grip: SensedGrip): number {
  const f = Math.min(1, Math.max(0.4, (grip.facing - 0.9) / 0.08));
  return GRIPPER_SQUEEZE * f;
}

/** How much wider than the held object the fingers open to release it, metres. */
export const RELEASE_MARGIN = 0.012;

export class GripperController {
  /** current opening, metres */
  opening: number;
  target: number;
  closed = false;
  /** what the last close found between the pads (null: nothing, it closes fully) */
  grip: SensedGrip | null = null;

  constructor(
    readonly model: GripperModel,
    opening = model.maxOpening,
  ) {
    this.opening = opening;
    this.target = opening;
  }

  /** Open or close; closing senses the object now and aims at its width minus the squeeze. */
  command(close: boolean, sense: () => SensedGrip | null): void {
    if (close === this.closed) return;
    this.closed = close;
    if (close) {
      this.grip = sense();
      this.target = this.grip ? Math.max(0, this.grip.width - squeezeFor(this.grip)) : 0;
    } else {
      // letting go of an object opens only a little wider than it: fingers flung fully open inside a bowl or between
      // neighbours push them away (a real hand opens just enough, too); an empty close reopens fully
      this.target = this.grip ? Math.min(this.model.maxOpening, this.grip.width + RELEASE_MARGIN) : this.model.maxOpening;
      this.grip = null;
    }
  }

  /** Advances the fingers by one time step; returns the new opening. */
  step(dt: number): number {
    const d = this.target - this.opening;
    const max = this.model.speed * dt;
    this.opening = Math.abs(d) <= max ? this.target : this.opening + Math.sign(d) * max;
    return this.opening;
  }

  /** Seconds until the fingers reach their target. */
  remaining(): number {
    return Math.abs(this.target - this.opening) / this.model.speed;
  }
}
