// What building the scanned part of the default library costs: the 41 YCB scans imported by the command
// scripts/import-scans.sh runs (the compiled CLI, whole command: read, simplify, downscale textures, colliders, files,
// index), with and without thumbnails, into a fresh copy of the library. Bound, measured in the same run: reading
// the same models alone (`readModel`: parse the meshes, decode the textures), the work no import can skip.
//   node --import tsx bench/library.ts [SCANS_DIR]     (default: ../shared/fixtures/objects/ycb-scans)
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverModels } from '../assets/import/batch.js';
import { readModel } from '../assets/import/model.js';
import { writeBenchSection } from './report.js';

const repo = join(import.meta.dirname, '..');
const scans = process.argv[2] ?? join(repo, '..', 'shared', 'fixtures', 'objects', 'ycb-scans');
if (!existsSync(scans)) throw new Error(`bench/library: no folder ${scans} (the YCB scans: see assets/scans/README.md)`);
execFileSync('npx', ['tsc', '--build', 'tsconfig.json'], { cwd: repo, stdio: 'inherit' }); // the CLI users run is dist/
const work = mkdtempSync(join(tmpdir(), 'bench-library-'));

/** The options scripts/import-scans.sh passes: one definition would be the script itself, so it is read from there. */
function importArgs(): string[] {
  const script = readFileSync(join(repo, 'scripts', 'import-scans.sh'), 'utf8');
  const m = /assets import "\$stage" --library assets\/library (.*)$/m.exec(script);
  if (!m) throw new Error('bench/library: the import command in scripts/import-scans.sh changed shape');
  return m[1].trim().split(/\s+/);
}

function timedImport(thumbnails: boolean): { seconds: number; imported: number } {
  const stage = join(work, `stage-${thumbnails}`);
  const lib = join(work, `lib-${thumbnails}`);
  cpSync(scans, stage, { recursive: true });
  cpSync(join(repo, 'assets', 'scans', 'ycb.csv'), join(stage, 'assets.csv'));
  mkdirSync(lib, { recursive: true });
  cpSync(join(repo, 'assets', 'library', 'index.json'), join(lib, 'index.json'));
  const args = [join(repo, 'bin', 'spatialgen.js'), 'assets', 'import', stage, '--library', lib, ...importArgs(), ...(thumbnails ? [] : ['--no-thumbnails'])];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`import: ${r.stderr}`);
  return { seconds, imported: Number(/(\d+) imported/.exec(r.stdout + r.stderr)?.[1] ?? NaN) };
}

try {
  const models = discoverModels(scans).models;
  const t0 = performance.now();
  for (const m of models) await readModel(m);
  const readSeconds = (performance.now() - t0) / 1000;
  const without = timedImport(false);
  const withThumbs = timedImport(true);
  const written = join(work, 'lib-true', 'imported');
  const bytes = readdirSync(written, { recursive: true, encoding: 'utf8' }).reduce((sum, f) => sum + statSync(join(written, f)).size, 0);
  const lines = [
    `Machine: ${availableParallelism()} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg()[0].toFixed(1)} at the end, Node ${process.version}. Command: \`node --import tsx bench/library.ts\` (each row: \`spatialgen assets import SCANS --library DIR ${importArgs().join(' ')}\`, the compiled CLI, whole command timed, as \`scripts/import-scans.sh\` runs it).`,
    '',
    '| step | models | seconds | ÷ reading the models |',
    '|---|---|---|---|',
    `| reading the models alone (bound: \`readModel\`, one process) | ${models.length} | ${readSeconds.toFixed(1)} | 1.00 |`,
    `| import without thumbnails | ${without.imported} | ${without.seconds.toFixed(1)} | ${(without.seconds / readSeconds).toFixed(2)} |`,
    `| import with thumbnails (the library build) | ${withThumbs.imported} | ${withThumbs.seconds.toFixed(1)} | ${(withThumbs.seconds / readSeconds).toFixed(2)} |`,
    '',
    `What it writes under \`imported/\`: ${(bytes / 1e6).toFixed(1)} MB.`,
  ];
  writeBenchSection('Library build', lines.join('\n'));
  console.log(lines.join('\n'));
} finally {
  rmSync(work, { recursive: true, force: true });
}
