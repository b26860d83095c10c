// A pinhole camera in SPEC conventions: K in pixels of the stored image, T_world_to_cam with OpenCV axes
// (x right, y down, z forward). The renderer builds its three.js camera from this same description, so the
// pixels and the stored matrices cannot disagree.
import { type Mat3, type Mat4, type Pose, type Vec2, type Vec3, add, sub, norm, rotate, scale, transformPoint } from './math.js';

export interface CameraSpec {
  name: string;
  width: number;
  height: number;
  /** vertical field of view, degrees */
  fovYDeg: number;
  position: Vec3;
  /** the world point the optical axis passes through */
  target: Vec3;
  near?: number;
  far?: number;
  /** the principal point's offset from the image centre, pixels (x right, y down); absent: centred */
  principalOffset?: [number, number];
  /** the direction that is "up" in the image, world frame; absent: world +z */
  up?: Vec3;
  /**
   * `tcp`: the camera rides on the robot's tool-centre point (a wrist camera): position, target and up are in the
   * TCP frame, and `mountedAt` gives the world camera of each recorded step. Absent: fixed in the world.
   */
  mount?: 'tcp';
}

export interface CameraModel {
  name: string;
  width: number;
  height: number;
  /** 3×3 row-major intrinsics */
  K: Mat3;
  /** 4×4 row-major world → camera (OpenCV axes) */
  T_world_to_cam: Mat4;
}

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/**
 * Square pixels, principal point at the image centre moved by `principalOffset` (three.js's projection with a view
 * offset, threeCamera.ts; pixel centres at i + 0.5).
 */
export function intrinsics(spec: CameraSpec): Mat3 {
  const fy = spec.height / 2 / Math.tan((spec.fovYDeg * Math.PI) / 360);
  const [dx, dy] = spec.principalOffset ?? [0, 0];
  return [fy, 0, spec.width / 2 + dx, 0, fy, spec.height / 2 + dy, 0, 0, 1];
}

/** World → OpenCV camera, looking from `position` at `target` with `up` (default world z) as "up" in the image. */
export function extrinsics(spec: CameraSpec): Mat4 {
  const fwd = sub(spec.target, spec.position);
  const z = scale(fwd, 1 / norm(fwd));
  let x = cross(z, spec.up ?? [0, 0, 1]); // image right = forward × up
  if (norm(x) < 1e-9) x = cross(z, [0, 1, 0]); // looking straight down: pick world y as image up
  x = scale(x, 1 / norm(x));
  const y = cross(z, x); // image down
  const p = spec.position;
  const t = [-(x[0] * p[0] + x[1] * p[1] + x[2] * p[2]), -(y[0] * p[0] + y[1] * p[1] + y[2] * p[2]), -(z[0] * p[0] + z[1] * p[1] + z[2] * p[2])];
  return [x[0], x[1], x[2], t[0], y[0], y[1], y[2], t[1], z[0], z[1], z[2], t[2], 0, 0, 0, 1];
}

/**
 * The world camera of a mounted spec when its mount stands at `mount` (world pose of the TCP): position and target
 * carried by the pose, up turned with it. A world camera is returned as it is.
 */
export function mountedAt(spec: CameraSpec, mount: Pose): CameraSpec {
  if (spec.mount !== 'tcp') return spec;
  const { mount: _, ...world } = spec;
  const at = (p: Vec3) => add(mount.position, rotate(mount.quaternion, p));
  return { ...world, position: at(spec.position), target: at(spec.target), up: rotate(mount.quaternion, spec.up ?? [0, 0, 1]) };
}

export function cameraModel(spec: CameraSpec): CameraModel {
  return { name: spec.name, width: spec.width, height: spec.height, K: intrinsics(spec), T_world_to_cam: extrinsics(spec) };
}

/** Camera-frame point (OpenCV axes) of a world point. */
export function toCamera(cam: CameraModel, p: Vec3): Vec3 {
  return transformPoint(cam.T_world_to_cam, p);
}

/** SPEC formula: [u·z, v·z, z] = K · (T · [p;1])[0:3]. Returns [u, v, z]; z <= 0 means behind the camera. */
export function projectWithDepth(cam: CameraModel, p: Vec3): Vec3 {
  const c = toCamera(cam, p);
  const K = cam.K;
  const z = c[2];
  return [(K[0] * c[0] + K[1] * c[1] + K[2] * z) / z, (K[3] * c[0] + K[4] * c[1] + K[5] * z) / z, z];
}

/**
 * The pixel of a world point in front of the camera, or null for one at or behind the camera's plane (z ≤ 0): there
 * the SPEC formula still holds algebraically, but the (u, v) it gives is a mirror image, not a place in the picture.
 * What a moving (wrist) camera stores for such points.
 */
export function projectInFront(cam: CameraModel, p: Vec3): Vec2 | null {
  const [u, v, z] = projectWithDepth(cam, p);
  return z > 0 ? [u, v] : null;
}

export function project(cam: CameraModel, p: Vec3): Vec2 {
  const [u, v] = projectWithDepth(cam, p);
  return [u, v];
}

export function inImage(cam: { width: number; height: number }, uv: Vec2): boolean {
  return uv[0] >= 0 && uv[0] < cam.width && uv[1] >= 0 && uv[1] < cam.height;
}
