// `spatialgen assets list|validate|import|preview|reindex`: the asset library from the command line. Problems are
// one line each (`<asset>: <reason>: <detail>`) and make the exit status non-zero; good assets are never held back
// by bad ones.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { intArg, pathArg, workersArg } from './args.js';
import { shown } from '../core/errors.js';
import { type AssetProblem, type Split, formatProblem } from '../assets/core/asset.js';
import { updateIndex } from '../assets/catalog.js';
import { DEFAULT_MAX_TEXTURE_SIZE, modelChoices } from '../assets/import/import-model.js';
import { readIndex } from '../assets/core/index-file.js';
import { discoverModels, importPath, importRootOf } from '../assets/import/batch.js';
import { type AssetLibrary, defaultLibraryRoot, loadLibrary } from '../assets/library.js';
import { type SheetCell, contactSheet } from '../assets/render/sheet.js';
import { thumbnailRenderer } from '../assets/render/thumbnail.js';
import { gpuThumbnails } from '../generators/rendering/thumbnails.js';
import { validateLibrary, validateModels } from '../assets/validate.js';
import { startQueuedRun } from '../workers/build-flow.js';
import { type ImportRecord, type ImportSummary, importRunId, prepareImportStaging } from '../workers/import-job.js';
import { DEFAULT_RETRY } from '../workers/queue-jobs.js';
import { DEFAULT_LOCK_MS } from '../workers/queue-worker.js';
import { finalizeResult, waitForRun } from '../workers/queued-run.js';
import { connectQueues, queueOptions, requireTarget } from './control.js';
import { progress } from './progress.js';

const shareArg = (v: string) => {
  const n = Number(v);
  if (!(v.trim() !== '' && n >= 0 && n <= 1)) throw new InvalidArgumentError('--test-share must be a number in 0..1');
  return n;
};
const splitArg = (v: string): Split => {
  if (v !== 'train' && v !== 'test') throw new InvalidArgumentError('--split must be train or test');
  return v;
};

export interface Out {
  out: (s: string) => void;
  err: (s: string) => void;
}
const stdio: Out = { out: (s) => process.stdout.write(`${s}\n`), err: (s) => process.stderr.write(`${s}\n`) };

function library(dir: string | undefined, testShare?: number): AssetLibrary {
  return loadLibrary({ ...(dir ? { root: resolve(dir) } : {}), ...(testShare !== undefined ? { testShare } : {}) });
}

function problems(ps: AssetProblem[], io: Out): void {
  for (const p of ps) io.err(`error ${formatProblem(p)}`);
}

type Source = 'procedural' | 'imported';
const sourceArg = (v: string): Source => {
  if (v !== 'procedural' && v !== 'imported') throw new InvalidArgumentError('--source must be procedural or imported');
  return v;
};
const filterOf = (flags: { split?: Split; category?: string; source?: Source }) => ({
  ...(flags.split ? { split: flags.split } : {}), ...(flags.category ? { category: flags.category } : {}), ...(flags.source ? { source: flags.source } : {}),
});

export function list(flags: { library?: string; json?: boolean; split?: Split; category?: string; source?: Source; testShare?: number }, io: Out = stdio): void {
  const lib = library(flags.library, flags.testShare);
  const entries = lib.assets(filterOf(flags));
  if (flags.json) {
    io.out(JSON.stringify({ root: lib.root, version: lib.version, testShare: lib.testShare, invalid: lib.invalid, assets: entries }, null, 1));
    return;
  }
  const pad = (s: string, n: number) => (s.length >= n ? s.slice(0, n) : s + ' '.repeat(n - s.length));
  io.out(`${pad('id', 26)} ${pad('category', 14)} ${pad('colour', 12)} ${pad('size (cm)', 18)} ${pad('mass kg', 8)} ${pad('roles', 18)} ${pad('split', 5)} source`);
  for (const e of entries) {
    const size = e.size.map((s) => (s * 100).toFixed(1)).join('x');
    io.out(`${pad(e.id, 26)} ${pad(e.category, 14)} ${pad(e.colorName, 12)} ${pad(size, 18)} ${pad(e.mass.toFixed(3), 8)} ${pad(e.roles.join(',') || '-', 18)} ${pad(e.split, 5)} ${e.source.kind}`);
  }
  const cats = new Set(entries.map((e) => e.category)).size;
  const bad = Object.entries(lib.invalid).map(([r, n]) => `${n} ${r}`);
  io.out(`${entries.length} assets in ${cats} categories (${lib.root})${bad.length ? `; skipped invalid: ${bad.join(', ')}` : ''}`);
}

export async function validate(path: string | undefined, flags: { library?: string }, io: Out = stdio): Promise<number> {
  const r = path ? await validateModels(path) : validateLibrary(flags.library ? resolve(flags.library) : undefined);
  problems(r.problems, io);
  const by = Object.entries(r.byReason).map(([k, n]) => `${n} ${k}`).join(', ');
  io.out(`${r.checked} checked, ${r.problems.length} invalid${by ? ` (${by})` : ''}`);
  return r.problems.length === 0 ? 0 : 1;
}

export interface ImportFlags {
  library?: string;
  category?: string;
  textureSize?: number;
  maxTriangles?: number;
  concurrency?: number;
  thumbnails?: boolean;
  /** worker threads (embedded) or, with --redis, the number of local worker processes */
  workers?: boolean | number;
  redis?: string;
  prefix?: string;
  lockMs?: number;
  progress?: boolean;
}

const choicesOf = (flags: ImportFlags) => modelChoices({ category: flags.category, maxTextureSize: flags.textureSize, maxTriangles: flags.maxTriangles });

export async function importCmd(path: string, flags: ImportFlags, io: Out = stdio): Promise<number> {
  const root = resolve(flags.library ?? defaultLibraryRoot());
  if (flags.redis || process.env.REDIS_URL) return queuedImport(path, root, flags, io);
  if (typeof flags.workers === 'number') throw new Error('--workers N is for --redis (local worker processes); embedded imports use --concurrency');
  const r = await importPath(path, {
    gpuThumbnails,
    libraryRoot: root,
    ...choicesOf(flags),
    ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
    thumbnails: flags.thumbnails !== false,
    workers: flags.workers !== false,
    onResult: (res, p) => {
      if (res.ok) io.out(`imported ${res.entry.id} (${res.entry.category}, ${res.entry.colorName}) from ${shown(p)}`);
    },
  });
  problems(r.failed, io);
  for (const w of r.warnings) io.out(`warning ${w}`);
  io.out(`${r.imported.length} imported, ${r.failed.length} failed; library index ${root}/index.json${r.imported.length ? `; thumbnails: ${r.thumbnails}` : ''}`);
  return r.failed.length === 0 ? 0 : 1;
}

/** `import --redis`: one `import-model` job per model on the BullMQ queues, then one index update with every result. */
async function queuedImport(path: string, root: string, flags: ImportFlags, io: Out): Promise<number> {
  requireTarget(flags);
  readIndex(root); // before anything is enqueued: an unreadable index would leave the imported models unlisted
  const { models, skipped } = discoverModels(path);
  const rec: ImportRecord = {
    models,
    skipped,
    importRoot: importRootOf(path),
    ...choicesOf(flags),
    thumbnails: flags.thumbnails !== false,
  };
  const id = importRunId(rec, root);
  mkdirSync(root, { recursive: true });
  const q = await connectQueues(flags);
  let s: ImportSummary | null;
  try {
    const r = await startQueuedRun(q, {
      kind: 'import', id, outDir: root, configJson: JSON.stringify(rec), total: models.length, retry: DEFAULT_RETRY,
      plan: async () => {
        await prepareImportStaging(root, id);
        return { items: models.map((_, i) => i), committed: [], failed: [] };
      },
    });
    process.stderr.write(r.attached ? `import ${id} is already running (run ${r.run}); waiting for it\n` : `queued import ${id} (run ${r.run}): ${models.length} model${models.length === 1 ? '' : 's'}\n`);
    const bar = progress('models', models.length, flags.progress !== false);
    const result = await waitForRun(q, id, {
      total: models.length, workers: typeof flags.workers === 'number' ? flags.workers : 1, lockMs: flags.lockMs ?? DEFAULT_LOCK_MS, what: `import ${id}`,
      onProgress: (p) => bar.update(p),
      onNote: (l) => io.err(`spatialgen: ${l}`),
    });
    bar.stop();
    if (result.state === 'fatal') throw new Error(`this machine cannot run import jobs (${result.error}); import ${id} stays queued for other workers`);
    if (result.state !== 'done') throw new Error(`import ${id} ${result.state === 'cancelled' ? 'was cancelled; run the same import again to redo it' : `failed: ${result.error ?? 'failed'}`}`);
    s = await finalizeResult<ImportSummary>(q, id, r.run);
  } finally {
    await q.close();
  }
  if (!s) throw new Error(`import ${id} finished, but Redis no longer has its result; \`spatialgen assets list --library ${root}\` shows what it imported`);
  for (const e of s.imported) io.out(`imported ${e.id} (${e.category}, ${e.colorName}) from ${shown(e.from)}`);
  problems(s.failed, io);
  for (const w of s.warnings) io.out(`warning ${w}`);
  io.out(`${s.imported.length} imported, ${s.failed.length} failed; library index ${root}/index.json${s.imported.length ? `; thumbnails: ${s.thumbnails}` : ''} (queued)`);
  return s.failed.length === 0 ? 0 : 1;
}

export async function preview(flags: { out: string; library?: string; split?: Split; category?: string; source?: Source; columns: number; limit?: number; perCategory?: number }, io: Out = stdio): Promise<void> {
  const lib = library(flags.library);
  let entries = lib.assets(filterOf(flags));
  if (flags.perCategory !== undefined) {
    // at most N of each category from each source: the procedural family and the imported models side by side
    const taken = new Map<string, number>();
    entries = entries.filter((e) => {
      const k = `${e.source.kind}/${e.category}`;
      taken.set(k, (taken.get(k) ?? 0) + 1);
      return taken.get(k)! <= flags.perCategory!;
    });
  }
  if (flags.limit !== undefined) entries = entries.slice(0, flags.limit);
  if (entries.length === 0) throw new Error('no assets match: nothing to preview');
  const tr = await thumbnailRenderer(gpuThumbnails);
  const cells: SheetCell[] = [];
  try {
    for (const e of entries) {
      const inst = lib.instantiate(e);
      cells.push({ rgba: await tr.render(inst), lines: [`${e.id}${e.split === 'test' ? ' (test)' : ''}`, `${e.colorName} ${e.category}`] });
    }
  } finally {
    tr.close();
  }
  mkdirSync(dirname(resolve(flags.out)), { recursive: true });
  writeFileSync(flags.out, await contactSheet(cells, flags.columns));
  io.out(`${flags.out}: ${cells.length} assets (thumbnails: ${tr.kind})`);
}

export function reindex(flags: { library?: string; testShare?: number }, io: Out = stdio): void {
  const root = resolve(flags.library ?? defaultLibraryRoot());
  const idx = updateIndex(root, [], flags.testShare);
  const test = idx.assets.filter((a) => a.split === 'test').length;
  io.out(`${root}/index.json: ${idx.assets.length} assets, ${test} held out as test (share ${idx.testShare})`);
}

export function registerAssets(program: Command, io: Out = stdio): void {
  const assets = program.command('assets').description('the asset library: list, validate, import, preview');
  const libOpt = ['--library <dir>', 'library root (default: the package\'s assets/library, or $SPATIALGEN_ASSET_LIBRARY)', pathArg('--library')] as const;

  assets
    .command('list')
    .description('list the library\'s assets')
    .option(...libOpt)
    .option('--json', 'machine-readable: the index entries and the invalid counts')
    .option('--split <split>', 'only train or test', splitArg)
    .option('--category <name>', 'only this category')
    .option('--source <kind>', 'only procedural or imported assets (the scans are imported)', sourceArg)
    .option('--test-share <x>', 're-split with this share held out per category', shareArg)
    .action((flags) => list(flags, io));

  assets
    .command('validate')
    .description('check the library (or the models under PATH before importing); one line per problem')
    .argument('[path]', 'a model file or a folder of models to check instead of the library', pathArg('PATH'))
    .option(...libOpt)
    .action(async (path: string | undefined, flags) => {
      process.exitCode = await validate(path, flags, io);
    });

  const imp = assets
    .command('import')
    .description('import glTF/GLB, OBJ(+MTL) or URDF models into the library (one job per model)')
    .argument('<path>', 'a model file or a folder (searched recursively)', pathArg('PATH'))
    .option(...libOpt)
    .option('--category <name>', 'category of every model (else a sidecar <model>.json / assets.csv, else the file name)')
    .option('--texture-size <px>', 'downscale textures larger than this once, at import', intArg('--texture-size', 16, 16384), DEFAULT_MAX_TEXTURE_SIZE)
    .option('--max-triangles <n>', 'simplify meshes of more triangles to about this many (default: keep them)', intArg('--max-triangles', 100))
    .option('--concurrency <n>', 'models imported at once (default: CPU count)', workersArg('--concurrency', 1))
    .option('--no-thumbnails', 'do not render thumbnails')
    .option('--no-workers', 'import in this thread instead of worker threads')
    .option('--workers <n>', 'with --redis: local worker processes besides remote `spatialgen worker`s (0 = none; default 1)', workersArg('--workers', 0))
    .option('--lock-ms <ms>', 'with --redis: job lock duration of the local workers', intArg('--lock-ms', 1000), DEFAULT_LOCK_MS)
    .option('--no-progress', 'with --redis: no progress output');
  queueOptions(imp, 'one job per model on BullMQ queues at this Redis, redis:// or rediss:// (default: $REDIS_URL; none: embedded)')
    .addHelpText('after', '\nExample:\n  spatialgen assets import /mnt/models --library /mnt/library --redis redis://queue-host:6379 --workers 2')
    .action(async (path: string, flags: ImportFlags) => {
      process.exitCode = await importCmd(path, flags, io);
    });

  assets
    .command('preview')
    .description('a contact sheet of thumbnails labelled with id, colour and category')
    .requiredOption('--out <file.png>', 'where to write the PNG', pathArg('--out'))
    .option(...libOpt)
    .option('--split <split>', 'only train or test', splitArg)
    .option('--category <name>', 'only this category')
    .option('--source <kind>', 'only procedural or imported assets (the scans are imported)', sourceArg)
    .option('--columns <n>', 'thumbnails per row', intArg('--columns', 1), 12)
    .option('--limit <n>', 'at most this many assets', intArg('--limit', 1))
    .option('--per-category <n>', 'at most this many of each category from each source (procedural, imported)', intArg('--per-category', 1))
    .action(async (flags) => preview(flags, io));

  assets
    .command('reindex')
    .description('rewrite the library index: regenerate the procedural entries, keep the imported ones, re-split')
    .option(...libOpt)
    .option('--test-share <x>', 'share of each category held out as test (default: the index\'s, 0.2)', shareArg)
    .action((flags) => reindex(flags, io));
}
