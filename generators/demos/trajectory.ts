// Time-parametrised Cartesian paths for scripted demos: straight segments between waypoints, each with a
// minimum-jerk time law (zero velocity and acceleration at both ends), so recorded motion is smooth and its
// speed is bounded by the segment durations.
import { type Vec3, lerp } from '../../core/math.js';

export interface Waypoint {
  position: Vec3;
  /** seconds to reach this waypoint from the previous one */
  duration: number;
  /** the phase label of the segment that ends here: "approach", "push", … */
  phase: string;
}

export interface PathSample {
  position: Vec3;
  phase: string;
}

/** Minimum-jerk blend 10s³ − 15s⁴ + 6s⁵ for s in [0, 1]. */
export function minJerk(s: number): number {
  const c = Math.min(1, Math.max(0, s));
  return c * c * c * (10 - 15 * c + 6 * c * c);
}

export class WaypointPath {
  readonly duration: number;
  private readonly starts: number[] = [];

  constructor(
    private readonly start: Vec3,
    private readonly waypoints: readonly Waypoint[],
  ) {
    let t = 0;
    for (const w of waypoints) {
      if (!(w.duration > 0)) throw new Error(`waypoint '${w.phase}' needs a positive duration`);
      this.starts.push(t);
      t += w.duration;
    }
    this.duration = t;
  }

  at(time: number): PathSample {
    let from = this.start;
    for (let i = 0; i < this.waypoints.length; i++) {
      const w = this.waypoints[i];
      const t0 = this.starts[i];
      if (time < t0 + w.duration || i === this.waypoints.length - 1) {
        return { position: lerp(from, w.position, minJerk((time - t0) / w.duration)), phase: w.phase };
      }
      from = w.position;
    }
    return { position: this.start, phase: 'idle' };
  }
}
