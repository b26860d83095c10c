// What a user sees in the first ten minutes (issue 11): every command's output complete through a pipe whose reader
// is slow, no Dawn adapter warnings on a command that renders (while any other stderr line still arrives), and
// progress that is a line per tenth or per 10 s in a log, not a line per episode.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { progress } from '../cli/progress.js';
import { loadLibrary } from '../assets/library.js';
import { DAWN_LIMIT_WARNING, noiseFilter } from '../generators/rendering/driver-noise.js';
import { CLI, spatialgen, tempDir } from './helpers/build-fixture.js';

const root = tempDir('cli-output');
after(() => rmSync(root, { recursive: true, force: true }));

/** Runs the CLI with a reader that stops 20 ms after every chunk it takes: a pipe that fills, as `| slow-consumer` does. */
async function slowlyRead(args: string[]): Promise<{ status: number | null; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, REDIS_URL: '' } });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const chunks: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => {
    chunks.push(c);
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), 20);
  });
  await new Promise((resolve) => child.stdout.on('end', resolve));
  return { status: await exited, stdout: Buffer.concat(chunks).toString('utf8') };
}

describe('output through a pipe', { timeout: 120_000 }, () => {
  test('a slow reader and `| wc -c` get all of `assets list --json` (190 KB) that a file gets; the table, validate and help too', async () => {
    // what the command writes when nothing can hold it up: into a file
    const file = join(root, 'list.json');
    const sh = (cmd: string) => spawnSync('sh', ['-c', cmd], { encoding: 'utf8', env: { ...process.env, REDIS_URL: '' } });
    const cli = `"${process.execPath}" --import tsx "${CLI}" assets list --json`;
    assert.equal(sh(`${cli} > "${file}"`).status, 0);
    const full = readFileSync(file, 'utf8');
    assert.ok(full.length > 150_000 && full.endsWith('}\n'), `${full.length} bytes`);
    assert.equal(Number(sh(`${cli} | wc -c`).stdout.trim()), Buffer.byteLength(full), 'a fast reader');
    const json = await slowlyRead(['assets', 'list', '--json']);
    assert.equal(json.status, 0);
    assert.equal(json.stdout, full, 'a slow reader');
    const parsed = JSON.parse(json.stdout) as { assets: unknown[] };
    const n = loadLibrary().assets().length;
    assert.equal(parsed.assets.length, n);
    const table = await slowlyRead(['assets', 'list']);
    const lines = table.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 1 + n + 1, 'header, every asset, summary');
    assert.match(lines.at(-1)!, new RegExp(`^${n} assets in \\d+ categories`));
    const validate = await slowlyRead(['assets', 'validate']);
    assert.match(validate.stdout, new RegExp(`^${n} checked, 0 invalid$`, 'm'));
    const help = await slowlyRead(['build', '--help']);
    assert.match(help.stdout, /Examples:\n[\s\S]*--redis redis:\/\/queue-host:6379 --workers 0\n[\s\S]*--train-cmd "[^"\n]*train_min\.py \{dataset\} --out \{run_dir\}"\n$/);
  });
});

describe("Dawn's adapter warnings", { timeout: 120_000 }, () => {
  test('exactly the two lines are dropped, wherever the chunks split them; every other line passes', () => {
    const warn = (what: string) => `Warning: maxDynamic${what}BuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.`;
    const text = `${warn('Uniform')}\nWarning: something else from the driver\n${warn('Storage')}\nepisodes 1/3 (0 failed)\n`;
    for (const cut of [1, 7, 19, 40, text.length]) {
      const f = noiseFilter();
      let out = '';
      for (let i = 0; i < text.length; i += cut) out += f.push(text.slice(i, i + cut));
      out += f.flush();
      assert.equal(out, 'Warning: something else from the driver\nepisodes 1/3 (0 failed)\n', `chunks of ${cut}`);
    }
    assert.ok(DAWN_LIMIT_WARNING.test(warn('Uniform')) && !DAWN_LIMIT_WARNING.test(`${warn('Uniform')} and more`));
    // a line that only starts like one is held until it ends, then shown
    const f = noiseFilter();
    assert.equal(f.push('Warning: maxDyn'), '');
    assert.equal(f.push('amicOther thing\n'), 'Warning: maxDynamicOther thing\n');
  });

  test('a build that renders prints none of them', () => {
    const r = spatialgen(['build', '--preset', 'smoke', '--episodes', '1', '--out', join(root, 'quiet')]);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /artificially reduced/);
    assert.match(r.stderr, /^episodes 1\/1 \(0 failed, [\d.]+\/min, ETA .*\)$/m, 'the progress line still arrives');
  });
});

describe('progress in a log', () => {
  test('a line per tenth of the items (or per 10 s) and the last one, not a line per item', () => {
    const written: string[] = [];
    const write = process.stderr.write;
    const wasTty = process.stderr.isTTY;
    process.stderr.write = ((s: string) => written.push(s) > 0) as typeof process.stderr.write;
    Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
    try {
      const p = progress('episodes', 1000, true);
      for (let done = 1; done <= 1000; done++) p.update({ done, failed: Math.floor(done / 100) });
      p.stop();
    } finally {
      process.stderr.write = write;
      Object.defineProperty(process.stderr, 'isTTY', { value: wasTty, configurable: true });
    }
    assert.equal(written.length, 10, written.join(''));
    assert.match(written[0], /^episodes 100\/1000 \(1 failed, [\d.]+\/min, ETA .+\)\n$/);
    assert.match(written.at(-1)!, /^episodes 1000\/1000 \(10 failed/);
  });
});
