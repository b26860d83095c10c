// `spatialgen view` (issue 17): the HTTP API against the files read by an independent reader (flechette), the
// refusals (a crafted path, a folder that is not a dataset), the contact sheet's overlays, and the page itself in a
// real browser — Debian's Chromium driven by playwright-core: a box drawn where the stored box is, frames that step,
// a stage-1 answer drawn where its text says, no console errors. Screenshots of each view go to the test's folder.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CLI, spatialgen, tempDir } from './helpers/build-fixture.js';
import { readArrowStream } from './helpers/arrow-read.js';

const root = tempDir('viewer');
const DS = join(root, 'smoke');
const SHOTS = join(root, 'screenshots');
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

let server: ChildProcess | undefined;
let base = '';

type Box = { label: string; bbox_tight: number[] | null; bbox_amodal: number[]; occlusion: number };

/** A raw GET: the path goes out exactly as written (fetch would normalize `..` away). */
function get(path: string): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}`, { path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}
/** Share of the pixels (RGB triples) that are the tight-box green (#00e676): a 2-pixel line centred on an edge covers
 * the pixel column floor(x) whole, so those pixels are exactly that colour wherever nothing is drawn over them. */
function greenShare(rgb: number[][]): number {
  return rgb.filter(([r, g, b]) => Math.abs(r - 0) <= 8 && Math.abs(g - 230) <= 8 && Math.abs(b - 118) <= 8).length / Math.max(1, rgb.length);
}

const json = async (path: string) => JSON.parse((await get(path)).body.toString()) as any;

/** Stage-2 rows of the dataset as flechette reads them, in file order. */
function stage2Rows(): Record<string, any>[] {
  const m = JSON.parse(readFileSync(join(DS, 'manifest.json'), 'utf8')) as { shards: { kind: string; path: string }[] };
  return m.shards.filter((s) => s.kind === 'stage2').flatMap((s) => readArrowStream(join(DS, s.path)).rows());
}

before(async () => {
  const b = spatialgen(['build', '--preset', 'smoke', '--out', DS, '--no-progress']);
  assert.equal(b.status, 0, b.stderr);
  mkdirSync(SHOTS, { recursive: true });
  server = spawn(process.execPath, ['--import', 'tsx', CLI, 'view', DS, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  base = await new Promise<string>((resolve, reject) => {
    let out = '';
    server!.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) resolve(m[1]);
    });
    server!.on('exit', (code) => reject(new Error(`view exited with ${code}`)));
  });
});

after(() => {
  server?.kill('SIGTERM');
});

describe('spatialgen view: the API and its refusals', { timeout: 300_000 }, () => {
  test('the overview, the episode table and an episode agree with the files', async () => {
    const m = JSON.parse(readFileSync(join(DS, 'manifest.json'), 'utf8'));
    const o = await json('/api/overview');
    assert.deepEqual(o.counts, m.counts);
    assert.equal(o.by_task.reduce((n: number, t: { episodes: number }) => n + t.episodes, 0), m.counts.episodes_attempted);
    const eps = readArrowStream(join(DS, 'episodes.arrow')).rows();
    const list = await json('/api/episodes?limit=1000');
    assert.equal(list.total, eps.length);
    assert.deepEqual(list.rows.map((e: { episode_id: string }) => e.episode_id), eps.map((e) => e.episode_id));
    const ok = await json('/api/episodes?success=true');
    assert.equal(ok.total, eps.filter((e) => e.success).length);

    const rows = stage2Rows();
    const ep = eps.find((e) => rows.some((r) => r.episode_id === e.episode_id))!;
    const mine = rows.filter((r) => r.episode_id === ep.episode_id);
    const d = await json(`/api/episode/${ep.episode_index}`);
    assert.equal(d.frames.length, mine.length);
    assert.deepEqual(d.frames.map((f: { frame_index: number }) => f.frame_index), mine.map((r) => r.frame_index));
    const k = Math.floor(mine.length / 2);
    assert.deepEqual(d.frames[k]['annotations.base.boxes'].map((b: Box) => b.bbox_tight), mine[k]['annotations.base.boxes'].map((b: Box) => b.bbox_tight && Array.from(b.bbox_tight)));
    // the colour image is the stored bytes, unchanged; depth and ids come back colour-mapped PNGs of the same size
    const img = await get(`/api/frame/${ep.episode_index}/${k}/base/color`);
    assert.equal(img.status, 200);
    assert.deepEqual(new Uint8Array(img.body), new Uint8Array(mine[k]['observation.images.base'].bytes));
    for (const kind of ['depth', 'segmentation']) {
      const r = await get(`/api/frame/${ep.episode_index}/${k}/base/${kind}`);
      assert.equal(r.type, 'image/png');
      const meta = await sharp(r.body).metadata();
      assert.deepEqual([meta.width, meta.height, meta.channels], [256, 256, 3]);
    }
  });

  test('a crafted path is 404 and never a file of the dataset or the machine', async () => {
    const manifest = readFileSync(join(DS, 'manifest.json'));
    for (const path of ['/../manifest.json', '/%2e%2e/%2e%2e/etc/passwd', '/manifest.json', '/episodes.arrow', '/stage1/train-00000-of-00001.arrow',
      '/api/frame/0/0/..%2F..%2Fmanifest.json/color', '/api/frame/0/0/base/..', '/api/stage1-image/..%2F..%2F/0/0', '/static/../package.json',
      '/api/../../../etc/passwd', '//etc/passwd', '/app.js/../../manifest.json', '/api/episode/0/../../manifest.json']) {
      const r = await get(path);
      assert.ok(r.status === 404 || r.status === 400, `${path}: ${r.status}`);
      assert.ok(!r.body.includes(manifest.subarray(0, 40)) && !r.body.includes('root:x:0'), `${path} leaked a file`);
    }
    assert.equal((await get('/api/episode/99999')).status, 404);
    assert.equal((await get('/api/stage1?split=nope')).status, 400);
  });

  test('a folder that is not a dataset is one line and exit 1', () => {
    const empty = join(root, 'empty');
    mkdirSync(empty, { recursive: true });
    for (const [dir, why] of [[empty, 'is not a spatialgen dataset (no readable manifest.json)'], [join(root, 'missing'), 'is not a folder']]) {
      const r = spatialgen(['view', dir, '--port', '0']);
      assert.equal(r.status, 1);
      assert.equal(r.stderr, `spatialgen: ${dir} ${why}\n`);
    }
    const fake = join(root, 'fake');
    mkdirSync(fake, { recursive: true });
    writeFileSync(join(fake, 'manifest.json'), JSON.stringify({ format: 'spatialgen-dataset', shards: [{ path: '../smoke/episodes.arrow', bytes: 1 }], files: [] }));
    const r = spatialgen(['view', fake, '--port', '0']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /manifest\.json: \.\.\/smoke\/episodes\.arrow lies outside the dataset\n$/);
    const inside = spatialgen(['view', DS, '--sheet', join(DS, 'sheet.png')]);
    assert.equal(inside.status, 1);
    assert.equal(inside.stderr, `spatialgen: --sheet ${join(DS, 'sheet.png')} lies inside the dataset ${DS}; a dataset stays as it was built\n`);
    assert.ok(!existsSync(join(DS, 'sheet.png')));
  });

  test('--sheet draws each tight box where the stored box is', async () => {
    const out = join(root, 'sheet.png');
    const r = spatialgen(['view', DS, '--sheet', out, '--episodes', '2']);
    assert.equal(r.status, 0, r.stderr);
    const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height], [3 * 2 * 256, 2 * 290]); // 3 frames × 2 cameras per episode
    const rows = stage2Rows();
    const first = rows.filter((x) => x.episode_id === rows[0].episode_id)[0];
    const box = (first['annotations.base.boxes'] as Box[]).find((b) => b.bbox_tight && b.bbox_tight[3] - b.bbox_tight[1] > 8)!;
    const [x0, y0, , y1] = box.bbox_tight!;
    // the sheet's first tile is the first episode's frame 0, at 256² unscaled: the box's left edge, row by row
    const edge: number[][] = [];
    for (let y = Math.ceil(y0) + 2; y < Math.floor(y1) - 1; y++) {
      const i = (y * info.width + Math.floor(x0)) * info.channels;
      edge.push(Array.from(data.subarray(i, i + 3)));
    }
    assert.ok(greenShare(edge) >= 0.6, `the left edge of ${box.label}'s tight box is drawn green: ${JSON.stringify(edge)}`);
  });
});

describe('spatialgen view in a real browser', { timeout: 300_000, skip: CHROMIUM ? false : 'no Debian chromium (scripts/setup.sh installs it)' }, () => {
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
  });
  after(async () => {
    await browser?.close();
  });

  const open = async (hash: string, ready: string) => {
    await page.goto(`${base}/${hash}`);
    await page.waitForFunction((r) => (globalThis as any).document.body.dataset.ready === r, ready, { timeout: 30_000 });
  };
  /** RGB of a column of canvas pixels, in the canvas's own (= the stored image's) pixels. */
  // (these callbacks run in the page: `any` stands for its DOM types, which this Node project does not load)
  const column = (selector: string, x: number, y0: number, y1: number) => page.$eval(selector, (c: any, [px, py0, py1]) => {
    const d = c.getContext('2d').getImageData(px, py0, 1, py1 - py0).data as number[];
    return Array.from({ length: py1 - py0 }, (_, i) => [d[4 * i], d[4 * i + 1], d[4 * i + 2]]);
  }, [x, y0, y1]);

  test('every view renders without console errors; screenshots are saved', async () => {
    for (const [name, hash] of [['overview', '#/'], ['episodes', '#/episodes'], ['stats', '#/stats']]) {
      await open(hash, name);
      await page.screenshot({ path: join(SHOTS, `${name}.png`) });
    }
    assert.match(await page.locator('h2').first().innerText(), /action: 7 dimensions/);
    await open('#/', 'overview');
    assert.match(await page.locator('.cards').innerText(), /3\s+episodes/);
    assert.deepEqual(errors, []);
  });

  test('the player draws each tight box on its stored edge, and stepping changes the frame', async () => {
    const rows = stage2Rows();
    const ep0 = rows.filter((r) => r.episode_id === rows[0].episode_id);
    const index = ep0[0].episode_index as number;
    await open(`#/episode/${index}`, 'episode');
    await page.screenshot({ path: join(SHOTS, 'episode.png') });
    const box = (ep0[0]['annotations.base.boxes'] as Box[]).find((b) => b.bbox_tight && b.bbox_tight[3] - b.bbox_tight[1] > 8)!;
    const [x0, y0, , y1] = box.bbox_tight!;
    const edge = [Math.floor(x0), Math.ceil(y0) + 2, Math.floor(y1) - 1] as const;
    const drawn = await column('#cam-base', ...edge);
    assert.ok(greenShare(drawn) >= 0.6, `the left edge of ${box.label}'s tight box is drawn green: ${JSON.stringify(drawn)}`);
    // without the overlay the same pixels are the picture's own
    await page.locator('input[data-overlay=tight]').uncheck();
    await page.waitForTimeout(300);
    assert.ok(greenShare(await column('#cam-base', ...edge)) < 0.2, 'tight boxes toggled off');
    await page.locator('input[data-overlay=tight]').check();

    const hash = () => page.$eval('#cam-base', (c: any) => c.toDataURL() as string);
    const before = await hash();
    await page.locator('body').press('ArrowRight');
    await page.waitForFunction(() => (globalThis as any).document.body.dataset.frame === '1');
    assert.equal(await page.locator('#frame-label').innerText().then((t) => t.split(' · ')[0]), 'frame 2 / ' + ep0.length);
    assert.notEqual(await hash(), before, 'frame 2 is a different picture');
    await page.locator('#mode').selectOption('depth');
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(SHOTS, 'episode-depth.png') });
    assert.deepEqual(errors, []);
  });

  test('a stage-1 answer is drawn where its text says, in its coordinate convention', async () => {
    await open('#/stage1?type=point', 'stage1');
    await page.screenshot({ path: join(SHOTS, 'stage1.png') });
    const card = page.locator('.sample').first();
    const parsed = JSON.parse((await card.getAttribute('data-parsed'))!) as { points: number[][] };
    const id = await card.getAttribute('data-id');
    const s1 = JSON.parse(readFileSync(join(DS, 'manifest.json'), 'utf8')).shards.filter((s: { kind: string }) => s.kind === 'stage1')
      .flatMap((s: { path: string }) => readArrowStream(join(DS, s.path)).rows()).find((r: { id: string }) => r.id === id);
    // the text is in abs:224x224 integers: back in stored pixels it is within one 224-pixel of the structured point
    const [sx, sy] = s1.points[0].point_2d;
    assert.ok(Math.abs(parsed.points[0][0] - sx) <= 256 / 224 && Math.abs(parsed.points[0][1] - sy) <= 256 / 224, `${parsed.points[0]} vs ${[sx, sy]}`);
    const c = await card.locator('canvas').evaluate((el: any, [x, y]) => Array.from(el.getContext('2d').getImageData(x, y, 1, 1).data as number[]).slice(0, 3), [Math.round(parsed.points[0][0]), Math.round(parsed.points[0][1])]);
    assert.deepEqual(c, [0, 229, 255], 'the parsed point is drawn in the text colour');
    assert.deepEqual(errors, []);
  });
});
