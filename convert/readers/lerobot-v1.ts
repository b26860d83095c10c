// LeRobot v1: an HF `datasets` DatasetDict saved with save_to_disk. `<split>/state.json` lists the Arrow IPC *stream*
// files of the split, `<split>/dataset_info.json` the features; camera frames are `VideoFrame` structs
// {path, timestamp} into `videos/*.mp4` next to the split folders, or HF `Image` structs {bytes, path}.
// v1 stores no fps: it is taken from the row timestamps and checked against each video's frame rate.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { type Table, type Vector, tableFromIPC } from 'apache-arrow';
import { InputError } from '../errors.js';
import type { CameraInfo, DemoCamera, DemoDataset, DemoEpisode, FieldInfo } from '../episode.js';
import { imageInfo } from '../images.js';
import { BOOKKEEPING, type ReaderOptions, bytesCamera, checkVideo, datasetFile, fpsFromTimestamps, probeOnce, readJson, videoCamera } from './common.js';
import { assertVideoExists } from '../video.js';

const INSTRUCTION_COLUMNS = ['language_instruction', 'instruction', 'task'];

/** Split folders of a v1 dataset: subfolders holding state.json + dataset_info.json (or the folder itself). */
export function v1Splits(root: string): { name: string; dir: string }[] {
  const isSplit = (d: string) => existsSync(join(d, 'state.json')) && existsSync(join(d, 'dataset_info.json'));
  if (isSplit(root)) return [{ name: basename(root), dir: root }];
  if (!existsSync(root) || !statSync(root).isDirectory()) return [];
  return readdirSync(root).sort().map((n) => ({ name: n, dir: join(root, n) })).filter((s) => isSplit(s.dir));
}

interface Column {
  name: string;
  kind: 'video' | 'image' | 'number' | 'string';
  dim: number;
}

function classify(name: string, feature: any): Column | null {
  const t = feature?._type;
  if (t === 'VideoFrame') return { name, kind: 'video', dim: 1 };
  if (t === 'Image') return { name, kind: 'image', dim: 1 };
  if (t === 'Value') return feature.dtype === 'string' ? { name, kind: 'string', dim: 1 } : { name, kind: 'number', dim: 1 };
  if (t === 'Sequence' && feature.feature?._type === 'Value' && feature.feature.dtype !== 'string') {
    return { name, kind: 'number', dim: typeof feature.length === 'number' && feature.length > 0 ? feature.length : -1 };
  }
  return null; // nested structures carry nothing the converter uses
}

function num(v: unknown): number {
  return typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? Number(v) : (v as number);
}

/** One frame's value of a numeric column as a vector. */
function vectorAt(col: Vector, i: number): number[] {
  const v = col.get(i);
  if (v === null || v === undefined) return [NaN];
  if (typeof v === 'object' && 'toArray' in v) return Array.from(v.toArray() as ArrayLike<unknown>, num);
  return [num(v)];
}

export async function openLerobotV1(root: string, opts: ReaderOptions): Promise<DemoDataset> {
  root = resolve(root);
  const splits = v1Splits(root);
  if (splits.length === 0) throw new InputError(root, 'not a LeRobot v1 dataset (no <split>/state.json + dataset_info.json)');
  const videoRoot = splits[0].dir === root ? resolve(root, '..') : root;

  // Every split's Arrow files, in order, as one table per split.
  const parts: { split: string; table: Table; features: Record<string, any>; file: string }[] = [];
  for (const s of splits) {
    const state = readJson(join(s.dir, 'state.json'));
    const info = readJson(join(s.dir, 'dataset_info.json'));
    for (const f of (state._data_files ?? []) as { filename: string }[]) {
      const file = datasetFile(s.dir, String(f.filename), join(s.dir, 'state.json'), 'Arrow file');
      if (!existsSync(file)) throw new InputError(file, 'Arrow file listed in state.json is missing');
      let table: Table;
      try {
        table = tableFromIPC(readFileSync(file));
      } catch (e) {
        throw new InputError(file, `not a readable Arrow IPC stream (${(e as Error).message})`);
      }
      parts.push({ split: s.name, table, features: info.features ?? {}, file });
    }
  }
  if (parts.length === 0) throw new InputError(root, 'LeRobot v1 dataset lists no Arrow files');
  const features = parts[0].features;
  const columns = Object.entries(features).map(([n, f]) => classify(n, f)).filter((c): c is Column => c !== null);
  for (const p of parts) {
    for (const c of columns) if (!p.table.getChild(c.name)) throw new InputError(p.file, `column ${c.name} named in dataset_info.json is missing`);
    for (const need of ['episode_index', 'timestamp']) if (!p.table.getChild(need)) throw new InputError(p.file, `has no ${need} column`);
  }

  // Episodes: rows grouped by episode_index, in order of first appearance.
  const episodes: { index: number; split: string; part: number; rows: number[] }[] = [];
  const byIndex = new Map<string, (typeof episodes)[number]>();
  parts.forEach((p, pi) => {
    const col = p.table.getChild('episode_index')!;
    for (let r = 0; r < p.table.numRows; r++) {
      const idx = num(col.get(r));
      const key = `${pi}:${idx}`;
      let e = byIndex.get(key);
      if (!e) {
        e = { index: idx, split: p.split, part: pi, rows: [] };
        byIndex.set(key, e);
        episodes.push(e);
      }
      e.rows.push(r);
    }
  });

  // Splits saved separately may each count episodes from 0: then positions are the indices.
  if (new Set(episodes.map((e) => e.index)).size !== episodes.length) episodes.forEach((e, i) => (e.index = i));

  // Videos must all be there before anything is converted.
  const videoCols = columns.filter((c) => c.kind === 'video');
  for (const p of parts) for (const c of videoCols) {
    const col = p.table.getChild(c.name)!.getChild('path')!;
    const seen = new Set<string>();
    for (let r = 0; r < p.table.numRows; r++) seen.add(String(col.get(r)));
    for (const rel of seen) assertVideoExists(datasetFile(videoRoot, rel, p.file, `${c.name} video`));
  }

  const ts0 = episodes[0].rows.map((r) => num(parts[episodes[0].part].table.getChild('timestamp')!.get(r)));
  const fps = fpsFromTimestamps(ts0);
  const numberCols = columns.filter((c) => c.kind === 'number' && !BOOKKEEPING.has(c.name));
  const fields: FieldInfo[] = numberCols.map((c) => ({ name: c.name, dim: c.dim > 0 ? c.dim : vectorAt(parts[0].table.getChild(c.name)!, 0).length }));

  // Camera sizes from the first episode's frame.
  const first = parts[episodes[0].part].table;
  const r0 = episodes[0].rows[0];
  const cameras: CameraInfo[] = [];
  for (const c of columns) {
    if (c.kind === 'video') {
      const info = await probeOnce(datasetFile(videoRoot, String(first.getChild(c.name)!.getChild('path')!.get(r0)), parts[episodes[0].part].file, `${c.name} video`));
      cameras.push({ key: c.name, width: info.width, height: info.height });
    } else if (c.kind === 'image') {
      const bytes = first.getChild(c.name)!.getChild('bytes')!.get(r0) as Uint8Array | null;
      if (!bytes) throw new InputError(parts[episodes[0].part].file, `${c.name}: image bytes are missing`);
      const info = await imageInfo(bytes);
      cameras.push({ key: c.name, width: info.width, height: info.height });
    }
  }
  const instructionCol = columns.find((c) => c.kind === 'string' && INSTRUCTION_COLUMNS.includes(c.name));
  const name = basename(root);

  return {
    name,
    format: 'lerobot-v1',
    root,
    fps,
    cameras,
    fields,
    episodeCount: episodes.length,
    notes: [],
    async episode(i) {
      const e = episodes[i];
      if (!e) throw new RangeError(`episode ${i} of ${episodes.length}`);
      const part = parts[e.part];
      const t = part.table;
      const rowsName = `episode ${e.index}`;
      const timestamps = e.rows.map((r) => num(t.getChild('timestamp')!.get(r)));
      const epFps = fpsFromTimestamps(timestamps) ?? fps ?? 0;
      const fieldMap = new Map<string, number[][]>();
      for (const f of fields) {
        const col = t.getChild(f.name)!;
        fieldMap.set(f.name, e.rows.map((r) => vectorAt(col, r)));
      }
      const cams: DemoCamera[] = [];
      for (const cam of cameras) {
        const col = t.getChild(cam.key)!;
        if (columns.find((c) => c.name === cam.key)!.kind === 'video') {
          const paths = new Set(e.rows.map((r) => String(col.getChild('path')!.get(r))));
          if (paths.size !== 1) throw new InputError(part.file, `${rowsName}: ${cam.key} spans ${paths.size} video files`);
          const path = datasetFile(videoRoot, [...paths][0], part.file, `${cam.key} video`);
          const info = await probeOnce(path);
          checkVideo(path, info, { count: e.rows.length, fps: epFps, width: cam.width, height: cam.height, name: rowsName });
          const times = e.rows.map((r) => num(col.getChild('timestamp')!.get(r)));
          cams.push(videoCamera(cam.key, path, info, times, rowsName, opts));
        } else {
          const bytesCol = col.getChild('bytes')!;
          cams.push(bytesCamera(cam.key, cam.width, cam.height, e.rows.map((r) => bytesCol.get(r) as Uint8Array | null), part.file));
        }
      }
      const instruction = instructionCol ? String(t.getChild(instructionCol.name)!.get(e.rows[0]) ?? '') || null : null;
      const ep: DemoEpisode = {
        dataset: name, index: e.index, split: e.split, instruction, fps: epFps || null, length: e.rows.length,
        timestamps, fields: fieldMap, cameras: cams,
      };
      return ep;
    },
  };
}
