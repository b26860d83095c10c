// The parallel gripper's controller. Real grippers close until the fingers stall on the object and then hold a
// force; kinematic fingers cannot feel force, so the controller senses the width of what lies between the pads
// (from the colliders' surfaces) when told to close, and drives the fingers to that width minus a small squeeze.
// The interpenetration makes Rapier push back from both sides, and that normal force is what friction holds the
// object with. The same controller runs in recording and in replay, so both close to the same width.
import type { Mat4 } from '../math.js';
import { invertRigid, poseToMat4 } from '../math.js';
import type { SceneObject } from '../scene/scene.js';
import { mat4Multiply } from './frames.js';
import type { GripperModel } from './model.js';
import { surfaceSamples } from './surface.js';

/** Total squeeze beyond first contact, metres (both pads together). */
export const GRIPPER_SQUEEZE = 0.006;

export interface SensedGrip {
  /** distance between the outermost surface samples across the pads */
  width: number;
  /** the objects found between the pads */
  ids: number[];
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
  for (const o of objects) {
    if (o.body !== 'dynamic') continue;
    const m = mat4Multiply(inv, poseToMat4(o.pose));
    const s = surfaceSamples(o.shape);
    const p = s.points;
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
      found = true;
    }
    if (found) ids.push(o.id);
  }
  return ids.length ? { width: hi - lo, ids } : null;
}

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
      this.target = this.grip ? Math.max(0, this.grip.width - GRIPPER_SQUEEZE) : 0;
    } else {
      this.grip = null;
      this.target = this.model.maxOpening;
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
