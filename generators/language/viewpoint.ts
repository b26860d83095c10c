// Where "left", "right", "in front of" and "behind" point: the frame every spatial word of a sentence is said in.
//
//   robot viewpoint   (instructions): the robot base frame as it stands this episode; forward is the base's +x (away
//                     from the robot), left its +y. "Nearest" is nearest the base.
//   camera viewpoint  (stage-1 questions about one image): the camera's right axis and viewing direction laid flat on
//                     the table; "in front of" is toward the camera, "behind" away from it, "nearest" nearest the
//                     camera. Left/right are also checked in the picture itself (the projected centre's x), so a claim
//                     never contradicts what the image shows under perspective.
//
// Words are claimed only with a margin (DIRECTION_MARGIN_DEG, POSITION_MARGIN_M, IMAGE_MARGIN): a near-tie is never
// called, it is left unsaid.
import { type CameraModel, project } from '../../core/camera.js';
import type { Pose, Vec3 } from '../../core/math.js';
import { rotate } from '../../core/math.js';

export interface Viewpoint {
  /** `robot`, or `camera:<name>` */
  name: string;
  /** what "nearest the …" names */
  viewer: 'robot' | 'camera';
  origin: [number, number];
  /** unit vectors on the table (world x, y) */
  right: [number, number];
  forward: [number, number];
  /** camera viewpoints: a world point's x in the image, pixels */
  imageX?: (p: Vec3) => number;
  /** camera viewpoints: the image-x difference that counts as clear, pixels */
  imageMargin?: number;
}

/** a direction is called only this many degrees inside its sector, and denied only this far outside it */
export const DIRECTION_MARGIN_DEG = 10;
/** an extreme ("leftmost", "nearest the robot") must lead the runner-up by this much, metres */
export const POSITION_MARGIN_M = 0.04;
/** two objects closer than this (centres, on the table) are in no direction of each other, metres */
export const MIN_SEPARATION_M = 0.03;
/** share of the image width that counts as a clear left/right difference in the picture */
export const IMAGE_MARGIN = 0.03;

const unit = (x: number, y: number): [number, number] => {
  const n = Math.hypot(x, y);
  return [x / n, y / n];
};

export function robotViewpoint(base: Pose): Viewpoint {
  const f = rotate(base.quaternion, [1, 0, 0]);
  const forward = unit(f[0], f[1]);
  return { name: 'robot', viewer: 'robot', origin: [base.position[0], base.position[1]], forward, right: [forward[1], -forward[0]] };
}

/** The camera's axes laid on the table. Its forward is the viewing direction plus image-up flattened, which stays
 * defined for a camera looking straight down (there image-up is what "behind" means). */
export function cameraViewpoint(cam: CameraModel): Viewpoint {
  const T = cam.T_world_to_cam;
  const x: Vec3 = [T[0], T[1], T[2]], down: Vec3 = [T[4], T[5], T[6]], z: Vec3 = [T[8], T[9], T[10]];
  const t: Vec3 = [T[3], T[7], T[11]];
  // camera centre = −Rᵀ t
  const c = [0, 1, 2].map((i) => -(x[i] * t[0] + down[i] * t[1] + z[i] * t[2]));
  const forward = unit(z[0] - down[0], z[1] - down[1]);
  const right = unit(x[0], x[1]);
  return {
    name: `camera:${cam.name}`, viewer: 'camera', origin: [c[0], c[1]], right, forward,
    imageX: (p) => project(cam, p)[0], imageMargin: IMAGE_MARGIN * cam.width,
  };
}

/** A world point in the viewpoint's table coordinates: u to the right, v forward (away from the viewer). */
export function planar(vp: Viewpoint, p: Vec3): [number, number] {
  const dx = p[0] - vp.origin[0], dy = p[1] - vp.origin[1];
  return [dx * vp.right[0] + dy * vp.right[1], dx * vp.forward[0] + dy * vp.forward[1]];
}

/** Directions as seen from the viewpoint, counter-clockwise from "right"; `behind` is away from the viewer. */
export const DIRECTIONS = ['right', 'behind right', 'behind', 'behind left', 'left', 'front left', 'front', 'front right'] as const;
export type Direction = (typeof DIRECTIONS)[number];
/** the four a referring expression uses ("the mug to the left of the plate") */
export const MAIN_DIRECTIONS: readonly Direction[] = ['right', 'behind', 'left', 'front'];

/** "X is {words} Y" */
export const DIRECTION_WORDS: Record<Direction, string> = {
  right: 'to the right of',
  'behind right': 'behind and to the right of',
  behind: 'behind',
  'behind left': 'behind and to the left of',
  left: 'to the left of',
  'front left': 'in front of and to the left of',
  front: 'in front of',
  'front right': 'in front of and to the right of',
};

export type Verdict = 'yes' | 'no' | 'unclear';

/**
 * Is `p` in direction `d` of `ref`? The direction's sector is 45° wide among eight (`of: 8`) or 90° among four;
 * `yes` only DIRECTION_MARGIN_DEG inside it, `no` only that far outside it, and for left/right components also in the
 * picture. Points closer than MIN_SEPARATION_M to `ref` are `no` (nothing is left of itself).
 */
export function inDirection(vp: Viewpoint, p: Vec3, ref: Vec3, d: Direction, of: 4 | 8): Verdict {
  const [pu, pv] = planar(vp, p), [ru, rv] = planar(vp, ref);
  if (Math.hypot(pu - ru, pv - rv) < MIN_SEPARATION_M) return 'no';
  const angle = (Math.atan2(pv - rv, pu - ru) * 180) / Math.PI;
  const centre = DIRECTIONS.indexOf(d) * 45;
  const off = Math.abs((((angle - centre) % 360) + 540) % 360 - 180);
  const half = of === 8 ? 22.5 : 45;
  if (off >= half + DIRECTION_MARGIN_DEG) return 'no';
  if (off > half - DIRECTION_MARGIN_DEG) return 'unclear';
  if (vp.imageX && (d.includes('left') || d.includes('right'))) {
    const dx = vp.imageX(p) - vp.imageX(ref);
    const ok = d.includes('left') ? dx < -vp.imageMargin! : dx > vp.imageMargin!;
    if (!ok) return 'unclear';
  }
  return 'yes';
}

/** Which extreme an object can be: left/right along u, nearest/farthest by distance from the viewer. */
export const EXTREMES = ['left', 'right', 'nearest', 'farthest'] as const;
export type Extreme = (typeof EXTREMES)[number];

/**
 * The one point of `points` that is the extreme, leading every other by POSITION_MARGIN_M (and, for left/right from
 * a camera, by the image margin in the picture); null when none clearly is.
 */
export function extremeOf(vp: Viewpoint, points: readonly Vec3[], e: Extreme): number | null {
  if (points.length < 2) return null;
  const key = (p: Vec3) => {
    const [u, v] = planar(vp, p);
    return e === 'left' ? -u : e === 'right' ? u : e === 'nearest' ? -Math.hypot(u, v) : Math.hypot(u, v);
  };
  const image = (p: Vec3) => (vp.imageX ? (e === 'left' ? -vp.imageX(p) : vp.imageX(p)) : 0);
  const order = points.map((p, i) => ({ i, k: key(p) })).sort((a, b) => b.k - a.k);
  if (order[0].k - order[1].k < POSITION_MARGIN_M) return null;
  const best = order[0].i;
  if (vp.imageX && (e === 'left' || e === 'right')) {
    const lead = Math.min(...points.map((p, i) => (i === best ? Infinity : image(points[best]) - image(p))));
    if (lead < vp.imageMargin!) return null;
  }
  return best;
}
