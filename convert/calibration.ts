// The calibration file for `convert` (SPEC "Calibration file for convert"): per camera the image size and either a
// pinhole model (K, T_world_to_cam, OpenCV axes) or, for datasets whose state is already in image space, a per-axis
// pixel mapping; where the end effector's position is in the data; optionally how to read the gripper. It is checked
// twice: against its own schema, then against the dataset (fields, indices, camera names and image sizes), and any
// misfit is one line naming the file and the problem.
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from './errors.js';
import { type DemoDataset, resolveName } from './episode.js';
import type { CameraModel } from '../core/camera.js';
import type { Mat3, Mat4 } from '../core/math.js';

/** n×n as nested rows (the SPEC form) or flat row-major; stored flat. */
const matrix = (n: number) => z.union([
  z.array(z.array(z.number()).length(n)).length(n).transform((rows) => rows.flat()),
  z.array(z.number()).length(n * n),
], { error: `must be a ${n}x${n} matrix: ${n} rows of ${n} numbers (or ${n * n} numbers, row-major)` });
const pair = z.tuple([z.number(), z.number()]);

const CameraSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  K: matrix(3).optional(),
  T_world_to_cam: matrix(4).optional(),
  distortion: z.object({ model: z.string() }).strict().optional(),
  /** image-space datasets: u = scale[0]·x + offset[0], v = scale[1]·y + offset[1] */
  pixel_mapping: z.object({
    // a zero scale maps every position to one pixel (no trace); a negative one mirrors the image: neither is a camera
    scale: z.tuple([z.number().positive(), z.number().positive()], { error: 'must be two numbers > 0 (pixels per unit in x and y)' }),
    offset: pair.optional(),
  }).strict().optional(),
}).strict();

export const CalibrationSchema = z.object({
  cameras: z.record(z.string(), CameraSchema),
  eef_position: z.object({
    field: z.string().min(1),
    indices: z.array(z.number().int().nonnegative()).min(2).max(3),
    frame: z.literal('world').default('world'),
  }).strict(),
  gripper: z.object({
    field: z.string().min(1),
    index: z.number().int().nonnegative(),
    closed_when: z.enum(['above', 'below']),
    threshold: z.number(),
  }).strict().optional(),
}); // unknown top-level keys (a "comment", a "source") are allowed

export type CalibrationFile = z.infer<typeof CalibrationSchema>;

export type Projector =
  | { kind: 'pinhole'; camera: CameraModel }
  | { kind: 'pixel'; scale: [number, number]; offset: [number, number] };

export interface CalibratedCamera {
  /** the dataset's camera key */
  key: string;
  width: number;
  height: number;
  projector: Projector;
}

export interface Calibration {
  /** the file it came from, for messages and the manifest */
  path: string;
  /** the file's content, as recorded in the manifest */
  raw: unknown;
  cameras: CalibratedCamera[];
  eef: { field: string; indices: number[] };
  gripper: { field: string; index: number; closedWhen: 'above' | 'below'; threshold: number } | null;
}

const showPath = (p: readonly PropertyKey[]) => p.map((k) => (typeof k === 'string' && /[.\s/]/.test(k) ? `"${k}"` : String(k))).join('.');

/** Reads and schema-checks a calibration file. */
export function loadCalibration(path: string): { path: string; file: CalibrationFile; raw: unknown } {
  if (!existsSync(path)) throw new InputError(path, 'calibration file is missing');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InputError(path, `calibration is not valid JSON (${(e as Error).message})`);
  }
  return { path, file: parseCalibration(raw, path), raw };
}

export function parseCalibration(raw: unknown, path = 'calibration'): CalibrationFile {
  const r = CalibrationSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new InputError(path, `${showPath(issue.path) || 'calibration'}: ${issue.message}`);
  }
  return r.data;
}

function checkPinhole(path: string, where: string, K: Mat3, T: Mat4): void {
  if (!(K[0] > 0 && K[4] > 0) || K[1] !== 0 || K[3] !== 0 || K[6] !== 0 || K[7] !== 0 || K[8] !== 1) {
    throw new InputError(path, `${where}.K must be [[fx,0,cx],[0,fy,cy],[0,0,1]] with fx, fy > 0`);
  }
  if (T[12] !== 0 || T[13] !== 0 || T[14] !== 0 || T[15] !== 1) throw new InputError(path, `${where}.T_world_to_cam: last row must be [0,0,0,1]`);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
    const d = T[i * 4] * T[j * 4] + T[i * 4 + 1] * T[j * 4 + 1] + T[i * 4 + 2] * T[j * 4 + 2];
    if (Math.abs(d - (i === j ? 1 : 0)) > 1e-3) throw new InputError(path, `${where}.T_world_to_cam: rotation part is not a rotation (rows must be orthonormal)`);
  }
  // orthonormal rows with determinant −1 are a mirror: the image would be flipped, every projected point wrong
  const det = T[0] * (T[5] * T[10] - T[6] * T[9]) - T[1] * (T[4] * T[10] - T[6] * T[8]) + T[2] * (T[4] * T[9] - T[5] * T[8]);
  if (det < 0) throw new InputError(path, `${where}.T_world_to_cam: rotation part is a mirror (determinant ${det.toFixed(3)}, a rotation has +1); check the sign of one axis`);
}

/** Checks a calibration against a dataset and resolves its names to the dataset's. */
export function resolveCalibration(loaded: { path: string; file: CalibrationFile; raw: unknown }, ds: DemoDataset): Calibration {
  const { path, file } = loaded;
  const camKeys = ds.cameras.map((c) => c.key);
  const cameras: CalibratedCamera[] = [];
  const names = Object.keys(file.cameras);
  if (names.length === 0) throw new InputError(path, 'cameras: names no camera');
  for (const name of names) {
    const c = file.cameras[name];
    const where = `cameras.${showPath([name])}`;
    const key = resolveName(name, camKeys);
    if (!key) throw new InputError(path, `${where}: the dataset has no camera "${name}" (its cameras: ${camKeys.join(', ') || 'none'})`);
    const info = ds.cameras.find((x) => x.key === key)!;
    if (info.width !== c.width || info.height !== c.height) {
      throw new InputError(path, `${where}: calibrated for ${c.width}x${c.height} images but the dataset's ${key} is ${info.width}x${info.height}`);
    }
    if (c.distortion && c.distortion.model !== 'none') {
      throw new InputError(path, `${where}.distortion: model "${c.distortion.model}" is not supported (only "none"; give the undistorted camera)`);
    }
    let projector: Projector;
    if (c.pixel_mapping) {
      if (c.K || c.T_world_to_cam) throw new InputError(path, `${where}: give either pixel_mapping or K + T_world_to_cam, not both`);
      projector = { kind: 'pixel', scale: c.pixel_mapping.scale, offset: c.pixel_mapping.offset ?? [0, 0] };
    } else {
      if (!c.K || !c.T_world_to_cam) throw new InputError(path, `${where}: needs K and T_world_to_cam (or pixel_mapping)`);
      checkPinhole(path, where, c.K, c.T_world_to_cam);
      if (file.eef_position.indices.length !== 3) {
        throw new InputError(path, `eef_position.indices: a camera with K and T_world_to_cam needs a 3-D position (3 indices), got ${file.eef_position.indices.length}`);
      }
      projector = { kind: 'pinhole', camera: { name: key, width: c.width, height: c.height, K: c.K, T_world_to_cam: c.T_world_to_cam } };
    }
    cameras.push({ key, width: c.width, height: c.height, projector });
  }

  const fieldNames = ds.fields.map((f) => f.name);
  const field = (what: string, name: string, indices: number[]) => {
    const resolved = resolveName(name, fieldNames);
    if (!resolved) throw new InputError(path, `${what}.field: the dataset has no field "${name}" (its fields: ${fieldNames.join(', ') || 'none'})`);
    const dim = ds.fields.find((f) => f.name === resolved)!.dim;
    const bad = indices.filter((i) => i >= dim);
    if (bad.length) throw new InputError(path, `${what}: index ${bad.join(', ')} out of range: "${resolved}" has ${dim} value${dim === 1 ? '' : 's'} (indices 0..${dim - 1})`);
    return resolved;
  };
  const eef = { field: field('eef_position', file.eef_position.field, file.eef_position.indices), indices: file.eef_position.indices };
  const g = file.gripper;
  const gripper = g ? { field: field('gripper', g.field, [g.index]), index: g.index, closedWhen: g.closed_when, threshold: g.threshold } : null;
  return { path, raw: loaded.raw, cameras, eef, gripper };
}
