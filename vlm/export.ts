// `export vlm`: stage-1 samples of one or more spatialgen datasets (builds, converted recordings) as the files VLM
// trainers read (../shared/notes/trainer-formats.md):
//
//   OUT/images/<source>/<episode>/<camera>/<frame>.<ext>   each frame once, however many questions it has
//   OUT/data.jsonl      one sample per line
//   OUT/data.json       the same samples as one JSON array (loaders that want an array)
//   OUT/meta.json       format, sources (path, build id, rows available and taken), counts per task type and
//                       source, and the exact conversion (image size, coordinate convention, style, seed, splits)
//
// A sample, `conversations` style (InternVLA-M1's qwenvl_llavajson, starVLA; the key is `images`, one `<image>` per
// image, in the first human turn):
//   {"id", "source", "task_type", "images": ["images/…"], "conversations": [{"from": "human", "value": "<image>\n…"},
//    {"from": "gpt", "value": "…"}]}
// `messages` style (LLaMA-Factory, ms-swift, TRL): the same with "messages": [{"role": "user", "content": …},
// {"role": "assistant", "content": …}] in place of "conversations".
//
// Coordinates: the answer text is re-rendered from the structured answer (float pixels of the stored image), never
// edited: `abs` is integer pixels of the image *as exported* (after --image-size: give the size the trainer resizes
// to, so its own resize is the identity), `norm1000` integers 0–1000, `norm1` floats 0–1. The question's phrase naming
// the convention is rewritten to match. Without --coord-format each sample keeps its own convention's kind.
//
// Everything is written under a hidden temp folder next to OUT and renamed into place when complete.
import { type WriteStream, createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import sharp from 'sharp';
import { PlaceError } from '../core/errors.js';
import { checkOutDir, moveIntoPlace, siblingTemp } from '../export/out-dir.js';
import { readListed, readManifest } from '../export/verify.js';
import type { Manifest, ShardInfo } from '../export/index.js';
import { type CoordFormat, coordFormatName, parseCoordFormat } from '../schemas/coord-format.js';
import { stage1FromIpc } from '../export/tables.js';
import type { Stage1Sample } from '../schemas/records.js';
import { answerText, describeCoordFormat } from '../generators/language/coords.js';
import { type MixOptions, chooseRows, quotas } from './mixture.js';

export class VlmExportError extends PlaceError {
  override name = 'VlmExportError';
}

export const VLM_STYLES = ['conversations', 'messages'] as const;
export const VLM_COORDS = ['abs', 'norm1000', 'norm1'] as const;

export interface VlmOptions extends MixOptions {
  /** resize every image to exactly W×H (aspect not kept, as InternVLA-M1's and most trainers' resizes) */
  imageSize?: [number, number];
  coordFormat?: (typeof VLM_COORDS)[number];
  style: (typeof VLM_STYLES)[number];
  /** the splits taken (default: train) */
  splits: string[];
  onSample?: (done: number, total: number) => void;
}

export interface VlmResult {
  outDir: string;
  samples: number;
  images: number;
  byTaskType: Record<string, number>;
}

interface Source {
  dir: string;
  /** a short unique name: the folder's name (numbered when two share one) */
  name: string;
  manifest: Manifest;
  shards: ShardInfo[];
  available: number;
}

async function openSources(dirs: readonly string[], splits: readonly string[]): Promise<Source[]> {
  const names = new Set<string>();
  const out: Source[] = [];
  for (const dir of dirs) {
    const manifest = await readManifest(dir);
    const shards = manifest.shards.filter((s) => s.kind === 'stage1' && splits.includes(s.split));
    const available = shards.reduce((a, s) => a + s.rows, 0);
    if (available === 0) throw new VlmExportError(join(dir, 'stage1'), `no stage-1 samples in the split${splits.length > 1 ? 's' : ''} ${splits.join(', ')}`);
    let name = basename(dir).replace(/[^A-Za-z0-9._-]/g, '_') || 'dataset';
    for (let k = 2; names.has(name); k++) name = `${basename(dir)}-${k}`;
    names.add(name);
    out.push({ dir, name, manifest, shards, available });
  }
  return out;
}

function checkOptions(sources: number, o: VlmOptions): void {
  if (o.weights && o.caps) throw new VlmExportError('--weights', 'give weights or caps, not both');
  for (const [flag, list] of [['--weights', o.weights], ['--caps', o.caps]] as const) {
    if (list && list.length !== sources) throw new VlmExportError(flag, `${list.length} values for ${sources} dataset${sources > 1 ? 's' : ''}: give one per dataset, in order`);
  }
  if (o.weights && !(o.samples && o.samples > 0)) throw new VlmExportError('--weights', 'needs --samples N, the size of the mixture');
  if (o.weights && !o.weights.some((w) => w > 0)) throw new VlmExportError('--weights', 'at least one weight must be above 0');
}

/** The convention a sample is exported in: the asked kind (or its own), `abs` in pixels of the exported image. */
function targetFormat(s: Stage1Sample, size: [number, number], kind: VlmOptions['coordFormat']): CoordFormat {
  const own = parseCoordFormat(s.coord_format).kind;
  const k = kind ?? own;
  return k === 'abs' ? { kind: 'abs', width: size[0], height: size[1] } : { kind: k };
}

const EXT: Record<string, string> = { jpeg: 'jpg', png: 'png' };

/** The image file's format from its first bytes. */
function imageKind(bytes: Uint8Array): 'jpeg' | 'png' {
  return bytes[0] === 0xff && bytes[1] === 0xd8 ? 'jpeg' : 'png';
}

export async function exportVlm(inputs: readonly string[], outArg: string, opts: VlmOptions): Promise<VlmResult> {
  if (inputs.length === 0) throw new VlmExportError('DIR', 'name at least one dataset');
  checkOptions(inputs.length, opts);
  const sources = await openSources(inputs, opts.splits);
  const out = checkOutDir(outArg, { inputs: sources.map((s) => s.dir) }).path;
  const want = quotas(sources.map((s) => s.available), opts);
  const total = want.reduce((a, b) => a + b, 0);

  const tmp = siblingTemp(out, 'export');
  mkdirSync(tmp, { recursive: true });
  try {
    // both files streamed: a mixture may hold millions of samples
    const jsonl = createWriteStream(join(tmp, 'data.jsonl'));
    const array = createWriteStream(join(tmp, 'data.json'));
    array.write('[');
    const byTaskType: Record<string, number> = {};
    const written = new Set<string>();
    let done = 0;
    const meta = [];
    for (const [i, src] of sources.entries()) {
      const take = chooseRows(src.available, want[i], opts.seed, i);
      const taken: Record<string, number> = {};
      let row = 0;
      for (const shard of src.shards) {
        for (const s of stage1FromIpc(await readListed(src.dir, shard))) {
          const times = take.get(row++);
          if (!times) continue;
          const line = JSON.stringify(await exportSample(s, src, tmp, written, opts));
          for (let t = 0; t < times; t++) {
            await put(array, `${done + t === 0 ? '\n' : ',\n'}${line}`);
            await put(jsonl, `${line}\n`);
          }
          byTaskType[s.task_type] = (byTaskType[s.task_type] ?? 0) + times;
          taken[s.task_type] = (taken[s.task_type] ?? 0) + times;
          done += times;
          opts.onSample?.(done, total);
        }
      }
      meta.push({ dir: src.dir, name: src.name, build_id: src.manifest.build_id, available: src.available, taken: want[i], by_task_type: taken,
        ...(opts.weights ? { weight: opts.weights[i] } : {}), ...(opts.caps ? { cap: opts.caps[i] } : {}) });
    }
    array.end('\n]\n');
    jsonl.end();
    await Promise.all([once(jsonl, 'finish'), once(array, 'finish')]);
    writeFileSync(join(tmp, 'meta.json'), `${JSON.stringify({
      format: 'spatialgen-vlm', format_version: 1, style: opts.style,
      conversion: {
        image_size: opts.imageSize ?? null, coord_format: opts.coordFormat ?? 'as stored (kind); abs in pixels of the exported image',
        splits: opts.splits, seed: opts.seed, samples: opts.samples ?? null,
        mixture: opts.weights ? 'weights' : opts.caps ? 'caps' : 'all',
      },
      counts: { samples: done, images: written.size, by_task_type: byTaskType },
      sources: meta,
    }, null, 2)}\n`);
    await moveIntoPlace(tmp, out, { inputs: sources.map((s) => s.dir) });
    return { outDir: out, samples: done, images: written.size, byTaskType };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** One sample's record; its frame's image written once (resized when asked). */
async function exportSample(s: Stage1Sample, src: Source, tmp: string, written: Set<string>, o: VlmOptions): Promise<Record<string, unknown>> {
  const kind = imageKind(s.image.bytes);
  const rel = `images/${src.name}/${safe(s.episode_id)}/${safe(s.camera)}/${String(s.frame_index).padStart(6, '0')}.${EXT[kind]}`;
  if (!written.has(rel)) {
    mkdirSync(dirname(join(tmp, rel)), { recursive: true });
    const img = o.imageSize
      ? await sharp(s.image.bytes).resize(o.imageSize[0], o.imageSize[1], { fit: 'fill' }).toFormat(kind, kind === 'jpeg' ? { quality: 95 } : {}).toBuffer()
      : s.image.bytes;
    writeFileSync(join(tmp, rel), img);
    written.add(rel);
  }
  const size = o.imageSize ?? [s.width, s.height];
  const from = parseCoordFormat(s.coord_format);
  const to = targetFormat(s, size, o.coordFormat);
  const human = s.conversations[0].value.replaceAll(describeCoordFormat(from), describeCoordFormat(to));
  const gpt = answerText(s, { width: s.width, height: s.height }, to);
  const base = { id: s.id, source: src.name, task_type: s.task_type, coord_format: coordFormatName(to), images: [rel] };
  return o.style === 'messages'
    ? { ...base, messages: [{ role: 'user', content: human }, { role: 'assistant', content: gpt }] }
    : { ...base, conversations: [{ from: 'human', value: human }, { from: 'gpt', value: gpt }] };
}

/** Writes to a stream, waiting for it to drain when its buffer is full. */
async function put(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/** A path segment from an id: letters, digits, `.`, `_`, `-`. */
const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');
