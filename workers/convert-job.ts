// `convert --redis`: a recorded dataset converted on the queues, one `convert-episode` job per source episode and a
// `convert-finalize` that packs, with the same code and bytes as the embedded `runConvert` (convert/run.ts).
//
// The spec (convert/run.ts `ConvertSpec`) travels once, in the run's Redis record; a job is `{buildId, outDir,
// index}` like a build's episode. Everything a run writes before the dataset is complete lives in a staging
// directory next to --out, `.<name>.queued-<id>/` (so --out never holds half a dataset, as with the embedded form):
//   dataset/.work/   the episode fragments (the embedded form's temp directory, packed by the same DatasetWriter)
//   summaries/       per episode, what it adds to the totals: drop counts, gripper events, its numeric fields
// An episode job is idempotent: its summary is written (atomically) after its fragment, and a job that finds its
// summary does nothing; one that runs twice writes the same bytes. Finalize reads the summaries in index order (the
// statistics are order-sensitive), packs, and moves the dataset into place; run again after that, it does nothing.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../export/index.js';
import { DatasetWriter } from '../convert/output.js';
import { SOURCE_FORMATS } from '../convert/episode.js';
import { type ConvertSpec, ConvertTotals, type EpisodeSummary, convertEpisode, openSpec, outRules, packConvert } from '../convert/run.js';
import { checkOutDir, moveIntoPlace } from '../export/out-dir.js';
import type { ItemResult } from './queue-jobs.js';
import { UnrecoverableJobError } from './job-errors.js';
import { PHRASING_CHOICES } from '../schemas/config.js';

const ConvertSpecSchema = z.strictObject({
  input: z.string().min(1),
  from: z.enum(['auto', ...SOURCE_FORMATS] as [string, ...string[]]),
  calibration: z.string().min(1).nullable(),
  coordFormat: z.string().min(1),
  seed: z.number().int().min(0),
  phrasings: z.enum(PHRASING_CHOICES),
  imageFormat: z.enum(['jpeg', 'png']),
  frameStride: z.number().int().min(1),
  minTracePx: z.number().min(0),
  toleranceS: z.number().min(0),
});

/** What a queued convert stores in its record. */
export const ConvertRecordSchema = z.strictObject({ spec: ConvertSpecSchema, overwrite: z.boolean() });
export interface ConvertRecord {
  spec: ConvertSpec;
  overwrite: boolean;
}

/** A queued convert's id: the hash of what it converts, how, and where to (16 hex digits, like a build id). */
export function convertRunId(rec: ConvertRecord, outDir: string): string {
  return createHash('sha256').update(JSON.stringify({ command: 'convert', ...rec, outDir })).digest('hex').slice(0, 16);
}

export function stagingDirOf(outDir: string, id: string): string {
  return join(dirname(outDir), `.${basename(outDir)}.queued-${id}`);
}
const datasetDir = (staging: string) => join(staging, 'dataset');
const summaryPath = (staging: string, index: number) => join(staging, 'summaries', `${String(index).padStart(9, '0')}.bin`);

/** The record of a job, checked: a child never trusts its input. Throws one line. */
export function parseConvertRecord(configJson: string, id: string, outDir: string): ConvertRecord {
  const r = ConvertRecordSchema.safeParse(JSON.parse(configJson));
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`convert ${id}: bad stored spec: ${i.path.join('.')}: ${i.message}`);
  }
  const rec = r.data as ConvertRecord;
  if (convertRunId(rec, outDir) !== id) throw new Error(`convert ${id}: its stored spec and output directory hash to ${convertRunId(rec, outDir)}`);
  return rec;
}

// A summary: a little-endian u32 header length, the JSON header (counts, field names, row lengths), then every
// field value as float64 — exact, NaN and -0 included, which JSON numbers are not.
function encodeSummary(s: EpisodeSummary): Buffer {
  const fields = [...s.fields].map(([name, rows]) => ({ name, lens: rows.map((r) => r.length) }));
  const values = new Float64Array(fields.reduce((n, f) => n + f.lens.reduce((a, b) => a + b, 0), 0));
  let o = 0;
  for (const rows of s.fields.values()) for (const row of rows) for (const v of row) values[o++] = v;
  const head = Buffer.from(JSON.stringify({ dropped: s.dropped, events: s.events, fields }));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length);
  return Buffer.concat([len, head, Buffer.from(values.buffer, values.byteOffset, values.byteLength)]);
}

function decodeSummary(buf: Buffer): EpisodeSummary {
  const n = buf.readUInt32LE(0);
  const head = JSON.parse(buf.subarray(4, 4 + n).toString('utf8')) as Omit<EpisodeSummary, 'fields'> & { fields: { name: string; lens: number[] }[] };
  const values = new Float64Array(new Uint8Array(buf.subarray(4 + n)).buffer);
  const fields = new Map<string, number[][]>();
  let o = 0;
  for (const f of head.fields) fields.set(f.name, f.lens.map((l) => Array.from(values.subarray(o, (o += l)))));
  return { dropped: head.dropped, events: head.events, fields };
}

/** Starts a run afresh: the staging directory is emptied (the source may have changed since an earlier run). */
export async function prepareStaging(outDir: string, id: string): Promise<void> {
  const staging = stagingDirOf(outDir, id);
  await rm(staging, { recursive: true, force: true });
  await mkdir(join(staging, 'summaries'), { recursive: true });
}

/** One `convert-episode` job: episode `index` → its fragment and summary (nothing when both are already there). */
export async function convertItem(rec: ConvertRecord, id: string, outDir: string, index: number): Promise<ItemResult> {
  const staging = stagingDirOf(outDir, id);
  const n = (await openSpec(rec.spec)).dataset.episodeCount;
  if (index >= n) throw new UnrecoverableJobError(`episode index ${index} is outside convert ${id} (${n} episodes)`);
  const summary = summaryPath(staging, index);
  if (existsSync(summary)) return { index, success: true };
  const r = await convertEpisode(rec.spec, index);
  await new DatasetWriter(datasetDir(staging)).commit(r.output);
  await writeFileAtomic(summary, encodeSummary(r));
  return { index, success: true };
}

export interface ConvertFinalized {
  episodes: number;
  stage1_samples: number;
}

/**
 * The `convert-finalize` job: every episode's summary in index order, packed as the embedded convert packs, then
 * the dataset moved to --out. An episode whose job failed for good fails the conversion, as it does embedded; the
 * staging directory is removed then, so a failure leaves nothing behind.
 */
export async function convertFinalize(rec: ConvertRecord, id: string, outDir: string, failedForGood: ReadonlyMap<number, string>): Promise<ConvertFinalized> {
  const staging = stagingDirOf(outDir, id);
  if (!existsSync(staging) && existsSync(join(outDir, 'manifest.json'))) {
    // a finalize that ran to the end already (this is a retry after its completion was lost)
    const m = JSON.parse(await readFile(join(outDir, 'manifest.json'), 'utf8')) as { counts: { episodes_attempted: number; stage1_samples: number } };
    return { episodes: m.counts.episodes_attempted, stage1_samples: m.counts.stage1_samples };
  }
  const o = await openSpec(rec.spec);
  const n = o.dataset.episodeCount;
  const bad = [...failedForGood].sort(([a], [b]) => a - b);
  const missing: number[] = [];
  for (let i = 0; i < n && missing.length < 3; i++) if (!failedForGood.has(i) && !existsSync(summaryPath(staging, i))) missing.push(i);
  if (bad.length > 0 || missing.length > 0) {
    await rm(staging, { recursive: true, force: true });
    const why = bad.length > 0 ? `episode ${bad[0][0]}: ${bad[0][1].split('\n')[0]}` : `episode ${missing[0]} was never converted (cancelled?)`;
    throw new UnrecoverableJobError(`convert ${id} failed: ${why}${bad.length > 1 ? ` (and ${bad.length - 1} more episodes)` : ''}`);
  }
  try {
    checkOutDir(outDir, outRules(rec.spec, rec.overwrite)); // something may have been written there while the episodes ran
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    throw new UnrecoverableJobError(`convert ${id} failed: ${(e as Error).message.split('\n')[0]}`);
  }
  const totals = new ConvertTotals(o.dataset);
  for (let i = 0; i < n; i++) totals.add(i, decodeSummary(await readFile(summaryPath(staging, i))));
  const manifest = await packConvert(rec.spec, datasetDir(staging), totals);
  await moveIntoPlace(datasetDir(staging), outDir, outRules(rec.spec, rec.overwrite));
  await rm(staging, { recursive: true, force: true });
  return { episodes: manifest.counts.episodes_attempted, stage1_samples: manifest.counts.stage1_samples };
}
