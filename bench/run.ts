// `npm run bench`: every benchmark in turn, each in its own process (a clean GPU device, no warm caches carried
// over), each rewriting its own section of BENCHMARKS.md. Every one reports ratios against a bound measured in the
// same run. The queue benchmark needs Redis at $REDIS_URL or 127.0.0.1:6379.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const here = import.meta.dirname;
const runs: [string, string[]][] = [
  ['render.ts', []],
  ['library.ts', []],
  ['pipeline.ts', ['6']],
  ['demos.ts', ['--seeds', '50']],
  ['demos.ts', ['--scenes', 'library', '--seeds', '50']],
  ['language.ts', ['1000']],
  ['queue.ts', []],
  ['workers.ts', ['4']],
  ['viewer.ts', []],
];
let failed = 0;
for (const [file, args] of runs) {
  process.stderr.write(`\n== bench/${file} ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, file), ...args], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
