// Pieces the LeRobot readers share: cameras backed by a video file or by stored image bytes, the checks that a video
// fits the rows that point into it, and LeRobot's Python-style path templates.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isInside, realPath } from '../../core/paths.js';
import { InputError } from '../errors.js';
import type { DemoCamera, EncodedImage } from '../episode.js';
import { type ImageFormat, encodeRgb, imageInfo } from '../images.js';
import { type VideoInfo, decodeAt, probeVideo } from '../video.js';

// LeRobot's path templates are formatted where the layouts live, shared with the exporter
export { pyFormat } from '../../lerobot/layout.js';

export interface ReaderOptions {
  /** how frames decoded from video are stored */
  imageFormat: ImageFormat;
  /** how far a row's timestamp may be from its video frame, seconds */
  toleranceS?: number;
}

/** Columns that say where a row is rather than what the robot did. */
export const BOOKKEEPING = new Set(['index', 'episode_index', 'frame_index', 'task_index', 'timestamp']);

/**
 * A file a dataset's own metadata names (state.json's data files, a video path in a row, a path template of
 * info.json or dataset_info.json): the path relative to `root`, refused in one line when it leads outside `root`
 * (`../../etc/passwd`, an absolute path, a symbolic link out). A converter reads what the dataset lists, never more.
 */
export function datasetFile(root: string, rel: string, where: string, what = 'file'): string {
  const p = join(root, rel);
  if (rel.startsWith('/') || !isInside(realPath(p), realPath(root))) {
    throw new InputError(where, `${what} ${JSON.stringify(rel.length > 80 ? `${rel.slice(0, 80)}…` : rel)} points outside the dataset folder ${root}`);
  }
  return p;
}

export function readJson(path: string, what = 'file'): any {
  if (!existsSync(path)) throw new InputError(path, `${what} is missing`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InputError(path, `not valid JSON (${(e as Error).message})`);
  }
}

/** JSON Lines, one object per non-empty line. */
export function readJsonl(path: string): any[] {
  if (!existsSync(path)) throw new InputError(path, 'file is missing');
  return readFileSync(path, 'utf8').split('\n').map((l, i) => {
    if (!l.trim()) return undefined;
    try {
      return JSON.parse(l);
    } catch (e) {
      throw new InputError(`${path}:${i + 1}`, `not valid JSON (${(e as Error).message})`);
    }
  }).filter((x) => x !== undefined);
}

/**
 * Checks a video against the rows that use it: the same frame rate, frames enough for the rows, the expected size.
 * `span` is the part of the video the rows cover (a LeRobot v3 file holds many episodes), in seconds.
 */
export function checkVideo(path: string, info: VideoInfo, rows: { count: number; fps: number; span?: [number, number]; width?: number; height?: number; name: string }): void {
  if (rows.width !== undefined && (info.width !== rows.width || info.height !== rows.height)) {
    throw new InputError(path, `video is ${info.width}x${info.height} but the dataset says ${rows.width}x${rows.height}`);
  }
  if (Number.isFinite(info.fps) && Math.abs(info.fps - rows.fps) > 1e-3 * rows.fps) {
    throw new InputError(path, `video is ${info.fps} fps but the rows of ${rows.name} are ${rows.fps} fps`);
  }
  if (rows.span) {
    const needed = rows.span[1];
    if (info.duration !== null && info.duration + 1e-3 < needed) {
      throw new InputError(path, `video shorter than its rows: ${info.duration.toFixed(3)} s, ${rows.name} needs ${needed.toFixed(3)} s`);
    }
  } else if (info.frameCount !== null && info.frameCount < rows.count) {
    throw new InputError(path, `video shorter than its rows: ${info.frameCount} frames for ${rows.count} rows of ${rows.name}`);
  }
}

/** A camera whose frames live in a video file, frame i shown at `times[i]` on the video's clock. */
export function videoCamera(key: string, path: string, info: VideoInfo, times: readonly number[], rowsName: string, opts: ReaderOptions): DemoCamera {
  return {
    key,
    width: info.width,
    height: info.height,
    async frames(indices) {
      const out: Promise<EncodedImage>[] = new Array(indices.length);
      for (const i of indices) if (!(i >= 0 && i < times.length)) throw new RangeError(`frame ${i} of ${rowsName} does not exist`);
      await decodeAt(path, indices.map((i) => times[i]), { width: info.width, height: info.height, fps: info.fps, toleranceS: opts.toleranceS, rowsName },
        (k, rgb) => { out[k] = encodeRgb(rgb, info.width, info.height, opts.imageFormat); });
      return Promise.all(out);
    },
  };
}

/** Probes a video once per path per process: episodes of a LeRobot v3 file share one. */
const probes = new Map<string, Promise<VideoInfo>>();
export function probeOnce(path: string): Promise<VideoInfo> {
  let p = probes.get(path);
  if (!p) {
    p = probeVideo(path);
    probes.set(path, p);
    p.catch(() => probes.delete(path));
  }
  return p;
}

/** A camera whose frames are stored encoded (RLDS JPEGs, HF Image columns); sizes checked when read. */
export function bytesCamera(key: string, width: number, height: number, images: readonly (Uint8Array | null)[], where: string): DemoCamera {
  return {
    key,
    width,
    height,
    async frames(indices) {
      return Promise.all(indices.map(async (i) => {
        const bytes = images[i];
        if (!bytes || bytes.length === 0) throw new InputError(where, `${key}: frame ${i} has no image`);
        let info;
        try {
          info = await imageInfo(bytes);
        } catch {
          throw new InputError(where, `${key}: frame ${i} is not a decodable image`);
        }
        if (info.width !== width || info.height !== height) {
          throw new InputError(where, `${key}: frame ${i} is ${info.width}x${info.height}, expected ${width}x${height}`);
        }
        return { bytes, format: info.format };
      }));
    },
  };
}

/** Frames per second from row timestamps (LeRobot v1 does not store it): the median step, rounded to 1e-3 fps. */
export function fpsFromTimestamps(ts: readonly number[]): number | null {
  const d = ts.slice(1).map((t, i) => t - ts[i]).filter((x) => x > 0).sort((a, b) => a - b);
  if (d.length === 0) return null;
  return Math.round(1000 / d[Math.floor(d.length / 2)]) / 1000;
}
