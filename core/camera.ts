// A pinhole camera in SPEC conventions: K in pixels of the stored image, T_world_to_cam with OpenCV axes
// (x right, y down, z forward). The renderer builds its three.js camera from this same description, so the
// pixels and the stored matrices cannot disagree.
import { type Mat3, type Mat4, type Vec2, type Vec3, sub, norm, scale, transformPoint } from './math.js';

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

/** Square pixels, principal point at the image centre (three.js's projection, pixel centres at i + 0.5). */
export function intrinsics(spec: CameraSpec): Mat3 {
  const fy = spec.height / 2 / Math.tan((spec.fovYDeg * Math.PI) / 360);
  return [fy, 0, spec.width / 2, 0, fy, spec.height / 2, 0, 0, 1];
}

/** World → OpenCV camera, looking from `position` at `target` with world z as "up" in the image. */
export function extrinsics(spec: CameraSpec): Mat4 {
  const fwd = sub(spec.target, spec.position);
  const z = scale(fwd, 1 / norm(fwd));
  let x = cross(z, [0, 0, 1]); // image right = forward × up
  if (norm(x) < 1e-9) x = cross(z, [0, 1, 0]); // looking straight down: pick world y as image up
  x = scale(x, 1 / norm(x));
  const y = cross(z, x); // image down
  const p = spec.position;
  const t = [-(x[0] * p[0] + x[1] * p[1] + x[2] * p[2]), -(y[0] * p[0] + y[1] * p[1] + y[2] * p[2]), -(z[0] * p[0] + z[1] * p[1] + z[2] * p[2])];
  return [x[0], x[1], x[2], t[0], y[0], y[1], y[2], t[1], z[0], z[1], z[2], t[2], 0, 0, 0, 1];
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

export function project(cam: CameraModel, p: Vec3): Vec2 {
  const [u, v] = projectWithDepth(cam, p);
  return [u, v];
}

export function inImage(cam: { width: number; height: number }, uv: Vec2): boolean {
  return uv[0] >= 0 && uv[0] < cam.width && uv[1] >= 0 && uv[1] < cam.height;
}
