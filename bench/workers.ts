// How many local workers an embedded build should run: the `demo` preset built with 1, 2, 3 and 4 worker processes in
// one run, each the whole command a user types (the compiled CLI, process start and packing included), reported as
// successful episodes per hour and as a ratio to 1 worker measured in the same run. The builds must be the same
// dataset byte for byte (manifest.json's code_version aside), whatever the worker count.
//   node --import tsx bench/workers.ts [MAX_WORKERS]
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultWorkers } from '../cli/args.js';
import { writeBenchSection } from './report.js';

const max = Number(process.argv[2] ?? 4);
const repo = join(import.meta.dirname, '..');
execFileSync('npx', ['tsc', '--build', 'tsconfig.json'], { cwd: repo, stdio: 'inherit' }); // the CLI users run is dist/
const root = mkdtempSync(join(tmpdir(), 'bench-workers-'));

/** sha256 of every file of a dataset, manifest.json without its code_version */
function digest(dir: string): string {
  const h = createHash('sha256');
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    if (f === 'manifest.json') {
      const m = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      delete m.code_version;
      h.update(JSON.stringify(m));
    } else if (!['stage1', 'stage2'].includes(f)) h.update(readFileSync(join(dir, f)));
  }
  return h.digest('hex');
}

const rows: { workers: number; seconds: number; succeeded: number; perHour: number; digest: string }[] = [];
try {
  for (let w = 1; w <= max; w++) {
    const out = join(root, `w${w}`);
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [join(repo, 'bin', 'spatialgen.js'), 'build', '--preset', 'demo', '--out', out, '--workers', String(w), '--no-progress'], { encoding: 'utf8' });
    const seconds = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`workers ${w}: ${r.stderr}`);
    const succeeded = Number(/(\d+)\/\d+ episodes succeeded/.exec(r.stdout)?.[1] ?? NaN);
    rows.push({ workers: w, seconds, succeeded, perHour: (succeeded / seconds) * 3600, digest: digest(out) });
    process.stderr.write(`workers ${w}: ${seconds.toFixed(1)} s, ${succeeded} succeeded\n`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}

const one = rows[0];
const best = rows.reduce((a, b) => (b.perHour > a.perHour ? b : a));
const lines = [
  `Machine: ${availableParallelism()} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg()[0].toFixed(1)} at the end, Node ${process.version}. Command: \`node --import tsx bench/workers.ts ${max}\` (each row: \`spatialgen build --preset demo --out DIR --workers N --no-progress\`, the compiled CLI, whole command timed).`,
  '',
  '| workers | seconds | episodes succeeded | successful episodes / hour | × 1 worker |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.workers} | ${r.seconds.toFixed(1)} | ${r.succeeded} | ${r.perHour.toFixed(0)} | ${(r.perHour / one.perHour).toFixed(2)} |`),
  '',
  `Fastest here: ${best.workers} workers. The default (\`defaultWorkers()\`, cli/args.ts) on this machine: ${defaultWorkers()}. ` +
    `Same dataset from every worker count: ${rows.every((r) => r.digest === one.digest) ? 'yes' : 'NO'}.`,
];
writeBenchSection('Workers', lines.join('\n'));
console.log(lines.join('\n'));
