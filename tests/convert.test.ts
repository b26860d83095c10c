// `spatialgen convert` (issue 6): real LeRobot v1 and RLDS fixtures and small LeRobot v2.1 / v3.0 datasets written
// here with a known camera, converted to stage-1 datasets and checked against independent computations: the PushT
// pixel mapping, the raw bytes of the BridgeData TFRecord, and the projection of a synthetic end-effector path.
// Output shards are read back with flechette (not the writer's own Arrow library).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { tableFromIPC } from 'apache-arrow';
import { detectFormat, openDataset } from '../convert/readers/index.js';
import { NO_CALIBRATION_NOTE, runConvert } from '../convert/run.js';
import { readTFRecords } from '../convert/tfrecord.js';
import { project } from '../core/camera.js';
import type { Vec3 } from '../core/math.js';
import { readArrowStream } from './helpers/arrow-read.js';
import {
  CAM_KEY, type SynthEpisode, calibrationFor, robotDemos, testCamera, writeLerobotV21, writeLerobotV21Images, writeLerobotV30,
} from './helpers/convert-datasets.js';

type Row = Record<string, any>;
const FIX = robotDemos() ?? '/missing-robot-demos';
const noFixtures = robotDemos() === null && 'the shared robot-demos fixtures are not next to this checkout';
const PUSHT = join(FIX, 'lerobot-v1/pusht');
const BRIDGE = join(FIX, 'rlds-bridge/bridge_dataset/1.0.0');
const root = mkdtempSync(join(tmpdir(), 'convert-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

function stage1(dir: string): Row[] {
  return readdirSync(join(dir, 'stage1')).sort().flatMap((f) => readArrowStream(join(dir, 'stage1', f)).rows());
}
const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
const dist = (a: number[], b: number[]) => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** Linear interpolation of per-frame samples at fractional frame t. */
function at<T extends number[]>(samples: readonly T[], t: number): number[] {
  const k = Math.min(Math.floor(t), samples.length - 2);
  const f = t - k;
  return samples[k].map((v, d) => v + (samples[k + 1][d] - v) * f);
}

/** Weighted centre of the bright blob of a frame (the helper draws one at the projected TCP). */
async function blobCentre(bytes: Uint8Array): Promise<[number, number]> {
  const { data, info } = await sharp(bytes).greyscale().raw().toBuffer({ resolveWithObject: true });
  let sw = 0, sx = 0, sy = 0;
  for (let y = 0; y < info.height; y++) for (let x = 0; x < info.width; x++) {
    const w = Math.max(0, data[y * info.width + x] - 60);
    sw += w; sx += w * (x + 0.5); sy += w * (y + 0.5);
  }
  return [sx / sw, sy / sw];
}

describe('--from auto', { skip: noFixtures }, () => {
  test('recognises LeRobot v1, RLDS (version folder or its parent), and the v2.1 / v3.0 datasets written here', () => {
    assert.equal(detectFormat(PUSHT).format, 'lerobot-v1');
    assert.equal(detectFormat(join(FIX, 'lerobot-v1/aloha_sim_insertion_human')).format, 'lerobot-v1');
    assert.equal(detectFormat(BRIDGE).format, 'rlds');
    assert.deepEqual(detectFormat(join(FIX, 'rlds-bridge/bridge_dataset')), { format: 'rlds', root: BRIDGE });
    writeLerobotV21(join(root, 'auto-v21'), { episodes: 1, frames: 12 });
    writeLerobotV30(join(root, 'auto-v30'), { episodes: 1, frames: 12 });
    assert.equal(detectFormat(join(root, 'auto-v21')).format, 'lerobot-v2');
    assert.equal(detectFormat(join(root, 'auto-v30')).format, 'lerobot-v3');
  });
});

describe('PushT (LeRobot v1) with a pixel mapping', { skip: noFixtures }, () => {
  const out = join(root, 'pusht-out');
  let rows: Row[];
  let states: number[][];
  before(async () => {
    const cal = join(root, 'pusht-calibration.json');
    writeFileSync(cal, JSON.stringify({
      cameras: { 'observation.image': { width: 96, height: 96, pixel_mapping: { scale: [96 / 512, 96 / 512] } } },
      eef_position: { field: 'observation.state', indices: [0, 1], frame: 'world' },
    }));
    await runConvert(PUSHT, out, { calibration: cal, coordFormat: 'norm1000' });
    rows = stage1(out);
    // the agent positions straight from the fixture's Arrow file, not through the reader
    const t = tableFromIPC(readFileSync(join(PUSHT, 'train/data-00000-of-00001.arrow')));
    const col = t.getChild('observation.state')!;
    states = Array.from({ length: t.numRows }, (_, i) => Array.from(col.get(i)!.toArray() as Float32Array));
  });

  test('every trace point equals the mapped future agent position', () => {
    assert.equal(states.length, 161);
    const last = states.length - 1;
    for (const r of rows) {
      assert.equal(r.task_type, 'trace');
      assert.equal(r.trace.length, 10);
      r.trace.forEach((p: number[], k: number) => {
        const s = at(states, r.frame_index + (k * (last - r.frame_index)) / 9);
        assert.ok(dist(p, [s[0] * 96 / 512, s[1] * 96 / 512]) < 1e-3, `frame ${r.frame_index} point ${k}: ${p} vs ${s}`);
      });
    }
  });

  test('one trace per frame, still ones dropped and counted; answers in norm1000; 96x96 images', async () => {
    const m = manifestOf(out);
    assert.equal(rows.length + m.conversion.dropped.trace_still + m.conversion.dropped.trace_out_of_image, 161);
    assert.equal(m.counts.stage1_samples_by_task_type.trace, rows.length);
    assert.ok(rows.length > 150);
    assert.equal(m.source.name, 'pusht');
    assert.equal(m.source.format, 'lerobot-v1');
    assert.equal(m.calibration.content.cameras['observation.image'].pixel_mapping.scale[0], 96 / 512);
    for (const r of rows.slice(0, 5)) {
      assert.equal(r.coord_format, 'norm1000');
      assert.ok(r.conversations[0].value.startsWith('<image>\n'));
      const answer = JSON.parse(r.conversations[1].value) as number[][];
      answer.forEach((p, k) => {
        assert.equal(p[0], Math.round((r.trace[k][0] / 96) * 1000));
        assert.equal(p[1], Math.round((r.trace[k][1] / 96) * 1000));
      });
      const meta = await sharp(r.image.bytes).metadata();
      assert.deepEqual([meta.width, meta.height, r.width, r.height], [96, 96, 96, 96]);
    }
  });
});

describe('BridgeData RLDS fixture', { skip: noFixtures }, () => {
  test('25 episodes, instructions, 64x64 JPEG images, 7-D state and action read exactly', async () => {
    const ds = await openDataset(BRIDGE, 'auto', { imageFormat: 'jpeg' });
    assert.equal(ds.episodeCount, 25);
    assert.deepEqual(ds.cameras.map((c) => [c.key, c.width, c.height]), [0, 1, 2, 3].map((i) => [`observation/image_${i}`, 64, 64]));
    const records = readTFRecords(join(BRIDGE, 'bridge_dataset-train.tfrecord-00000-of-00001'));
    const instructions: string[] = [];
    for (let i = 0; i < 25; i++) {
      const ep = await ds.episode(i);
      instructions.push(ep.instruction ?? '');
      assert.equal(ep.length, 10);
      const state = ep.fields.get('observation/state')!;
      const action = ep.fields.get('action')!;
      assert.ok(state.every((v) => v.length === 7) && action.every((v) => v.length === 7));
      // exactly: the float32 bytes of the values are the packed list in the raw record
      for (const v of [state, action]) {
        const bytes = Buffer.from(new Float32Array(v.flat()).buffer);
        assert.ok(Buffer.from(records[i]).indexOf(bytes) >= 0, `episode ${i}: values not found verbatim in the record`);
      }
      for (const cam of ep.cameras) {
        const frames = await cam.frames([0, 9]);
        for (const f of frames) {
          assert.equal(f.format, 'jpeg');
          const { info } = await sharp(f.bytes).raw().toBuffer({ resolveWithObject: true });
          assert.deepEqual([info.width, info.height, info.channels], [64, 64, 3]);
        }
      }
    }
    assert.equal(instructions[0], 'put cup from counter or drying rack into sink');
    assert.equal(instructions[1], 'flip pot upright which is in sink');
    assert.equal(instructions[24], 'put carrot on plate');
    assert.ok(instructions.every((s) => s.length > 0));
  });

  test('without calibration: episodes with instructions and feature stats, no samples, one line saying what calibration adds', async () => {
    const out = join(root, 'bridge-out');
    const r = await runConvert(BRIDGE, out);
    assert.ok(r.notes.includes(NO_CALIBRATION_NOTE));
    assert.ok(!NO_CALIBRATION_NOTE.includes('\n'));
    const m = manifestOf(out);
    assert.equal(m.counts.episodes_attempted, 25);
    assert.equal(m.counts.stage1_samples, 0);
    assert.equal(m.calibration, null);
    assert.ok(m.conversion.notes.includes(NO_CALIBRATION_NOTE));
    const eps = readArrowStream(join(out, 'episodes.arrow')).rows();
    assert.equal(eps.length, 25);
    assert.equal(eps[0].instruction, 'put cup from counter or drying rack into sink');
    const stats = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8'));
    assert.equal(stats['observation/state'].mean.length, 7);
    assert.deepEqual(stats['observation/state'].count, new Array(7).fill(250));
  });

  test('with a calibration: samples carry the source JPEG bytes and the instruction', async () => {
    const cam = { ...testCamera(), name: 'observation/image_0' };
    const cal = calibrationFor(cam) as any;
    cal.cameras = { 'observation.image_0': cal.cameras['observation/image_0'] }; // LeRobot-style dots resolve too
    cal.eef_position.field = 'observation.state';
    cal.gripper = { field: 'observation.state', index: 6, closed_when: 'below', threshold: 0.5 };
    const file = join(root, 'bridge-calibration.json');
    writeFileSync(file, JSON.stringify(cal));
    const out = join(root, 'bridge-cal-out');
    const r = await runConvert(BRIDGE, out, { calibration: file, minTracePx: 0 });
    const rows = stage1(out);
    const d = r.dropped;
    assert.equal(rows.filter((x) => x.task_type === 'trace').length + d.trace_out_of_image + d.trace_still, 250);
    const ds = await openDataset(BRIDGE, 'rlds', { imageFormat: 'jpeg' });
    const s = rows[0];
    const ep = await ds.episode(Number(s.episode_id.slice(-6)));
    assert.deepEqual(Buffer.from(s.image.bytes), Buffer.from((await ep.cameras[0].frames([s.frame_index]))[0].bytes));
    assert.ok(s.conversations[0].value.includes(ep.instruction!));
  });
});

/** Checks a converted synthetic dataset against the known camera and path. */
async function checkSynthetic(out: string, eps: SynthEpisode[]): Promise<void> {
  const cam = testCamera();
  const rows = stage1(out);
  const m = manifestOf(out);
  const byId = new Map(eps.map((e) => [`episode_${String(e.index).padStart(6, '0')}`, e]));
  let traces = 0;
  for (const r of rows) {
    const e = byId.get(r.episode_id)!;
    assert.equal(r.camera, CAM_KEY);
    assert.ok(r.conversations[0].value.includes(e.task), 'the instruction is in the question');
    if (r.task_type === 'trace') {
      traces++;
      const f = r.frame_index;
      const closed = e.gripper.map((g) => g < 0.04);
      let end = f + 1;
      while (end < closed.length - 1 && closed[end] === closed[f]) end++;
      if (end >= closed.length) end = closed.length - 1;
      r.trace.forEach((p: number[], k: number) => {
        const truth = project(cam, at(e.positions, f + (k * (end - f)) / 9) as Vec3);
        assert.ok(dist(p, truth) < 0.5, `episode ${e.index} frame ${f} point ${k}: ${p} vs ${truth}`);
      });
      // the image is the frame of this row: its blob sits on the trace's first point
      const c = await blobCentre(r.image.bytes);
      assert.ok(dist(c, r.trace[0]) < 0.3, `episode ${e.index} frame ${f}: blob at ${c}, trace starts at ${r.trace[0]}`);
    } else {
      const event = r.task_type === 'grasp_point' ? e.graspFrame : e.placeFrame;
      assert.equal(r.frame_index, r.task_type === 'grasp_point' ? 0 : e.graspFrame);
      assert.ok(dist(r.points[0].point_2d, project(cam, e.positions[event])) < 0.5);
      assert.equal(r.points[0].label, r.task_type === 'grasp_point' ? 'grasp point' : 'place point');
    }
  }
  assert.ok(traces > 0);
  assert.equal(m.counts.stage1_samples_by_task_type.grasp_point, eps.length);
  assert.equal(m.counts.stage1_samples_by_task_type.place_point, eps.length);
  const frames = eps.reduce((n, e) => n + e.positions.length, 0);
  assert.equal(traces + m.conversion.dropped.trace_still + m.conversion.dropped.trace_out_of_image, frames);
  assert.ok(m.conversion.dropped.trace_still >= 4 * eps.length, 'the still tail of every episode is dropped');
  assert.deepEqual(m.conversion.gripper_events, { grasp: eps.length, place: eps.length });
  assert.equal(m.calibration.content.gripper.closed_when, 'below');
  const episodes = readArrowStream(join(out, 'episodes.arrow')).rows();
  assert.deepEqual(episodes.map((x) => x.instruction), eps.map((e) => e.task));
}

for (const [name, write, format] of [['v2.1', writeLerobotV21, 'lerobot-v2'], ['v3.0', writeLerobotV30, 'lerobot-v3']] as const) {
  describe(`LeRobot ${name} written here, known synthetic camera`, () => {
    const src = join(root, `synthetic-${name}`);
    const out = join(root, `synthetic-${name}-out`);
    let eps: SynthEpisode[];
    before(async () => {
      eps = write(src);
      const cal = join(root, `calibration-${name}.json`);
      writeFileSync(cal, JSON.stringify(calibrationFor()));
      await runConvert(src, out, { calibration: cal, concurrency: 2 });
    });

    test('traces, grasp and place points land within 0.5 px of the truth, on the right frames', async () => {
      assert.equal(manifestOf(out).source.format, format);
      await checkSynthetic(out, eps);
    });

    test('one episode at a time gives the same files as two at once', async () => {
      const again = join(root, `synthetic-${name}-again`);
      await runConvert(src, again, { calibration: join(root, `calibration-${name}.json`), concurrency: 1 });
      const a = manifestOf(out);
      const b = manifestOf(again);
      assert.deepEqual([b.shards, b.files], [a.shards, a.files]);
    });
  });
}

describe('LeRobot v2.1 with an image feature (PNG bytes in parquet) instead of a video', () => {
  test('the stored PNGs are the samples\' images, and traces are exact', async () => {
    const src = join(root, 'synthetic-images');
    const eps = await writeLerobotV21Images(src);
    const data = (await openDataset(src, 'auto', { imageFormat: 'jpeg' }));
    const ep = await data.episode(0);
    const png = (await ep.cameras[0].frames([3]))[0];
    assert.equal(png.format, 'png');
    const cal = join(root, 'calibration-images.json');
    writeFileSync(cal, JSON.stringify(calibrationFor()));
    const out = join(root, 'synthetic-images-out');
    await runConvert(src, out, { calibration: cal });
    const rows = stage1(out);
    const r = rows.find((x) => x.frame_index === 3 && x.task_type === 'trace')!;
    assert.deepEqual(Buffer.from(r.image.bytes), Buffer.from(png.bytes));
    assert.equal(r.image.path, `episode_000000/${CAM_KEY}/frame_000003.png`);
    await checkSynthetic(out, eps);
  });
});
