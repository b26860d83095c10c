// `assets validate`: every problem with an asset as one line naming the asset and the reason. For the library:
// the cheap checks a build runs (schema, paths inside the root, files present, sane sizes) and the deep ones
// (the stored mesh and collider are readable, finite, non-degenerate; a procedural entry still hashes the same).
// For a folder of source models: what `import` would refuse, without importing anything.
import { existsSync } from 'node:fs';
import { type AssetProblem, INVALID_REASONS, type InvalidReason } from './core/asset.js';
import { resolveInside } from './core/paths.js';
import { allFinite, triangleStats } from './geometry/mesh.js';
import { readStoredGlb } from './import/glb-store.js';
import { checkRawMesh } from './import/import-model.js';
import { readModel } from './import/model.js';
import { AssetError } from './import/problem.js';
import { readSidecar } from './import/sidecar.js';
import { discoverModels } from './import/batch.js';
import { loadLibrary } from './library.js';
import { generate } from './procedural/generate.js';
import { family } from './procedural/index.js';

export interface ValidationReport {
  checked: number;
  problems: AssetProblem[];
  byReason: Partial<Record<InvalidReason, number>>;
}

function report(checked: number, problems: AssetProblem[]): ValidationReport {
  const byReason: Partial<Record<InvalidReason, number>> = {};
  for (const r of INVALID_REASONS) {
    const n = problems.filter((p) => p.reason === r).length;
    if (n) byReason[r] = n;
  }
  return { checked, problems, byReason };
}

/** Validates the library under `root`: everything loadLibrary skips, plus the geometry of the assets it keeps. */
export function validateLibrary(root?: string): ValidationReport {
  const lib = loadLibrary(root ? { root } : {});
  const problems: AssetProblem[] = [...lib.problems];
  const entries = lib.assets();
  for (const e of entries) {
    const bad = (reason: InvalidReason, detail: string) => problems.push({ asset: e.id, reason, detail });
    if (e.source.kind === 'procedural') {
      const f = family(e.source.family)!;
      const g = generate(f, e.source.variant);
      if (g.entry.hash !== e.hash) bad('bad-metadata', `hash differs from the regenerated asset (index is stale: run \`spatialgen assets reindex\`)`);
      continue;
    }
    let stored: ReturnType<typeof readStoredGlb>;
    try {
      stored = readStoredGlb(resolveInside(lib.root, e.source.file)!);
    } catch (err) {
      bad('unreadable', `${e.source.file}: ${(err as Error).message}`);
      continue;
    }
    const m = stored.mesh;
    if (m.indices.length < 3) bad('empty-mesh', `${e.source.file} has no triangles`);
    else if (!allFinite(m.positions) || stored.collider.kind === 'primitive' || !stored.collider.parts.every(allFinite)) bad('non-finite-vertex', `${e.source.file} has NaN or infinite coordinates`);
    else if (triangleStats(m).area <= 0) bad('degenerate-mesh', `${e.source.file}: all triangles have zero area`);
    for (const img of stored.images) {
      const dir = e.source.file.slice(0, e.source.file.lastIndexOf('/') + 1);
      const p = resolveInside(lib.root, dir + img);
      if (!p) bad('outside-root', `${e.source.file} refers to texture "${img}" outside the library`);
      else if (!existsSync(p)) bad('missing-texture', `texture ${dir + img} does not exist`);
    }
  }
  return report(entries.length + lib.problems.length, problems);
}

/** Validates source models under `path` as `import` would read them (nothing is written). */
export async function validateModels(path: string): Promise<ValidationReport> {
  const { models, skipped } = discoverModels(path);
  const problems: AssetProblem[] = [...skipped];
  for (const m of models) {
    try {
      const raw = await readModel(m);
      checkRawMesh(raw);
      readSidecar(m);
    } catch (e) {
      if (e instanceof AssetError) problems.push({ asset: m, reason: e.reason, detail: e.message });
      else problems.push({ asset: m, reason: 'unreadable', detail: (e as Error).message.split('\n')[0] });
    }
  }
  return report(models.length + skipped.length, problems);
}
