// `spatialgen export vlm`: a build and a converted recording, mixed, resized and re-rendered; the files read back as a
// trainer would, every coordinate checked against the structured answer of the source row (read with flechette).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { spatialgen, tempDir } from './helpers/build-fixture.js';
import { readArrowStream } from './helpers/arrow-read.js';
import { robotDemos } from './helpers/convert-datasets.js';

type Row = Record<string, any>;
const root = tempDir('export-vlm');
const build = join(root, 'build');
const converted = join(root, 'pusht');
after(() => rmSync(root, { recursive: true, force: true }));

const stage1 = (dir: string): Row[] => readdirSync(join(dir, 'stage1')).sort().flatMap((f) => readArrowStream(join(dir, 'stage1', f)).rows());
const lines = (dir: string): Row[] => readFileSync(join(dir, 'data.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const ok = (r: ReturnType<typeof spatialgen>) => assert.equal(r.status, 0, r.stderr);

/** The answer a sample must carry, computed here from the stored row: every coordinate into the exported frame. */
function expected(row: Row, kind: 'abs' | 'norm1000' | 'norm1', size: [number, number]): unknown {
  const W = Number(row.width), H = Number(row.height);
  const scale = kind === 'abs' ? size : kind === 'norm1000' ? [1000, 1000] : [1, 1];
  const r = (v: number) => (kind === 'norm1' ? Math.round(v * 1000) / 1000 : Math.round(v));
  const pt = (p: ArrayLike<number>, edge: boolean) => [0, 1].map((i) => {
    const n = scale[i];
    const hi = kind === 'abs' ? (edge ? n : n - 1) : n;
    return Math.min(hi, Math.max(0, r((p[i] / (i === 0 ? W : H)) * n)));
  });
  if (row.task_type === 'trace') return row.trace.map((p: number[]) => pt(p, false));
  if (row.points.length) return row.points.map((p: Row) => ({ point_2d: pt(p.point_2d, false), label: p.label }));
  return row.boxes.map((b: Row) => ({ bbox_2d: [...pt([b.bbox_2d[0], b.bbox_2d[1]], true), ...pt([b.bbox_2d[2], b.bbox_2d[3]], true)], label: b.label }));
}

describe('export vlm', { timeout: 600_000 }, () => {
  before(() => {
    ok(spatialgen(['build', '--preset', 'smoke', '--out', build, '--no-progress']));
    const fix = robotDemos();
    if (fix) {
      const cal = join(root, 'cal.json');
      writeFileSync(cal, JSON.stringify({
        cameras: { 'observation.image': { width: 96, height: 96, pixel_mapping: { scale: [96 / 512, 96 / 512] } } },
        eef_position: { field: 'observation.state', indices: [0, 1], frame: 'world' },
      }));
      ok(spatialgen(['convert', join(fix, 'lerobot-v1/pusht'), '--out', converted, '--calibration', cal, '--no-progress']));
    }
  });

  test('resized to 320x200 with abs coordinates: the images key, one <image> per image, every coordinate of every answer in the new frame', async () => {
    const out = join(root, 'abs');
    const inputs = existsSync(converted) ? [build, converted] : [build];
    ok(spatialgen(['export', 'vlm', ...inputs, '--out', out, '--image-size', '320x200', '--coord-format', 'abs', '--no-progress']));
    const byId = new Map(inputs.flatMap((d) => stage1(d)).map((r) => [String(r.id), r]));
    const samples = lines(out);
    assert.equal(samples.length, byId.size, 'every train sample once');
    const sizes = new Map<string, string>();
    for (const s of samples) {
      const row = byId.get(s.id)!;
      assert.ok(Array.isArray(s.images) && s.images.length === 1 && !('image' in s), 'an images list');
      const human = s.conversations[0];
      assert.equal(human.from, 'human');
      assert.equal(human.value.split('<image>').length - 1, s.images.length, 'as many <image> tags as images');
      assert.ok(human.value.startsWith('<image>\n'));
      assert.ok(!/224x224/.test(human.value) && (!/pixel coordinates/.test(human.value) || /320x200/.test(human.value)), human.value);
      assert.equal(s.coord_format, 'abs:320x200');
      assert.deepEqual(JSON.parse(s.conversations[1].value), expected(row, 'abs', [320, 200]), s.id);
      const file = join(out, s.images[0]);
      if (!sizes.has(file)) {
        const m = await sharp(readFileSync(file)).metadata();
        sizes.set(file, `${m.width}x${m.height}`);
      }
      assert.equal(sizes.get(file), '320x200');
    }
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
    assert.equal(meta.counts.samples, samples.length);
    assert.deepEqual(meta.conversion.image_size, [320, 200]);
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'data.json'), 'utf8')), samples, 'data.json holds the same samples');
    if (existsSync(converted)) assert.ok(samples.some((s) => s.task_type === 'trace' && s.source === 'pusht'), 'converted traces are in');
  });

  test('messages style in norm1; a seeded weighted mixture sums to --samples and is the same twice', () => {
    const a = join(root, 'mix-a'), b = join(root, 'mix-b');
    const inputs = existsSync(converted) ? [build, converted] : [build, build];
    for (const out of [a, b]) ok(spatialgen(['export', 'vlm', ...inputs, '--out', out, '--samples', '300', '--weights', '2,1', '--coord-format', 'norm1', '--style', 'messages', '--seed', '4', '--no-progress']));
    assert.ok(readFileSync(join(a, 'data.jsonl')).equals(readFileSync(join(b, 'data.jsonl'))), 'same seed, same mixture');
    const samples = lines(a);
    assert.equal(samples.length, 300);
    const meta = JSON.parse(readFileSync(join(a, 'meta.json'), 'utf8'));
    assert.deepEqual(meta.sources.map((s: Row) => s.taken), [200, 100]);
    const byId = new Map(inputs.flatMap((d) => stage1(d)).map((r) => [String(r.id), r]));
    for (const s of samples) {
      assert.deepEqual(s.messages.map((m: Row) => m.role), ['user', 'assistant']);
      assert.deepEqual(JSON.parse(s.messages[1].content), expected(byId.get(s.id)!, 'norm1', [0, 0]), s.id);
      assert.ok(/normalized to 0-1\b/.test(s.messages[0].content) || !/coordinates/.test(s.messages[0].content), s.messages[0].content);
    }
  });

  test('bad input is one line and leaves nothing at --out', () => {
    const out = join(root, 'bad');
    for (const args of [
      [build, '--weights', '1,2'],
      [build, '--weights', '1'],
      [join(root, 'nowhere')],
      [build, '--image-size', '32x'],
      [build, '--splits', 'nosuch'],
    ]) {
      const r = spatialgen(['export', 'vlm', ...args, '--out', out]);
      assert.equal(r.status, 1, args.join(' '));
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.ok(!existsSync(out), 'nothing written');
    }
  });
});
