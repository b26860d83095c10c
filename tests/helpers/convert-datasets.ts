// Small LeRobot v2.1 / v3.0 datasets written by the tests: a known pinhole camera looking at a synthetic end-effector
// path (piecewise linear in time, knots at frames, so the SPEC trace of the recorded samples equals the analytic
// path), frames drawn as a Gaussian blob at the projected TCP and encoded to h264 by ffmpeg with a normal GOP and
// B-frames, state in parquet with LeRobot's column types (list<float>, int64, float32) as the exporter writes them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { V21, V30 } from '../../lerobot/layout.js';
import { type Column, type ColumnKind, parquetBytes, schemaOf } from '../../lerobot/parquet.js';
import { type CameraModel, cameraModel, project } from '../../core/camera.js';
import type { Vec3 } from '../../core/math.js';
import { fixture } from './fixtures.js';

export const CAM_KEY = 'observation.images.front';
export const FPS = 10;
export const SIZE = 64;
/** gripper opening above this is open */
export const GRIPPER_THRESHOLD = 0.04;

export function testCamera(): CameraModel {
  return cameraModel({ name: CAM_KEY, width: SIZE, height: SIZE, fovYDeg: 55, position: [1.0, -0.25, 0.65], target: [0.42, 0.02, 0.12] });
}

export interface SynthEpisode {
  index: number;
  task: string;
  /** TCP per frame, world frame */
  positions: Vec3[];
  /** gripper opening per frame (0.08 open, 0 closed) */
  gripper: number[];
  /** frame where the gripper closes / opens */
  graspFrame: number;
  placeFrame: number;
}

/** Approach (0..10), carry (10..21), lift (21..25), still (25..). Offsets make episodes differ. */
export function synthEpisode(index: number, frames = 30): SynthEpisode {
  const o = index * 0.03;
  const knots: [number, Vec3][] = [
    [0, [0.45 + o, -0.15, 0.25]],
    [10, [0.5, 0.05 - o, 0.05]],
    [21, [0.35 - o, 0.15, 0.12]],
    [25, [0.35 - o, 0.15, 0.25]],
    [frames - 1, [0.35 - o, 0.15, 0.25]],
  ];
  const at = (f: number): Vec3 => {
    for (let k = 1; k < knots.length; k++) {
      const [f0, a] = knots[k - 1];
      const [f1, b] = knots[k];
      if (f <= f1) {
        const t = f1 === f0 ? 0 : (f - f0) / (f1 - f0);
        return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
      }
    }
    return knots[knots.length - 1][1];
  };
  const positions = Array.from({ length: frames }, (_, f) => at(f));
  const gripper = positions.map((_, f) => (f >= 10 && f < 21 ? 0 : 0.08));
  const tasks = ['pick up the red block and put it in the bowl', 'move the cup onto the plate', 'put the sponge in the sink'];
  return { index, task: tasks[index % tasks.length], positions, gripper, graspFrame: 10, placeFrame: 21 };
}

/** RGB frames: dark background, a bright Gaussian blob (σ 1.2 px) centred on the projected TCP. */
export function renderFrames(cam: CameraModel, positions: readonly Vec3[]): Buffer[] {
  return positions.map((p) => {
    const [u, v] = project(cam, p);
    const buf = Buffer.alloc(SIZE * SIZE * 3);
    for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) {
      const d2 = (x + 0.5 - u) ** 2 + (y + 0.5 - v) ** 2;
      const val = Math.round(30 + 225 * Math.exp(-d2 / (2 * 1.2 * 1.2)));
      buf.fill(val, (y * SIZE + x) * 3, (y * SIZE + x) * 3 + 3);
    }
    return buf;
  });
}

/** h264 mp4 at FPS from raw RGB frames; GOP 8 with B-frames, as ordinary recordings are. */
export function encodeMp4(path: string, frames: readonly Buffer[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${SIZE}x${SIZE}`,
    '-r', String(FPS), '-i', 'pipe:0', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '12', '-g', '8', '-bf', '2', '-pix_fmt', 'yuv420p', path],
  { input: Buffer.concat(frames) });
  if (r.status !== 0) throw new Error(`ffmpeg: ${r.stderr.toString()}`);
}

/** Frame rows of episodes as LeRobot writes them: state [x,y,z,gripper], action = next state, bookkeeping columns. */
function dataParquet(eps: readonly SynthEpisode[], firstIndex = 0): Uint8Array {
  const rows = eps.flatMap((e) => e.positions.map((p, f) => ({ e, p, f })));
  const state = rows.map(({ p, e, f }) => [p[0], p[1], p[2], e.gripper[f]]);
  const action = rows.map(({ e, f }) => {
    const n = Math.min(f + 1, e.positions.length - 1);
    return [...e.positions[n], e.gripper[n]];
  });
  return parquetBytes([
    { name: 'observation.state', kind: 'f32list', values: state },
    { name: 'action', kind: 'f32list', values: action },
    { name: 'timestamp', kind: 'f32', values: rows.map(({ f }) => f / FPS) },
    { name: 'frame_index', kind: 'i64', values: rows.map(({ f }) => f) },
    { name: 'episode_index', kind: 'i64', values: rows.map(({ e }) => e.index) },
    { name: 'index', kind: 'i64', values: rows.map((_, i) => firstIndex + i) },
    { name: 'task_index', kind: 'i64', values: rows.map(({ e }) => e.index % 3) },
  ]);
}

function features(): Record<string, Record<string, unknown>> {
  return {
    [CAM_KEY]: {
      dtype: 'video', shape: [SIZE, SIZE, 3], names: ['height', 'width', 'channels'],
      info: { 'video.fps': FPS, 'video.height': SIZE, 'video.width': SIZE, 'video.channels': 3, 'video.codec': 'h264', 'video.pix_fmt': 'yuv420p', 'video.is_depth_map': false, has_audio: false },
    },
    'observation.state': { dtype: 'float32', shape: [4], names: ['x', 'y', 'z', 'gripper'] },
    action: { dtype: 'float32', shape: [4], names: ['x', 'y', 'z', 'gripper'] },
    timestamp: { dtype: 'float32', shape: [1], names: null },
    frame_index: { dtype: 'int64', shape: [1], names: null },
    episode_index: { dtype: 'int64', shape: [1], names: null },
    index: { dtype: 'int64', shape: [1], names: null },
    task_index: { dtype: 'int64', shape: [1], names: null },
  };
}

export interface WriteOptions {
  episodes?: number;
  frames?: number;
  /** episode whose video loses its last `dropFrames` frames (a video shorter than its rows) */
  shortVideo?: { episode: number; dropFrames: number };
}

/** A LeRobot v2.1 dataset at `root`; returns its episodes (the truth). */
export function writeLerobotV21(root: string, opts: WriteOptions = {}): SynthEpisode[] {
  const eps = Array.from({ length: opts.episodes ?? 2 }, (_, i) => synthEpisode(i, opts.frames));
  const cam = testCamera();
  const total = eps.reduce((n, e) => n + e.positions.length, 0);
  mkdirSync(join(root, 'meta'), { recursive: true });
  writeFileSync(join(root, 'meta', 'info.json'), JSON.stringify({
    codebase_version: 'v2.1', robot_type: 'synthetic', total_episodes: eps.length, total_frames: total, total_tasks: 3,
    total_videos: eps.length, total_chunks: 1, chunks_size: 1000, fps: FPS, splits: { train: `0:${eps.length}` },
    data_path: V21.data_path,
    video_path: V21.video_path,
    features: features(),
  }, null, 4));
  writeFileSync(join(root, 'meta', 'episodes.jsonl'), eps.map((e) => JSON.stringify({ episode_index: e.index, tasks: [e.task], length: e.positions.length })).join('\n') + '\n');
  writeFileSync(join(root, 'meta', 'tasks.jsonl'), [0, 1, 2].map((i) => JSON.stringify({ task_index: i, task: synthEpisode(i).task })).join('\n') + '\n');
  let first = 0;
  for (const e of eps) {
    const name = `episode_${String(e.index).padStart(6, '0')}`;
    mkdirSync(join(root, 'data', 'chunk-000'), { recursive: true });
    writeFileSync(join(root, 'data', 'chunk-000', `${name}.parquet`), dataParquet([e], first));
    first += e.positions.length;
    let frames = renderFrames(cam, e.positions);
    if (opts.shortVideo?.episode === e.index) frames = frames.slice(0, frames.length - opts.shortVideo.dropFrames);
    encodeMp4(join(root, 'videos', 'chunk-000', CAM_KEY, `${name}.mp4`), frames);
  }
  return eps;
}

/** A LeRobot v3.0 dataset at `root`: all episodes in one data file and one video file. */
export function writeLerobotV30(root: string, opts: WriteOptions = {}): SynthEpisode[] {
  const eps = Array.from({ length: opts.episodes ?? 3 }, (_, i) => synthEpisode(i, opts.frames));
  const cam = testCamera();
  const total = eps.reduce((n, e) => n + e.positions.length, 0);
  mkdirSync(join(root, 'meta', 'episodes', 'chunk-000'), { recursive: true });
  writeFileSync(join(root, 'meta', 'info.json'), JSON.stringify({
    codebase_version: 'v3.0', robot_type: 'synthetic', total_episodes: eps.length, total_frames: total, total_tasks: 3,
    chunks_size: 1000, data_files_size_in_mb: 100, video_files_size_in_mb: 500, fps: FPS, splits: { train: `0:${eps.length}` },
    data_path: V30.data_path,
    video_path: V30.video_path,
    features: features(),
  }, null, 4));
  mkdirSync(join(root, 'data', 'chunk-000'), { recursive: true });
  writeFileSync(join(root, 'data', 'chunk-000', 'file-000.parquet'), dataParquet(eps));
  let frames: Buffer[] = [];
  const from: number[] = [];
  for (const e of eps) {
    from.push(frames.length / FPS);
    let f = renderFrames(cam, e.positions);
    if (opts.shortVideo?.episode === e.index) f = f.slice(0, f.length - opts.shortVideo.dropFrames);
    frames = frames.concat(f);
  }
  encodeMp4(join(root, 'videos', CAM_KEY, 'chunk-000', 'file-000.mp4'), frames);
  let start = 0;
  const meta = eps.map((e, i) => {
    const r = { e, from: from[i], start };
    start += e.positions.length;
    return r;
  });
  const col = (name: string, kind: ColumnKind, f: (m: (typeof meta)[number]) => unknown): Column => ({ name, kind, values: meta.map(f) });
  writeFileSync(join(root, 'meta', 'episodes', 'chunk-000', 'file-000.parquet'), parquetBytes([
    col('episode_index', 'i64', (m) => m.e.index), col('tasks', 'utf8list', (m) => [m.e.task]), col('length', 'i64', (m) => m.e.positions.length),
    col('data/chunk_index', 'i64', () => 0), col('data/file_index', 'i64', () => 0),
    col('dataset_from_index', 'i64', (m) => m.start), col('dataset_to_index', 'i64', (m) => m.start + m.e.positions.length),
    col(`videos/${CAM_KEY}/chunk_index`, 'i64', () => 0), col(`videos/${CAM_KEY}/file_index`, 'i64', () => 0),
    col(`videos/${CAM_KEY}/from_timestamp`, 'f64', (m) => m.from), col(`videos/${CAM_KEY}/to_timestamp`, 'f64', (m) => m.from + m.e.positions.length / FPS),
    col('meta/episodes/chunk_index', 'i64', () => 0), col('meta/episodes/file_index', 'i64', () => 0),
  ]));
  // pandas writes the task strings as the frame's index, named "task" by LeRobot
  writeFileSync(join(root, 'meta', 'tasks.parquet'), parquetBytes([
    { name: 'task_index', kind: 'i64', values: [0, 1, 2] },
    { name: 'task', kind: 'utf8', values: [0, 1, 2].map((i) => synthEpisode(i).task) },
  ]));
  return eps;
}

/** The SPEC calibration file for the test camera. */
export function calibrationFor(cam: CameraModel = testCamera()): Record<string, unknown> {
  const rows = (m: number[], n: number) => Array.from({ length: n }, (_, i) => m.slice(i * n, i * n + n));
  return {
    cameras: { [cam.name]: { width: cam.width, height: cam.height, K: rows(cam.K, 3), T_world_to_cam: rows(cam.T_world_to_cam, 4), distortion: { model: 'none' } } },
    eef_position: { field: 'observation.state', indices: [0, 1, 2], frame: 'world' },
    gripper: { field: 'observation.state', index: 3, closed_when: 'below', threshold: GRIPPER_THRESHOLD },
  };
}

/**
 * A LeRobot v2.1 dataset whose camera is an `image` feature (PNG bytes in the parquet HF Image struct) instead of a
 * video: the reader's other camera path. One episode.
 */
export async function writeLerobotV21Images(root: string, frames = 30): Promise<SynthEpisode[]> {
  const { default: sharp } = await import('sharp');
  const e = synthEpisode(0, frames);
  const pngs = await Promise.all(renderFrames(testCamera(), e.positions).map((raw) => sharp(raw, { raw: { width: SIZE, height: SIZE, channels: 3 } }).png().toBuffer()));
  mkdirSync(join(root, 'meta'), { recursive: true });
  const feats = features();
  feats[CAM_KEY] = { dtype: 'image', shape: [SIZE, SIZE, 3], names: ['height', 'width', 'channel'] };
  delete feats.action; // this one records no action column
  writeFileSync(join(root, 'meta', 'info.json'), JSON.stringify({
    codebase_version: 'v2.1', total_episodes: 1, total_frames: frames, total_tasks: 1, total_videos: 0, total_chunks: 1, chunks_size: 1000, fps: FPS,
    splits: { train: '0:1' }, data_path: V21.data_path, video_path: null, features: feats,
  }));
  writeFileSync(join(root, 'meta', 'episodes.jsonl'), `${JSON.stringify({ episode_index: 0, tasks: [e.task], length: frames })}\n`);
  writeFileSync(join(root, 'meta', 'tasks.jsonl'), `${JSON.stringify({ task_index: 0, task: e.task })}\n`);
  const table = parquetWriteBuffer({
    columnData: [
      { name: CAM_KEY, data: pngs.map((b, f) => ({ bytes: new Uint8Array(b), path: `frame_${f}.png` })) },
      { name: 'observation.state', data: e.positions.map((p, f) => [p[0], p[1], p[2], e.gripper[f]]) },
      { name: 'timestamp', data: e.positions.map((_, f) => f / FPS) },
      { name: 'episode_index', data: e.positions.map(() => 0n) },
      { name: 'task_index', data: e.positions.map(() => 0n) },
    ],
    schema: [
      { name: 'root', num_children: 5 },
      { name: CAM_KEY, repetition_type: 'OPTIONAL', num_children: 2 },
      { name: 'bytes', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
      { name: 'path', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      ...schemaOf({ name: 'observation.state', kind: 'f32list' }), ...schemaOf({ name: 'timestamp', kind: 'f32' }),
      ...schemaOf({ name: 'episode_index', kind: 'i64' }), ...schemaOf({ name: 'task_index', kind: 'i64' }),
    ],
  });
  mkdirSync(join(root, 'data', 'chunk-000'), { recursive: true });
  writeFileSync(join(root, 'data', 'chunk-000', 'episode_000000.parquet'), new Uint8Array(table));
  return [e];
}

/**
 * The shared real-recording fixtures (`../shared/fixtures/robot-demos` next to the checkout, or
 * $SPATIALGEN_ROBOT_DEMOS); null when this checkout has none, so the tests that need them skip instead of failing.
 */
export function robotDemos(): string | null {
  const dir = process.env.SPATIALGEN_ROBOT_DEMOS ?? fixture('robot-demos');
  return existsSync(join(dir, 'README.md')) ? dir : null;
}
