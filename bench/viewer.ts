// How fast `spatialgen view` opens a dataset, and whether its memory grows with the dataset: the `demo` build and one
// 10× its size, each served by the compiled CLI, each opened in Debian's Chromium (playwright-core) the way a user
// opens it — the overview, then the first episode with every camera drawn.
//   node --import tsx bench/viewer.ts [DEMO_DIR BIG_DIR]      (without them both are built first, ~6 min here)
// Reported per dataset: server start (spawn → listening), overview and first episode (navigation → drawn), and the
// server's resident memory after it has served the overview, the first and the last episode, a stage-1 page and the
// stats. Bounds measured in the same run: the 1 s the issue allows for overview + first episode, and what a viewer
// that decodes the first stage-2 shard whole would spend before it could show anything (apache-arrow, from disk).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { chromium } from 'playwright-core';
import { writeBenchSection } from './report.js';

const repo = join(import.meta.dirname, '..');
execFileSync('npx', ['tsc', '--build', 'tsconfig.json'], { cwd: repo, stdio: 'inherit' });
const cli = join(repo, 'bin', 'spatialgen.js');
const scratch = mkdtempSync(join(tmpdir(), 'bench-viewer-'));

function build(out: string, episodes: number): string {
  const r = spawnSync(process.execPath, [cli, 'build', '--preset', 'demo', '--episodes', String(episodes), '--out', out, '--no-progress'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return out;
}

const [demoDir, bigDir] = process.argv.length >= 4 ? process.argv.slice(2, 4) : [build(join(scratch, 'demo'), 20), build(join(scratch, 'big'), 200)];
const chromiumPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (!chromiumPath) throw new Error('no chromium (scripts/setup.sh installs it)');

const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
const dirMiB = (dir: string) => Number(execFileSync('du', ['-sm', dir], { encoding: 'utf8' }).split('\t')[0]);

interface Row {
  name: string;
  episodes: number;
  mib: number;
  startMs: number;
  overviewMs: number;
  episodeMs: number;
  lastMs: number;
  naiveMs: number;
  rss: number;
}

async function measure(name: string, dir: string): Promise<Row> {
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const t0 = performance.now();
  const server = spawn(process.execPath, [cli, 'view', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const hit = /(http:\/\/\S+?)\/ /.exec(out);
      if (hit) resolve(hit[1]);
    });
    server.on('exit', (c) => reject(new Error(`view exited ${c}`)));
  });
  const startMs = performance.now() - t0;
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const open = async (hash: string, ready: string) => {
      const t = performance.now();
      await page.goto(`${base}/${hash}`);
      await page.waitForFunction((r) => (globalThis as any).document.body.dataset.ready === r, ready, { timeout: 60_000 });
      return performance.now() - t;
    };
    const overviewMs = await open('#/', 'overview');
    const episodeMs = await open('#/episode/0', 'episode');
    // then what a session touches: the last episode, a stage-1 page, the stats
    const lastMs = await open(`#/episode/${m.counts.episodes_attempted - 1}`, 'episode');
    await open('#/stage1', 'stage1');
    await open('#/stats', 'stats');
    const rss = rssMiB(server.pid!);
    // the naive bound: the first stage-2 shard decoded whole
    const first = m.shards.find((s: { kind: string }) => s.kind === 'stage2');
    const tn = performance.now();
    tableFromIPC(readFileSync(join(dir, first.path))).toArray();
    const naiveMs = performance.now() - tn;
    return { name, episodes: m.counts.episodes_attempted, mib: dirMiB(dir), startMs, overviewMs, episodeMs, lastMs, naiveMs, rss };
  } finally {
    await browser.close();
    server.kill('SIGTERM');
  }
}

/** The median of three sessions, each with a fresh server and browser (this 2-core machine shares them). */
async function median3(name: string, dir: string): Promise<Row> {
  const runs = [await measure(name, dir), await measure(name, dir), await measure(name, dir)];
  const mid = (k: keyof Row) => (runs.map((r) => r[k] as number).sort((a, b) => a - b)[1]);
  return { ...runs[0], startMs: mid('startMs'), overviewMs: mid('overviewMs'), episodeMs: mid('episodeMs'), lastMs: mid('lastMs'), naiveMs: mid('naiveMs'), rss: mid('rss') };
}

try {
  const rows = [await median3('demo', demoDir), await median3('demo × 10', bigDir)];
  const [a, b] = rows;
  const lines = [
    `Machine: ${availableParallelism()} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg()[0].toFixed(1)} at the end, Node ${process.version}, Debian's Chromium through playwright-core. ` +
      `Command: \`node --import tsx bench/viewer.ts\` (builds \`--preset demo\` with 20 and with 200 episodes, then serves each with the compiled \`spatialgen view DIR --port 0\`).`,
    '',
    'Each figure is the median of three sessions (a fresh server and browser each).',
    '',
    '| dataset | episodes | MiB on disk | server start ms | overview ms | first episode ms | overview + first episode ÷ 1 s | ÷ decoding the first stage-2 shard whole | last episode ms (not read ahead) | server RSS MiB after a session |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.name} | ${r.episodes} | ${r.mib} | ${r.startMs.toFixed(0)} | ${r.overviewMs.toFixed(0)} | ${r.episodeMs.toFixed(0)} | ${((r.overviewMs + r.episodeMs) / 1000).toFixed(2)} | ${((r.overviewMs + r.episodeMs) / r.naiveMs).toFixed(2)} (${r.naiveMs.toFixed(0)} ms) | ${r.lastMs.toFixed(0)} | ${r.rss.toFixed(0)} |`),
    '',
    `Memory, 10× the data ÷ the demo: ${(b.rss / a.rss).toFixed(2)} (RSS after the same pages: overview, first and last episode, a stage-1 page, stats). ` +
      'Overview and episode times are navigation → drawn in the browser (every camera\'s first frame decoded and painted). ' +
      'Once listening, the server reads the overview and the first episode while the browser starts (viewer/server.ts), as it does for a user; ' +
      'the last episode is read only when asked for: its time is that of any episode opened later.',
  ];
  writeBenchSection('Viewer', lines.join('\n'));
  console.log(lines.join('\n'));
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
