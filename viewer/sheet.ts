// `spatialgen view DIR --sheet out.png`: a static contact sheet, without a browser. One row per episode (the first N
// that have frames): its first, middle and last frame from every camera, with what the page draws on them —
// tight boxes (solid) and amodal boxes (dashed) with labels and occlusion, the grasp (red) and place (blue) points,
// the 2D trace of the end effector (magenta) — and the instruction beneath.
import sharp, { type OverlayOptions } from 'sharp';
import type { PlainRecord } from '../export/arrow-codec.js';
import type { DatasetView } from './dataset.js';

export interface SheetOptions {
  /** episodes (rows); default 6 */
  episodes?: number;
  /** tile width and height in pixels; frames are scaled to fit; default 256 */
  tile?: number;
}

const CAPTION = 34;
const xml = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

/** The overlay of one frame of one camera as SVG, in the frame's own pixels scaled by `s`. */
export function overlaySvg(f: PlainRecord, cam: string, w: number, h: number, s: number): string {
  const out: string[] = [];
  // a box with no visible pixel has no tight box: only its amodal one is drawn
  type Box = { label: string; bbox_tight: number[] | null; bbox_amodal: number[]; occlusion: number };
  for (const b of (f[`annotations.${cam}.boxes`] as Box[] | null) ?? []) {
    const [ax0, ay0, ax1, ay1] = b.bbox_amodal.map((v) => v * s);
    out.push(`<rect x="${ax0}" y="${ay0}" width="${ax1 - ax0}" height="${ay1 - ay0}" fill="none" stroke="#ffd400" stroke-width="1" stroke-dasharray="3 2"/>`);
    if (!b.bbox_tight) continue;
    const [x0, y0, x1, y1] = b.bbox_tight.map((v) => v * s);
    out.push(`<rect x="${x0}" y="${y0}" width="${x1 - x0}" height="${y1 - y0}" fill="none" stroke="#00e676" stroke-width="2"/>`);
    const text = `${b.label}${b.occlusion > 0.05 ? ` ${Math.round(b.occlusion * 100)}%` : ''}`;
    out.push(`<text x="${x0 + 1}" y="${Math.max(9, y0 - 2)}" font-family="sans-serif" font-size="9" fill="#00e676" stroke="#000" stroke-width="2" paint-order="stroke">${xml(text)}</text>`);
  }
  const trace = (f[`annotations.${cam}.trace_2d`] as number[][] | null) ?? [];
  if (trace.length > 1) out.push(`<polyline points="${trace.map(([x, y]) => `${x * s},${y * s}`).join(' ')}" fill="none" stroke="#ff40ff" stroke-width="1.5"/>`);
  for (const [key, colour] of [['grasp_point', '#ff3030'], ['place_point', '#3090ff']] as const) {
    const p = f[`annotations.${cam}.${key}`] as number[] | null;
    if (p) out.push(`<circle cx="${p[0] * s}" cy="${p[1] * s}" r="3.5" fill="${colour}" stroke="#fff" stroke-width="1"/>`);
  }
  return `<svg width="${w}" height="${h}" xmlns="http://www.w3.org/2000/svg">${out.join('')}</svg>`;
}

export async function writeSheet(ds: DatasetView, out: string, opts: SheetOptions = {}): Promise<{ episodes: number; frames: number; width: number; height: number }> {
  const want = opts.episodes ?? 6;
  const tile = opts.tile ?? 256;
  const cams = ds.layout.cameras;
  if (cams.length === 0) throw new Error(`${ds.dir} has no stage-2 frames to draw`);
  const rows: { caption: string; frames: PlainRecord[]; images: Uint8Array[][] }[] = [];
  for (const rec of ds.episodeRows()) {
    if (rows.length >= want) break;
    const runs = ds.frameRuns(rec.episode_id as string, rec.split as string);
    const frames = ds.episodeFrames(runs);
    if (frames.length === 0) continue;
    const pick = [0, Math.floor((frames.length - 1) / 2), frames.length - 1];
    const status = rec.success ? 'success' : `failed: ${rec.failure_reason}`;
    rows.push({
      caption: `#${rec.episode_index} ${rec.task ?? ''} (${status}): ${rec.instruction as string}`,
      frames: pick.map((i) => frames[i]),
      images: pick.map((i) => cams.map((cam) => ds.frameImage(runs, i, `observation.images.${cam}`)!)),
    });
  }
  if (rows.length === 0) throw new Error(`${ds.dir} has no episode with frames`);
  const width = 3 * cams.length * tile;
  const height = rows.length * (tile + CAPTION);
  const layers: OverlayOptions[] = [];
  for (const [r, row] of rows.entries()) {
    const top = r * (tile + CAPTION);
    for (const [k, perCam] of row.images.entries()) {
      for (const [c, img] of perCam.entries()) {
        const cam = cams[c];
        const left = (k * cams.length + c) * tile;
        const meta = await sharp(img).metadata();
        const s = Math.min(tile / meta.width!, tile / meta.height!);
        const [w, h] = [Math.round(meta.width! * s), Math.round(meta.height! * s)];
        const frame = await sharp(img).resize(w, h).composite([{ input: Buffer.from(overlaySvg(row.frames[k], cam, w, h, s)), top: 0, left: 0 }]).png().toBuffer();
        layers.push({ input: frame, top, left });
        const label = `<svg width="${tile}" height="14" xmlns="http://www.w3.org/2000/svg"><text x="3" y="11" font-family="sans-serif" font-size="10" fill="#fff" stroke="#000" stroke-width="2" paint-order="stroke">frame ${row.frames[k].frame_index as number} · ${xml(cam)}</text></svg>`;
        layers.push({ input: Buffer.from(label), top: top + h - 14, left });
      }
    }
    const room = Math.floor(width / 7.5);
    const words = row.caption.length > room ? `${row.caption.slice(0, room - 1)}…` : row.caption;
    const caption = `<svg width="${width}" height="${CAPTION}" xmlns="http://www.w3.org/2000/svg"><text x="6" y="21" font-family="sans-serif" font-size="13" fill="#eee">${xml(words)}</text></svg>`;
    layers.push({ input: Buffer.from(caption), top: top + tile, left: 0 });
  }
  await sharp({ create: { width, height, channels: 3, background: '#1b1d21' } }).composite(layers).png().toFile(out);
  return { episodes: rows.length, frames: rows.length * 3 * cams.length, width, height };
}
