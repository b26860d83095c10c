// The pose an object rests in. A procedural fruit or an imported banana is modelled "roughly lying down"; the physics
// test wants its +z to stay within 10° of up after a drop. So the object frame is turned so that a face of the
// collider's hull on which the object is statically stable (centre of mass above the face polygon) faces down:
// the stable face closest to the modelled "down". For a mug that is its bottom, and nothing moves.
import type { Mat3, Vec3 } from '../../core/math.js';
import { type PlanarFace, hullOf, planarFaces } from './hull.js';
import { largestQuad } from './contact-faces.js';

type P2 = [number, number];

function convexHull2d(pts: P2[]): P2[] {
  const p = [...pts].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (p.length < 3) return p;
  const cross = (o: P2, a: P2, b: P2) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: P2[] = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper: P2[] = [];
  for (let i = p.length - 1; i >= 0; i--) {
    const q = p[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], q) <= 0) upper.pop();
    upper.push(q);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

/** Distance from q to the polygon's boundary, negative when outside (polygon counter-clockwise). */
function insideMargin(poly: P2[], q: P2): number {
  if (poly.length < 3) return -Infinity;
  let m = Infinity;
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i];
    const b = poly[(i + 1) % poly.length];
    const ex = b[0] - a[0], ey = b[1] - a[1];
    const len = Math.hypot(ex, ey);
    if (len === 0) continue;
    // left of a counter-clockwise edge is inside
    const d = (ex * (q[1] - a[1]) - ey * (q[0] - a[0])) / len;
    m = Math.min(m, d);
  }
  return m;
}

/** Rotation (row-major) taking unit vector a onto unit vector b. */
export function rotationBetween(a: Vec3, b: Vec3): Mat3 {
  const c = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const v: Vec3 = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  if (c < -0.999999) {
    // opposite: half turn about any axis perpendicular to a
    const axis: Vec3 = Math.abs(a[0]) < 0.9 ? [0, -a[2], a[1]] : [-a[2], 0, a[0]];
    const n = Math.hypot(...axis);
    const [x, y, z] = [axis[0] / n, axis[1] / n, axis[2] / n];
    return [2 * x * x - 1, 2 * x * y, 2 * x * z, 2 * x * y, 2 * y * y - 1, 2 * y * z, 2 * x * z, 2 * y * z, 2 * z * z - 1];
  }
  const k = 1 / (1 + c);
  return [
    v[0] * v[0] * k + c, v[0] * v[1] * k - v[2], v[0] * v[2] * k + v[1],
    v[1] * v[0] * k + v[2], v[1] * v[1] * k + c, v[1] * v[2] * k - v[0],
    v[2] * v[0] * k - v[1], v[2] * v[1] * k + v[0], v[2] * v[2] * k + c,
  ];
}

export interface RestingFace {
  /** outward normal of the face the object stands on, in the modelled frame */
  normal: Vec3;
  /** how far inside the face polygon the centre of mass projects, metres */
  margin: number;
  /** rotation that puts that face down (normal → -z); identity when it already is */
  rotation: Mat3 | null;
}

/** How far inside face `f` the centre of mass projects, and how far inside the face's own centroid is. */
function faceMargins(f: PlanarFace, com: Vec3): { margin: number; own: number } {
  const n = f.normal;
  // basis of the face plane
  const u: Vec3 = Math.abs(n[2]) < 0.9 ? [n[1], -n[0], 0] : [0, n[2], -n[1]];
  const ul = Math.hypot(...u);
  u[0] /= ul; u[1] /= ul; u[2] /= ul;
  const w: Vec3 = [n[1] * u[2] - n[2] * u[1], n[2] * u[0] - n[0] * u[2], n[0] * u[1] - n[1] * u[0]];
  const proj = (p: Vec3): P2 => [p[0] * u[0] + p[1] * u[1] + p[2] * u[2], p[0] * w[0] + p[1] * w[1] + p[2] * w[2]];
  const poly = convexHull2d(f.points.map(proj));
  // the margin the face's own centroid has: a scale for "well inside" that suits long thin faces too
  const cx = poly.reduce((s, q) => s + q[0], 0) / Math.max(1, poly.length);
  const cy = poly.reduce((s, q) => s + q[1], 0) / Math.max(1, poly.length);
  return { margin: insideMargin(poly, proj(com)), own: insideMargin(poly, [cx, cy]) };
}

/**
 * The stable resting face nearest to "down". `points`: all collider points; `com`: centre of mass. A face is stable
 * when the centre of mass projects inside it by a share of the margin the face's own centroid has (robust to
 * faceting and to long thin faces). The face nearest to the centre of mass is always stable, so there is always an answer.
 */
export function restingFace(points: Float32Array, com: Vec3, minMarginShare = 0.3): RestingFace {
  const faces = planarFaces(hullOf(points), 1e-4);
  let best: { f: (typeof faces)[number]; margin: number } | null = null;
  let nearest: { f: (typeof faces)[number]; margin: number; dist: number } | null = null;
  const marginOf = (f: (typeof faces)[number]): number => faceMargins(f, com).margin;
  for (const f of faces) {
    const n = f.normal;
    const { margin, own } = faceMargins(f, com);
    const dist = f.offset - (n[0] * com[0] + n[1] * com[1] + n[2] * com[2]);
    if (!nearest || dist < nearest.dist) nearest = { f, margin, dist };
    if (margin <= 0 || margin < minMarginShare * own) continue;
    if (!best || n[2] < best.f.normal[2] - 1e-9) best = { f, margin };
  }
  // the modelled pose wins whenever it is stable at all: a pan is modelled on its base, handle sideways
  const modelled = faces.find((f) => f.normal[2] < -0.99985);
  if (modelled) {
    const m = marginOf(modelled);
    if (m > 0) return { normal: modelled.normal, margin: m, rotation: null };
  }
  const chosen = best ?? nearest!;
  const n = chosen.f.normal;
  const rotation = n[2] < -0.99999 ? null : rotationBetween(n, [0, 0, -1]);
  return { normal: n, margin: chosen.margin, rotation };
}

/**
 * The base of a scan. A scan's base is never one plane (noise, a rim, a label seam): what it would stand on is a ring
 * of slivers it rocks between for seconds. The points within `band` (metres) above the lowest one are its footprint;
 * the base is the largest quadrilateral inside their outline, on the lowest plane: parry stands a face on at most four
 * vertices (contact-faces.ts), so four it gets. `above`: the points the base leaves as they are.
 */
function baseOf(points: Float32Array, band: number): { quad: P2[]; lo: number; above: number[] } | null {
  let lo = Infinity;
  for (let i = 2; i < points.length; i += 3) lo = Math.min(lo, points[i]);
  const footprint: P2[] = [];
  const above: number[] = [];
  for (let i = 0; i < points.length; i += 3) {
    if (points[i + 2] < lo + band) footprint.push([points[i], points[i + 1]]);
    else above.push(points[i], points[i + 1], points[i + 2]);
  }
  const outline = convexHull2d(footprint);
  if (outline.length < 4) return null;
  return { quad: largestQuad(outline).map((k) => outline[k]), lo, above };
}

/** The collider points of a scan with its base (baseOf) in place of its footprint; the box does not change. */
export function flattenBase(points: Float32Array, band: number): Float32Array {
  const b = baseOf(points, band);
  if (!b) return points;
  return Float32Array.from([...b.above, ...b.quad.flatMap(([x, y]) => [x, y, b.lo])]);
}

/**
 * Whether a scan stands as modelled: the centre of mass projects inside its base (baseOf) by at least half the margin
 * the base's own centre has. A scan's modelled "up" is known (the file's or the sidecar's), but its bottom is rarely
 * one exact plane, so `restingFace` alone would lay an upright can on its side; a banana modelled lying on a narrow
 * strip of itself (a third of the margin) is better turned by `restingFace`.
 */
export function standsOnBase(points: Float32Array, com: Vec3, band: number, minMarginShare = 0.5): boolean {
  const b = baseOf(points, band);
  if (!b) return false;
  const quad = convexHull2d(b.quad);
  const cx = quad.reduce((t, q) => t + q[0], 0) / quad.length;
  const cy = quad.reduce((t, q) => t + q[1], 0) / quad.length;
  const margin = insideMargin(quad, [com[0], com[1]]);
  return margin > 0 && margin >= minMarginShare * insideMargin(quad, [cx, cy]);
}
