// `assets import DIR_OR_FILE`: finds the models under a path, imports each as its own job (worker threads, or in
// this thread when workers cannot start), renders thumbnails, and adds the entries to the library index. A bad
// model is one failure line and is skipped; it never stops the others.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AssetEntry, AssetProblem } from '../core/asset.js';
import { fsCause, shown } from '../../core/errors.js';
import { resolveInside } from '../core/paths.js';
import { updateIndex } from '../catalog.js';
import { readIndex } from '../core/index-file.js';
import { instantiate } from '../instance.js';
import { encodeThumbnail, type GpuThumbnails, thumbnailRenderer } from '../render/thumbnail.js';
import { readStoredGlb } from './glb-store.js';
import { type ImportOptions, type ImportResult, type Imported, importModel, modelChoices } from './import-model.js';
import { MODEL_FORMATS, OTHER_MODEL_EXTENSIONS } from './model.js';

export interface Discovery {
  models: string[];
  /** what was found and cannot be imported, one problem each: models in formats spatialgen does not read, folders
   * that cannot be read, links that lead back into a folder already searched */
  skipped: AssetProblem[];
}

/** Mesh files a URDF refers to: imported through the URDF, not on their own. */
function urdfMeshes(urdf: string): string[] {
  const text = readFileSync(urdf, 'utf8');
  const dir = dirname(urdf);
  const out: string[] = [];
  for (const m of text.matchAll(/filename\s*=\s*"([^"]+)"/g)) {
    let ref = m[1].replace(/^package:\/\//, '').replace(/^file:\/\//, '');
    if (!existsSync(join(dir, ref)) && ref.includes('/')) ref = ref.slice(ref.indexOf('/') + 1);
    const p = resolveInside(dir, ref);
    if (p) out.push(p);
  }
  return out;
}

/** The folder an import of `path` starts from (where its assets.csv is looked for): `path`, or a file's folder. */
export function importRootOf(path: string): string {
  return statSync(resolve(path)).isDirectory() ? resolve(path) : dirname(resolve(path));
}

/** Every model file under `path` (a file or a folder, searched recursively, links followed once), in name order. */
export function discoverModels(path: string): Discovery {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new Error(`${path} does not exist`);
  if (statSync(abs).isFile()) return { models: [abs], skipped: [] };
  const files: string[] = [];
  const skipped: AssetProblem[] = [];
  // a folder is searched once, by its real path: a link back up (a loop) or a second link to it adds nothing
  const searched = new Set<string>();
  const walk = (d: string) => {
    let names: string[];
    try {
      const real = realpathSync(d);
      if (searched.has(real)) {
        skipped.push({ asset: d, reason: 'unreadable', detail: `a link to ${real}, which is searched already (a loop?); skipped` });
        return;
      }
      searched.add(real);
      names = readdirSync(d).sort();
    } catch (e) {
      skipped.push({ asset: d, reason: 'unreadable', detail: `folder cannot be read (${fsCause(e)})` });
      return;
    }
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const p = join(d, name);
      let dir: boolean;
      try {
        dir = statSync(p).isDirectory();
      } catch (e) {
        skipped.push({ asset: p, reason: 'unreadable', detail: `cannot be read (${fsCause(e)})` });
        continue;
      }
      if (dir) walk(p);
      else files.push(p);
    }
  };
  walk(abs);
  const ext = (f: string) => extname(f).slice(1).toLowerCase();
  const covered = new Set(files.filter((f) => ext(f) === 'urdf').flatMap((f) => {
    try {
      return urdfMeshes(f);
    } catch {
      return []; // an unreadable URDF fails as a model of its own
    }
  }));
  for (const f of files.filter((f) => OTHER_MODEL_EXTENSIONS.includes(ext(f)))) {
    skipped.push({ asset: f, reason: 'unknown-format', detail: `"${extname(f)}" is not a model format spatialgen reads (OBJ, glTF, GLB, URDF)` });
  }
  return { models: files.filter((f) => (MODEL_FORMATS as readonly string[]).includes(ext(f)) && !covered.has(f)), skipped };
}

/** Runs `fn` over `items` with at most `n` in flight; results in input order. */
export async function pool<T, R>(items: T[], n: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(n, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  });
  await Promise.all(lanes);
  return out;
}

/** A worker thread running import-worker; from source (tsx) it registers tsx in the worker first. */
function startWorker(): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./import-worker.js', self));
  const target = new URL('./import-worker.ts', self).href;
  const code = `(async () => { const { register } = await import('tsx/esm/api'); register(); await import(${JSON.stringify(target)}); })().catch((e) => { throw e; });`;
  return new Worker(code, { eval: true });
}

/** Waits until a worker is ready (it says so) or fails to start. */
function ready(w: Worker): Promise<boolean> {
  return new Promise((res) => {
    const onMsg = (m: unknown) => {
      if (m === 'ready') done(true);
    };
    const onErr = () => done(false);
    const done = (ok: boolean) => {
      w.off('message', onMsg);
      w.off('error', onErr);
      res(ok);
    };
    w.on('message', onMsg);
    w.once('error', onErr);
  });
}

/** Worker threads that run importModel; null when workers cannot start here (then imports run in this thread). */
async function workerPool(n: number): Promise<{ run(path: string, opts: ImportOptions): Promise<ImportResult>; close(): void } | null> {
  const workers: Worker[] = [];
  try {
    for (let i = 0; i < n; i++) workers.push(startWorker());
  } catch {
    for (const w of workers) void w.terminate();
    return null;
  }
  if (!(await Promise.all(workers.map(ready))).every(Boolean)) {
    for (const w of workers) void w.terminate();
    return null;
  }
  const idle = [...workers];
  const waiting: ((w: Worker) => void)[] = [];
  let seq = 0;
  const acquire = () => new Promise<Worker>((res) => (idle.length ? res(idle.pop()!) : waiting.push(res)));
  const release = (w: Worker) => (waiting.length ? waiting.shift()!(w) : idle.push(w));
  return {
    async run(path, opts) {
      const w = await acquire();
      const id = ++seq;
      try {
        return await new Promise<ImportResult>((res, rej) => {
          const onMsg = (m: { id: number; result: ImportResult }) => {
            if (m?.id !== id) return;
            w.off('message', onMsg);
            w.off('error', onErr);
            res(m.result);
          };
          const onErr = (e: Error) => {
            w.off('message', onMsg);
            rej(e);
          };
          w.on('message', onMsg);
          w.once('error', onErr);
          w.postMessage({ id, path, opts });
        });
      } finally {
        release(w);
      }
    },
    close() {
      for (const w of workers) void w.terminate();
    },
  };
}

export interface BatchOptions extends Omit<ImportOptions, 'importRoot'> {
  /** models imported at once (default: the machine's parallelism) */
  concurrency?: number;
  /** worker threads (default) or this thread */
  workers?: boolean;
  thumbnails?: boolean;
  /** the GPU thumbnail renderer (generators/rendering/thumbnails.ts); without it, or without a GPU, the software one */
  gpuThumbnails?: GpuThumbnails;
  /** called as each model finishes (progress lines) */
  onResult?: (r: ImportResult, path: string) => void;
}

export interface BatchResult {
  imported: AssetEntry[];
  failed: AssetProblem[];
  warnings: string[];
  thumbnails: string;
}

/** Gives entries whose id is taken by a different model a distinct id (stable: suffix from the content hash). */
function uniqueIds(existing: AssetEntry[], fresh: Imported[]): AssetEntry[] {
  const taken = new Map<string, string>();
  for (const e of existing) if (e.source.kind === 'imported') taken.set(e.id, e.source.original);
  const out: AssetEntry[] = [];
  for (const r of fresh) {
    const e = { ...r.entry };
    const orig = e.source.kind === 'imported' ? e.source.original : '';
    if (taken.has(e.id) && taken.get(e.id) !== orig) e.id = `${e.id}-${e.hash.slice(0, 6)}`;
    taken.set(e.id, orig);
    out.push(e);
  }
  return out;
}

export interface FinishedImport {
  /** the index entries written, in the order of `results` (ids made unique) */
  imported: AssetEntry[];
  warnings: string[];
  /** which thumbnail renderer ran ('none' when none did) */
  thumbnails: string;
}

/**
 * The one ending of every import, embedded or queued: unique ids, thumbnails, then a single index update with every
 * imported model in model order (so the index is the same whatever order the models finished in).
 */
export async function finishImport(results: readonly ImportResult[], libraryRoot: string, thumbnails: boolean, gpu?: GpuThumbnails): Promise<FinishedImport> {
  const ok = results.filter((r): r is Imported => r.ok);
  const warnings = ok.flatMap((r) => r.warnings.map((w) => `${shown(r.entry.source.kind === 'imported' ? r.entry.source.original : r.entry.id)}: ${w.replace(/\s*[\r\n]+\s*/g, ' ')}`));
  const entries = uniqueIds(readIndex(libraryRoot).index?.assets ?? [], ok);
  let kind = 'none';
  if (thumbnails && entries.length > 0) {
    const tr = await thumbnailRenderer(gpu);
    kind = tr.kind;
    try {
      for (const e of entries) {
        if (e.source.kind !== 'imported' || !e.source.thumbnail) continue;
        const stored = readStoredGlb(join(libraryRoot, e.source.file));
        const rgba = await tr.render(instantiate(e, { mesh: stored.mesh, collider: stored.collider, exactPrimitive: false }, {}, libraryRoot));
        writeFileSync(join(libraryRoot, e.source.thumbnail), await encodeThumbnail(rgba));
      }
    } finally {
      tr.close();
    }
  }
  if (entries.length > 0) updateIndex(libraryRoot, entries);
  return { imported: entries, warnings, thumbnails: kind };
}

export async function importPath(path: string, opts: BatchOptions): Promise<BatchResult> {
  // the index must be readable before any model file is written: else the models land and no entry names them
  readIndex(opts.libraryRoot);
  const { models, skipped } = discoverModels(path);
  const failed: AssetProblem[] = [...skipped];
  const one: ImportOptions = { libraryRoot: opts.libraryRoot, importRoot: importRootOf(path), ...modelChoices(opts) };
  const n = opts.concurrency ?? availableParallelism();
  const wp = opts.workers !== false && models.length > 1 && n > 1 ? await workerPool(Math.min(n, models.length)) : null;
  let results: ImportResult[];
  try {
    results = await pool(models, n, async (m) => {
      let r: ImportResult;
      try {
        r = wp ? await wp.run(m, one) : await importModel(m, one);
      } catch (e) {
        r = { ok: false, problem: { asset: m, reason: 'unreadable', detail: (e as Error).message.split('\n')[0] } };
      }
      opts.onResult?.(r, m);
      return r;
    });
  } finally {
    wp?.close();
  }
  for (const r of results) if (!r.ok) failed.push(r.problem);
  const done = await finishImport(results, opts.libraryRoot, opts.thumbnails !== false, opts.gpuThumbnails);
  return { imported: done.imported, failed, warnings: done.warnings, thumbnails: done.thumbnails };
}
