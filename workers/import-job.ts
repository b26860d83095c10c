// `assets import --redis`: a folder of models imported on the queues, one `import-model` job per model file
// (`importModel`, the embedded import's own per-model job) and one `import-index` that renders the thumbnails and
// updates the library index once, with every result in model order.
//
// The model list and the options travel once, in the run's Redis record; a job is `{buildId, outDir, index}` where
// outDir is the library root (the same path on every worker). Each model's result is written (atomically) into a
// staging folder in the library, `.queued-import-<id>/<index>.json`. A model job is idempotent: one that finds its
// result does nothing, and one that runs twice writes the same files (importModel names its folder by content). A
// bad model is a result like any other (ok: false, with its reason), and a model whose job failed for good (its
// process crashed three times) is reported as unreadable: neither ever stops the others.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../export/index.js';
import { type AssetProblem, INVALID_REASONS } from '../assets/core/asset.js';
import { finishImport } from '../assets/import/batch.js';
import { gpuThumbnails } from '../generators/rendering/thumbnails.js';
import { type ImportResult, type Imported, importModel, modelChoices } from '../assets/import/import-model.js';
import type { ItemResult } from './queue-jobs.js';
import { UnrecoverableJobError } from './job-errors.js';

const ProblemSchema = z.strictObject({ asset: z.string(), reason: z.enum(INVALID_REASONS), detail: z.string() });
/** What a queued import stores in its record. */
export const ImportRecordSchema = z.strictObject({
  /** absolute model paths, in the order discovery found them (the order of the index update) */
  models: z.array(z.string().min(1)),
  /** what discovery found and cannot import (unknown formats, unreadable folders, link loops): reported first, as the embedded import does */
  skipped: z.array(ProblemSchema),
  importRoot: z.string().min(1),
  category: z.string().min(1).optional(),
  maxTextureSize: z.number().int().min(16).optional(),
  maxTriangles: z.number().int().min(100).optional(),
  thumbnails: z.boolean(),
});
export type ImportRecord = z.infer<typeof ImportRecordSchema>;

export function importRunId(rec: ImportRecord, libraryRoot: string): string {
  return createHash('sha256').update(JSON.stringify({ command: 'assets import', ...rec, libraryRoot })).digest('hex').slice(0, 16);
}

export const importStagingOf = (libraryRoot: string, id: string) => join(libraryRoot, `.queued-import-${id}`);
const resultPath = (staging: string, index: number) => join(staging, `${String(index).padStart(9, '0')}.json`);

export function parseImportRecord(configJson: string, id: string, libraryRoot: string): ImportRecord {
  const r = ImportRecordSchema.safeParse(JSON.parse(configJson));
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`import ${id}: bad stored model list: ${i.path.join('.')}: ${i.message}`);
  }
  if (importRunId(r.data, libraryRoot) !== id) throw new Error(`import ${id}: its stored model list and library hash to ${importRunId(r.data, libraryRoot)}`);
  return r.data;
}

export async function prepareImportStaging(libraryRoot: string, id: string): Promise<void> {
  const staging = importStagingOf(libraryRoot, id);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
}

/** One `import-model` job: model `index` imported into the library's files (not yet its index). */
export async function importItem(rec: ImportRecord, id: string, libraryRoot: string, index: number): Promise<ItemResult> {
  if (index >= rec.models.length) throw new UnrecoverableJobError(`model index ${index} is outside import ${id} (${rec.models.length} models)`);
  const file = resultPath(importStagingOf(libraryRoot, id), index);
  if (existsSync(file)) return { index, success: (JSON.parse(await readFile(file, 'utf8')) as ImportResult).ok };
  const r = await importModel(rec.models[index], { libraryRoot, importRoot: rec.importRoot, ...modelChoices(rec) });
  await writeFileAtomic(file, JSON.stringify(r));
  return { index, success: r.ok };
}

/** What the index job returns: what the command prints. */
export interface ImportSummary {
  imported: { id: string; category: string; colorName: string; from: string }[];
  failed: AssetProblem[];
  warnings: string[];
  thumbnails: string;
}

/** The `import-index` job: thumbnails, then one index update with every imported model, in model order. */
export async function importFinalize(rec: ImportRecord, id: string, libraryRoot: string, failedForGood: ReadonlyMap<number, string>): Promise<ImportSummary> {
  const staging = importStagingOf(libraryRoot, id);
  const results: ImportResult[] = [];
  for (let i = 0; i < rec.models.length; i++) {
    const file = resultPath(staging, i);
    const asset = rec.models[i];
    if (existsSync(file)) results.push(JSON.parse(await readFile(file, 'utf8')) as ImportResult);
    else results.push({ ok: false, problem: { asset, reason: 'unreadable', detail: failedForGood.get(i)?.split('\n')[0] ?? 'its import job did not run (cancelled?)' } });
  }
  const ok = results.filter((r): r is Imported => r.ok);
  const failed = [...rec.skipped, ...results.filter((r) => !r.ok).map((r) => r.problem)];
  const { imported: entries, warnings, thumbnails: kind } = await finishImport(results, libraryRoot, rec.thumbnails, gpuThumbnails);
  const from = new Map(ok.map((r, i) => [entries[i], rec.models[results.indexOf(r)]]));
  return {
    imported: entries.map((e) => ({ id: e.id, category: e.category, colorName: e.colorName, from: from.get(e) ?? '' })),
    failed,
    warnings,
    thumbnails: kind,
  };
}

/** The `import` root job: the staging folder is no longer needed once the index is written. */
export async function importDone(libraryRoot: string, id: string): Promise<void> {
  await rm(importStagingOf(libraryRoot, id), { recursive: true, force: true });
}
