// `convert`: a recorded dataset → a stage-1 grounding dataset in the layout of a build. One job per episode: a job is
// `convertEpisode(spec, index)`, a pure function of a serialisable spec and an episode index (the same inputs give
// the same rows on any worker), so the embedded pool below and queue workers can share it. Output is written into a
// hidden temp directory next to --out and renamed into place only when complete: a failure leaves nothing behind.
import { mkdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { TRACE_POINTS } from '../generators/annotation/trace.js';
import { type CoordFormat, coordFormatName, parseCoordFormat } from '../schemas/coord-format.js';
import type { Manifest } from '../export/index.js';
import { type OutRules, checkOutDir, moveIntoPlace, siblingTemp } from '../export/out-dir.js';
import type { EpisodeOutput } from '../schemas/records.js';
import { type Calibration, loadCalibration, resolveCalibration } from './calibration.js';
import { DEFAULT_MIN_TRACE_PX, type DropCounts, deriveEpisode, emptyDropCounts } from './derive.js';
import type { DemoDataset, SourceFormat } from './episode.js';
import { InputError } from './errors.js';
import type { ImageFormat } from './images.js';
import { DatasetWriter, SourceStats } from './output.js';
import { openDataset } from './readers/index.js';
import { buildSamples } from './samples.js';
import type { PhrasingChoice } from '../generators/language/phrasing.js';
import { DEFAULT_TOLERANCE_S } from './video.js';

export const DEFAULT_COORD_FORMAT = 'abs:224x224';

export const NO_CALIBRATION_NOTE =
  'no calibration: wrote episodes, instructions and feature statistics only; a calibration file (--calibration, SPEC format) ' +
  'giving each camera K and T_world_to_cam (or a pixel_mapping) and the end-effector field would add trace samples, and its gripper field grasp_point and place_point samples';

/** Everything a job needs, JSON-serialisable (it is what a queue job would carry). */
export interface ConvertSpec {
  input: string;
  from: SourceFormat | 'auto';
  /** calibration file path, or null */
  calibration: string | null;
  coordFormat: string;
  seed: number;
  /** which phrasings the questions may use (generators/language/phrasing.ts) */
  phrasings: PhrasingChoice;
  imageFormat: ImageFormat;
  frameStride: number;
  minTracePx: number;
  toleranceS: number;
}

export interface ConvertOptions extends Partial<Omit<ConvertSpec, 'input'>> {
  /** episodes converted at once in this process */
  concurrency?: number;
  /** replace a non-empty --out (default: refuse) */
  overwrite?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface EpisodeResult {
  output: EpisodeOutput;
  dropped: DropCounts;
  events: { grasp: number; place: number };
  /** the episode's numeric fields, for stats.json */
  fields: Map<string, number[][]>;
}

export interface ConvertResult {
  outDir: string;
  manifest: Manifest;
  dropped: DropCounts;
  /** lines worth telling the user (no calibration, skipped splits…) */
  notes: string[];
}

export function makeSpec(input: string, opts: ConvertOptions = {}): ConvertSpec {
  return {
    input: resolve(input),
    from: opts.from ?? 'auto',
    calibration: opts.calibration ? resolve(opts.calibration) : null,
    coordFormat: opts.coordFormat ?? DEFAULT_COORD_FORMAT,
    seed: opts.seed ?? 0,
    phrasings: opts.phrasings ?? 'train',
    imageFormat: opts.imageFormat ?? 'jpeg',
    frameStride: opts.frameStride ?? 1,
    minTracePx: opts.minTracePx ?? DEFAULT_MIN_TRACE_PX,
    toleranceS: opts.toleranceS ?? DEFAULT_TOLERANCE_S,
  };
}

export interface Opened {
  dataset: DemoDataset;
  calibration: Calibration | null;
  coordFormat: CoordFormat;
}

// A worker opens the source once and serves every episode job for it from there.
const opened = new Map<string, Promise<Opened>>();

export function openSpec(spec: ConvertSpec): Promise<Opened> {
  const key = JSON.stringify(spec);
  let p = opened.get(key);
  if (!p) {
    p = (async () => {
      let coordFormat: CoordFormat;
      try {
        coordFormat = parseCoordFormat(spec.coordFormat);
      } catch (e) {
        throw new InputError('--coord-format', (e as Error).message);
      }
      const dataset = await openDataset(spec.input, spec.from, { imageFormat: spec.imageFormat, toleranceS: spec.toleranceS });
      const calibration = spec.calibration ? resolveCalibration(loadCalibration(spec.calibration), dataset) : null;
      return { dataset, calibration, coordFormat };
    })();
    opened.set(key, p);
    p.catch(() => opened.delete(key));
  }
  return p;
}

export const episodeId = (index: number) => `episode_${String(index).padStart(6, '0')}`;

/** One job: episode `index` (position in the source, 0-based) of the spec's dataset, converted. */
export async function convertEpisode(spec: ConvertSpec, index: number): Promise<EpisodeResult> {
  const { dataset, calibration, coordFormat } = await openSpec(spec);
  const ep = await dataset.episode(index);
  const id = episodeId(ep.index);
  const derived = calibration
    ? deriveEpisode(ep, calibration, { tracePoints: TRACE_POINTS, minTracePx: spec.minTracePx, frameStride: spec.frameStride })
    : { traces: [], points: [], dropped: emptyDropCounts(), events: [] };
  const samples = await buildSamples(ep, derived, { source: dataset.name, episodeId: id, coordFormat, seed: spec.seed, phrasings: spec.phrasings });
  const text = ep.instruction ?? '';
  return {
    output: {
      episode: {
        // the source names no task primitive; its text is the instruction
        episode_id: id, episode_index: ep.index, seed: spec.seed, split: ep.split, task: null, instruction: text, assets: [], distractors: [],
        success: true, failure_reason: null, num_frames: ep.length, content_hash: '', environment: null, language: null,
      },
      frames: [],
      samples,
    },
    dropped: derived.dropped,
    events: { grasp: derived.events.filter((e) => e.kind === 'grasp').length, place: derived.events.filter((e) => e.kind === 'place').length },
    fields: ep.fields,
  };
}

/** Runs `job(i)` for i in [0, n) with at most `concurrency` at once; the first failure stops handing out work. */
async function pool<T>(n: number, concurrency: number, job: (i: number) => Promise<T>, onDone: (i: number, r: T) => void): Promise<void> {
  let next = 0;
  let failed: unknown = null;
  const worker = async () => {
    while (failed === null && next < n) {
      const i = next++;
      try {
        onDone(i, await job(i));
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, n)) }, worker));
  if (failed !== null) throw failed;
}

/** The spec as the manifest's `config`, in the snake_case of build configs. */
export function configOf(spec: ConvertSpec): Record<string, unknown> {
  return {
    command: 'convert', input: spec.input, from: spec.from, calibration: spec.calibration, coord_format: spec.coordFormat, seed: spec.seed, phrasings: spec.phrasings,
    image_format: spec.imageFormat, frame_stride: spec.frameStride, min_trace_px: spec.minTracePx, tolerance_s: spec.toleranceS,
  };
}

/** What one episode adds to the dataset-wide totals (the part of an `EpisodeResult` besides its fragment). */
export type EpisodeSummary = Pick<EpisodeResult, 'dropped' | 'events' | 'fields'>;

/** Dataset-wide totals of a conversion, fed in episode index order (statistics and quantiles are order-sensitive). */
export class ConvertTotals {
  readonly dropped = emptyDropCounts();
  readonly events = { grasp: 0, place: 0 };
  readonly stats: SourceStats;
  private added = 0;
  constructor(dataset: DemoDataset) {
    this.stats = new SourceStats(dataset.fields);
  }

  /** Episode `index`'s summary; indices must arrive 0, 1, 2, … */
  add(index: number, r: EpisodeSummary): void {
    if (index !== this.added) throw new Error(`convert totals: episode ${index} added out of order (expected ${this.added})`);
    this.added++;
    for (const k of Object.keys(this.dropped) as (keyof DropCounts)[]) this.dropped[k] += r.dropped[k];
    this.events.grasp += r.events.grasp;
    this.events.place += r.events.place;
    this.stats.addEpisode(r.fields);
  }
}

/** Lines worth telling the user about a conversion (the source's own notes, what a calibration would add). */
export function convertNotes({ dataset, calibration }: Opened): string[] {
  const notes = [...dataset.notes];
  if (!calibration) notes.push(NO_CALIBRATION_NOTE);
  else if (!calibration.gripper) notes.push('calibration has no gripper: traces run to the episode end, and there are no grasp_point / place_point samples');
  return notes;
}

/**
 * Packs the committed episode fragments of `dir` (a `DatasetWriter`'s directory) with the totals of every episode:
 * shards, episodes.arrow, stats.json, manifest.json. The one packing step of every conversion, embedded or queued,
 * so both write the same bytes.
 */
export async function packConvert(spec: ConvertSpec, dir: string, totals: ConvertTotals): Promise<Manifest> {
  const o = await openSpec(spec);
  const { dataset, calibration, coordFormat } = o;
  const n = dataset.episodeCount;
  return new DatasetWriter(dir).finish({
    config: configOf(spec),
    expectedEpisodes: n,
    stats: totals.stats.result(),
    extra: {
      source: {
        name: dataset.name, format: dataset.format, path: dataset.root, fps: dataset.fps, episodes: n,
        cameras: dataset.cameras, fields: dataset.fields,
      },
      calibration: calibration ? { path: calibration.path, content: calibration.raw } : null,
      conversion: {
        coord_format: coordFormatName(coordFormat),
        trace_points: TRACE_POINTS,
        min_trace_px: spec.minTracePx,
        frame_stride: spec.frameStride,
        gripper_events: totals.events,
        dropped: totals.dropped,
        notes: convertNotes(o),
      },
    },
  });
}

/** The output-folder rules of a conversion: never its input or calibration; replaced only with --overwrite. */
export function outRules(spec: ConvertSpec, overwrite: boolean): OutRules {
  return { inputs: [spec.input, ...(spec.calibration ? [spec.calibration] : [])], overwrite };
}

export async function runConvert(input: string, out: string, opts: ConvertOptions = {}): Promise<ConvertResult> {
  const spec = makeSpec(input, opts);
  const rules = outRules(spec, opts.overwrite ?? false);
  const outDir = checkOutDir(out, rules).path;
  const o = await openSpec(spec); // every input check happens before any output
  const notes = convertNotes(o);

  const tmp = siblingTemp(outDir, 'partial');
  await mkdir(tmp, { recursive: true });
  try {
    const writer = new DatasetWriter(tmp);
    const n = o.dataset.episodeCount;
    const totals = new ConvertTotals(o.dataset);
    // totals take episodes in index order (deterministic quantiles); only episodes finished early wait here
    const waiting = new Map<number, EpisodeSummary>();
    let nextTotal = 0;
    let done = 0;
    await pool(n, opts.concurrency ?? Math.min(4, availableParallelism()), async (i) => {
      const r = await convertEpisode(spec, i);
      await writer.commit(r.output);
      return r;
    }, (i, r) => {
      waiting.set(i, r);
      for (let f = waiting.get(nextTotal); f; f = waiting.get(nextTotal)) {
        totals.add(nextTotal, f);
        waiting.delete(nextTotal++);
      }
      opts.onProgress?.(++done, n);
    });
    const manifest = await packConvert(spec, tmp, totals);
    await moveIntoPlace(tmp, outDir, rules);
    return { outDir, manifest, dropped: totals.dropped, notes };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
