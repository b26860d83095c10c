// Video frames at the exact timestamps of dataset rows, decoded by ffmpeg (spawned; raw RGB through a pipe).
// Every decoded frame's presentation time comes from ffmpeg's `showinfo` filter (pts × time base, exact), and each
// row timestamp must match a frame within a tolerance (LeRobot's own is 1e-4 s), so a video that is shorter than
// its rows, or whose frames are not where the rows say, is an error rather than a silently shifted image.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { InputError } from './errors.js';

export const DEFAULT_TOLERANCE_S = 1e-4;

export interface VideoInfo {
  width: number;
  height: number;
  /** r_frame_rate */
  fps: number;
  /** frames in the stream as the container says; null when it does not say */
  frameCount: number | null;
  /** seconds */
  duration: number | null;
  codec: string;
}

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: err }));
  });
}

const lastLine = (s: string) => s.trim().split(/\r?\n/).filter(Boolean).pop() ?? 'no message';

function rate(s: string | undefined): number {
  if (!s) return NaN;
  const [a, b] = s.split('/').map(Number);
  return b ? a / b : a;
}

export function assertVideoExists(path: string): void {
  if (!existsSync(path)) throw new InputError(path, 'video file is missing');
}

export async function probeVideo(path: string): Promise<VideoInfo> {
  assertVideoExists(path);
  const r = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries',
    'stream=codec_name,width,height,r_frame_rate,nb_frames,duration:format=duration', '-of', 'json', path]);
  if (r.code !== 0) throw new InputError(path, `not a readable video (ffprobe: ${lastLine(r.stderr)})`);
  const j = JSON.parse(r.stdout.toString()) as { streams?: Record<string, string | number>[]; format?: { duration?: string } };
  const s = j.streams?.[0];
  if (!s) throw new InputError(path, 'has no video stream');
  const num = (v: unknown) => (v === undefined || v === 'N/A' ? null : Number(v));
  return {
    width: Number(s.width),
    height: Number(s.height),
    fps: rate(String(s.r_frame_rate)),
    frameCount: num(s.nb_frames),
    duration: num(s.duration) ?? num(j.format?.duration),
    codec: String(s.codec_name),
  };
}

export interface DecodeOptions {
  width: number;
  height: number;
  /** stream frame rate, used only to widen the decoded range a little around the asked times */
  fps: number;
  toleranceS?: number;
  /** what to call the rows in messages, e.g. "episode 3" */
  rowsName?: string;
}

/**
 * Decodes the frames shown at `timestamps` (seconds, on the video's own clock) and hands each to `sink` with the
 * position of its timestamp in the list (a frame asked for twice is handed twice). Resolves when every timestamp
 * had its frame and the sink finished; otherwise rejects with an InputError naming the first missing time.
 */
export async function decodeAt(path: string, timestamps: readonly number[], opts: DecodeOptions,
  sink: (k: number, rgb: Buffer) => void | Promise<void>): Promise<void> {
  assertVideoExists(path);
  if (timestamps.length === 0) return;
  const tol = opts.toleranceS ?? DEFAULT_TOLERANCE_S;
  const order = timestamps.map((t, k) => ({ t, k })).sort((a, b) => a.t - b.t);
  const margin = 1 / opts.fps;
  const from = Math.max(0, order[0].t - margin);
  const to = order[order.length - 1].t + margin;
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info'];
  if (from > 0) args.push('-ss', from.toFixed(6));
  args.push('-to', to.toFixed(6), '-copyts', '-i', path, '-map', '0:v:0', '-vf', 'showinfo', '-fps_mode', 'passthrough',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');

  const frameBytes = opts.width * opts.height * 3;
  const pending: Promise<void>[] = [];
  let next = 0; // first entry of `order` not matched yet
  let lastPts = -Infinity;
  let missing: { t: number; nearest: number } | null = null;
  const onFrame = (pts: number, rgb: Buffer) => {
    while (next < order.length && order[next].t < pts - tol) {
      missing ??= { t: order[next].t, nearest: Math.abs(order[next].t - lastPts) < Math.abs(order[next].t - pts) ? lastPts : pts };
      next++;
    }
    while (next < order.length && order[next].t <= pts + tol) pending.push(Promise.resolve(sink(order[next++].k, rgb)));
    lastPts = pts;
  };

  await new Promise<void>((resolve, reject) => {
    const p = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let timeBase: number | null = null;
    const ptsQueue: number[] = [];
    const frameQueue: Buffer[] = [];
    let partial: Buffer[] = [];
    let partialLen = 0;
    let errText = '';
    let errTail = '';
    const drain = () => {
      while (ptsQueue.length && frameQueue.length) onFrame(ptsQueue.shift()!, frameQueue.shift()!);
    };
    p.stdout.on('data', (d: Buffer) => {
      partial.push(d);
      partialLen += d.length;
      if (partialLen < frameBytes) return;
      let all = Buffer.concat(partial);
      while (all.length >= frameBytes) {
        frameQueue.push(all.subarray(0, frameBytes));
        all = all.subarray(frameBytes);
      }
      partial = all.length ? [all] : [];
      partialLen = all.length;
      drain();
    });
    p.stderr.on('data', (d: Buffer) => {
      errTail += d.toString();
      const lines = errTail.split(/\r?\n/);
      errTail = lines.pop() ?? '';
      for (const line of lines) {
        const tb = /config in time_base: (\d+)\/(\d+)/.exec(line);
        if (tb && timeBase === null) timeBase = Number(tb[1]) / Number(tb[2]);
        const f = /\bn:\s*\d+\s+pts:\s*(-?\d+)\s+pts_time:(\S+)/.exec(line);
        if (f) ptsQueue.push(timeBase !== null ? Number(f[1]) * timeBase : Number(f[2]));
        else if (!line.includes('Parsed_showinfo')) errText = line || errText;
      }
      drain();
    });
    p.on('error', (e) => reject(new InputError(path, `cannot run ffmpeg: ${e.message}`)));
    p.on('close', (code) => {
      drain();
      if (code !== 0) reject(new InputError(path, `ffmpeg could not decode it (${errText || `exit ${code}`})`));
      else if (partialLen !== 0) reject(new InputError(path, `decoded frame size is not ${opts.width}x${opts.height}`));
      else if (ptsQueue.length || frameQueue.length) reject(new InputError(path, 'ffmpeg reported a different number of frames than it wrote'));
      else resolve();
    });
  });
  await Promise.all(pending);
  const rows = opts.rowsName ? ` of ${opts.rowsName}` : '';
  if (missing !== null) {
    const m = missing as { t: number; nearest: number };
    throw new InputError(path, `no frame within ${tol} s of row timestamp ${m.t.toFixed(4)} s${rows} (nearest frame at ${m.nearest.toFixed(4)} s)`);
  }
  if (next < order.length) {
    const t = order[next].t;
    if (t > lastPts) {
      throw new InputError(path, `video shorter than its rows${rows}: row timestamp ${t.toFixed(4)} s, last frame at ${lastPts === -Infinity ? 'none' : `${lastPts.toFixed(4)} s`}`);
    }
    throw new InputError(path, `no frame within ${tol} s of row timestamp ${t.toFixed(4)} s${rows}`);
  }
}
