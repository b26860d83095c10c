// What LeRobot v2.x and v3.0 share: `meta/info.json` (fps, features with dtype/shape/names, path templates) and
// parquet data whose columns are the non-video features.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { InputError } from '../errors.js';
import type { CameraInfo, FieldInfo } from '../episode.js';
import { BOOKKEEPING, readJson } from './common.js';

export interface LerobotInfo {
  version: string;
  fps: number;
  features: Record<string, { dtype: string; shape?: number[]; names?: unknown; info?: Record<string, unknown> }>;
  data_path: string;
  video_path: string | null;
  chunks_size: number;
  total_episodes: number;
  /** split name → [first, end) episode indices, e.g. {train: "0:50"} */
  splits: Record<string, string>;
}

const NUMERIC = new Set(['float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'bool']);

export function readInfo(root: string): LerobotInfo {
  const path = join(root, 'meta', 'info.json');
  const j = readJson(path, 'meta/info.json');
  for (const k of ['codebase_version', 'fps', 'features', 'data_path']) if (j[k] === undefined) throw new InputError(path, `has no "${k}"`);
  if (!(j.fps > 0)) throw new InputError(path, `fps must be positive, got ${j.fps}`);
  return {
    version: String(j.codebase_version), fps: Number(j.fps), features: j.features, data_path: j.data_path,
    video_path: j.video_path ?? null, chunks_size: Number(j.chunks_size ?? 1000), total_episodes: Number(j.total_episodes ?? 0),
    splits: j.splits ?? {},
  };
}

/** The split an episode index falls in by info.json `splits` ("train" when it says nothing). */
export function splitOf(info: LerobotInfo, index: number): string {
  for (const [name, range] of Object.entries(info.splits)) {
    const [a, b] = String(range).split(':').map(Number);
    if (index >= a && index < b) return name;
  }
  return 'train';
}

export function infoVersion(root: string): string | null {
  const path = join(root, 'meta', 'info.json');
  if (!existsSync(path)) return null;
  try {
    return String(readJson(path).codebase_version ?? '');
  } catch {
    return null;
  }
}

/** Image height and width of a visual feature: from `names` when it says which axis is which, else [h, w, c]. */
function imageSize(f: LerobotInfo['features'][string]): { width: number; height: number } {
  const shape = f.shape ?? [];
  const names = Array.isArray(f.names) ? (f.names as string[]) : [];
  const hi = names.indexOf('height');
  const wi = names.indexOf('width');
  const info = f.info ?? {};
  const width = Number(info['video.width'] ?? (wi >= 0 ? shape[wi] : shape[1]));
  const height = Number(info['video.height'] ?? (hi >= 0 ? shape[hi] : shape[0]));
  return { width, height };
}

export function classifyFeatures(info: LerobotInfo): { videos: CameraInfo[]; images: CameraInfo[]; fields: FieldInfo[]; strings: string[] } {
  const videos: CameraInfo[] = [];
  const images: CameraInfo[] = [];
  const fields: FieldInfo[] = [];
  const strings: string[] = [];
  for (const [key, f] of Object.entries(info.features)) {
    if (f.dtype === 'video') videos.push({ key, ...imageSize(f) });
    else if (f.dtype === 'image') images.push({ key, ...imageSize(f) });
    else if (f.dtype === 'string') strings.push(key);
    else if (NUMERIC.has(f.dtype) && !BOOKKEEPING.has(key)) fields.push({ name: key, dim: (f.shape ?? [1]).reduce((a, b) => a * b, 1) });
  }
  return { videos, images, fields, strings };
}

export type Row = Record<string, unknown>;

/** All rows of a parquet file as objects (byte columns stay bytes). */
export async function readParquet(path: string, what: string): Promise<Row[]> {
  if (!existsSync(path)) throw new InputError(path, `${what} is missing`);
  try {
    return (await parquetReadObjects({ file: await asyncBufferFromFile(path), utf8: false })) as Row[];
  } catch (e) {
    throw new InputError(path, `not a readable parquet file (${(e as Error).message})`);
  }
}

export function toNumber(v: unknown): number {
  return typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? Number(v) : Number(v);
}

/** A row's value of a numeric feature as a vector (scalars stored as [x] or x). */
export function toVector(v: unknown): number[] {
  if (Array.isArray(v)) return v.flat(Infinity as 1).map(toNumber);
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number | bigint>, toNumber);
  return [toNumber(v)];
}

/** Per-frame vectors of every field, checking each has the declared size. */
export function fieldsOf(rows: Row[], fields: FieldInfo[], where: string): Map<string, number[][]> {
  const out = new Map<string, number[][]>();
  for (const f of fields) {
    out.set(f.name, rows.map((r, i) => {
      if (!(f.name in r)) throw new InputError(where, `column ${f.name} declared in meta/info.json is missing`);
      const v = toVector(r[f.name]);
      if (v.length !== f.dim) throw new InputError(where, `${f.name} of row ${i} has ${v.length} values, meta/info.json says ${f.dim}`);
      return v;
    }));
  }
  return out;
}

/** HF Image struct bytes of a row, or null. */
export function imageBytes(v: unknown): Uint8Array | null {
  const b = (v as { bytes?: unknown } | null)?.bytes;
  if (b instanceof Uint8Array) return b;
  return null;
}
