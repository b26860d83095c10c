// What a calibrated recording says about its images (SPEC §Stage-2 "Trace", reused for stage-1 answers):
// - per frame and camera, the future TCP trace (to the next gripper change or the episode end, TRACE_POINTS points,
//   resampled in 3-D and then projected, so trace_2d[i] is exactly the projection of trace_3d[i]);
// - per gripper close, the grasp point (TCP where it closes); per open, the place point (TCP where it opens).
// A grasp/place question is asked on the first frame of the stretch that leads to its event (the frame after the
// previous gripper change, or frame 0): the scene before the robot acts on it.
// Samples that cannot be answered in the image are dropped and counted: a point outside the image or behind the
// camera, or a trace that does not move (the robot is still until its next gripper change).
import { futureTraces, TRACE_POINTS } from '../generators/annotation/trace.js';
import { projectWithDepth } from '../core/camera.js';
import type { Vec3 } from '../core/math.js';
import type { CalibratedCamera, Calibration, Projector } from './calibration.js';

export interface DeriveOptions {
  tracePoints?: number;
  /** a trace whose points all stay within this many pixels of its first point is "still" and dropped */
  minTracePx?: number;
  /** trace samples on every n-th frame only */
  frameStride?: number;
}

export const DEFAULT_MIN_TRACE_PX = 2;

export interface DerivedTrace {
  frame: number;
  camera: string;
  /** pixels of the stored image */
  trace: [number, number][];
}

export interface DerivedPoint {
  kind: 'grasp_point' | 'place_point';
  /** the frame whose image the question is asked on */
  frame: number;
  /** the frame where the gripper changes */
  eventFrame: number;
  camera: string;
  point: [number, number];
}

export interface DropCounts {
  trace_out_of_image: number;
  trace_still: number;
  grasp_point_out_of_image: number;
  place_point_out_of_image: number;
}

export interface Derived {
  traces: DerivedTrace[];
  points: DerivedPoint[];
  dropped: DropCounts;
  /** gripper changes: frame and what happened */
  events: { frame: number; kind: 'grasp' | 'place' }[];
}

export function emptyDropCounts(): DropCounts {
  return { trace_out_of_image: 0, trace_still: 0, grasp_point_out_of_image: 0, place_point_out_of_image: 0 };
}

/** Pixel position of a position from the data; null when behind the camera. */
export function projectPosition(p: Projector, pos: readonly number[]): [number, number] | null {
  if (p.kind === 'pixel') return [pos[0] * p.scale[0] + p.offset[0], pos[1] * p.scale[1] + p.offset[1]];
  const [u, v, z] = projectWithDepth(p.camera, pos as Vec3);
  return z > 0 ? [u, v] : null;
}

const inside = (c: CalibratedCamera, uv: [number, number]) => uv[0] >= 0 && uv[0] < c.width && uv[1] >= 0 && uv[1] < c.height;

/** Gripper closed per frame, from the calibration's gripper field; all open when the calibration has none. */
export function gripperClosed(fields: Map<string, number[][]>, length: number, cal: Calibration): boolean[] {
  const g = cal.gripper;
  if (!g) return new Array<boolean>(length).fill(false);
  return fields.get(g.field)!.map((v) => (g.closedWhen === 'above' ? v[g.index] > g.threshold : v[g.index] < g.threshold));
}

export function deriveEpisode(ep: { length: number; fields: Map<string, number[][]> }, cal: Calibration, opts: DeriveOptions = {}): Derived {
  const n = opts.tracePoints ?? TRACE_POINTS;
  const minPx = opts.minTracePx ?? DEFAULT_MIN_TRACE_PX;
  const stride = Math.max(1, Math.floor(opts.frameStride ?? 1));
  const positions = ep.fields.get(cal.eef.field)!.map((v) => cal.eef.indices.map((i) => v[i]));
  const closed = gripperClosed(ep.fields, ep.length, cal);
  const dropped = emptyDropCounts();
  const traces: DerivedTrace[] = [];
  const points: DerivedPoint[] = [];
  if (ep.length === 0) return { traces, points, dropped, events: [] };

  const traces3d = futureTraces(positions, closed, n);
  for (let f = 0; f < ep.length; f += stride) {
    for (const cam of cal.cameras) {
      const uv = traces3d[f].map((p) => projectPosition(cam.projector, p));
      if (uv.some((q) => q === null || !inside(cam, q))) {
        dropped.trace_out_of_image++;
        continue;
      }
      const trace = uv as [number, number][];
      const reach = Math.max(...trace.map((q) => Math.hypot(q[0] - trace[0][0], q[1] - trace[0][1])));
      if (!(reach >= minPx)) {
        dropped.trace_still++;
        continue;
      }
      traces.push({ frame: f, camera: cam.key, trace });
    }
  }

  const events: Derived['events'] = [];
  let stretchStart = 0;
  for (let f = 1; f < ep.length; f++) {
    if (closed[f] === closed[f - 1]) continue;
    const kind = closed[f] ? 'grasp_point' : 'place_point';
    events.push({ frame: f, kind: closed[f] ? 'grasp' : 'place' });
    for (const cam of cal.cameras) {
      const uv = projectPosition(cam.projector, positions[f]);
      if (uv === null || !inside(cam, uv)) {
        dropped[kind === 'grasp_point' ? 'grasp_point_out_of_image' : 'place_point_out_of_image']++;
        continue;
      }
      points.push({ kind, frame: stretchStart, eventFrame: f, camera: cam.key, point: uv });
    }
    stretchStart = f;
  }
  return { traces, points, dropped, events };
}
