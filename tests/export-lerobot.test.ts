// `spatialgen export lerobot`: the smoke preset built through the real CLI, exported as LeRobot v2.1 and v3.0, and
// checked with readers independent of the exporter: hyparquet for the parquet files, ffprobe for the videos, flechette
// for the source shards. The round trip runs the repo's own LeRobot readers (`convert`) on each export, decoding every
// frame, and a calibrated `convert` of it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import sharp from 'sharp';
import { openDataset } from '../convert/readers/index.js';
import { runConvert } from '../convert/run.js';
import { exportLerobot } from '../lerobot/export.js';
import { readArrowStream } from './helpers/arrow-read.js';
import { spatialgen, tempDir } from './helpers/build-fixture.js';

type Row = Record<string, any>;
const root = tempDir('export-lerobot');
after(() => rmSync(root, { recursive: true, force: true }));
const SRC = join(root, 'smoke');

interface SourceEp { id: string; split: string; rows: Row[] }
let manifest: Row;
let episodes: SourceEp[];

const json = (p: string) => JSON.parse(readFileSync(p, 'utf8'));
const jsonl = (p: string) => readFileSync(p, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const parquet = async (p: string): Promise<Row[]> => (await parquetReadObjects({ file: await asyncBufferFromFile(p) })) as Row[];
const num = (v: unknown) => Number(v);
const f32 = (a: number[]) => a.map(Math.fround);
/** equal as numbers (the parquet writer's dictionary keeps -0 as 0, which is the same value) */
const same = (actual: number[], expected: number[], what: string) => {
  assert.equal(actual.length, expected.length, what);
  assert.ok(actual.every((x, k) => x === expected[k]), `${what}: ${actual} vs ${expected}`);
};

function probe(path: string): { frames: number; fps: string; codec: string; pix: string; width: number; height: number } {
  const r = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries',
    'stream=nb_read_frames,r_frame_rate,codec_name,pix_fmt,width,height', '-of', 'json', path], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout).streams[0];
  return { frames: Number(s.nb_read_frames), fps: s.r_frame_rate, codec: s.codec_name, pix: s.pix_fmt, width: s.width, height: s.height };
}

before(() => {
  const r = spatialgen(['build', '--preset', 'smoke', '--out', SRC, '--no-progress']);
  assert.equal(r.status, 0, r.stderr);
  manifest = json(join(SRC, 'manifest.json'));
  const byId = new Map<string, SourceEp>();
  for (const s of manifest.shards.filter((x: Row) => x.kind === 'stage2')) {
    for (const row of readArrowStream(join(SRC, s.path)).rows()) {
      const id = row.episode_id as string;
      if (!byId.has(id)) byId.set(id, { id, split: s.split, rows: [] });
      byId.get(id)!.rows.push(row);
    }
  }
  // export order: train first, then the other splits
  episodes = [...byId.values()].sort((a, b) => Number(a.split !== 'train') - Number(b.split !== 'train'));
  assert.ok(episodes.length >= 2, 'the smoke preset should give several successful episodes');
});

/** Per-episode frame counts of the source, from episodes.arrow (successful ones), in export order. */
function sourceLengths(): number[] {
  const rows = readArrowStream(join(SRC, 'episodes.arrow')).rows().filter((r) => r.success);
  const len = new Map(rows.map((r) => [r.episode_id as string, r.num_frames as number]));
  return episodes.map((e) => len.get(e.id)!);
}

function checkInfo(out: string, version: string): Row {
  const info = json(join(out, 'meta', 'info.json'));
  assert.equal(info.codebase_version, version);
  assert.equal(info.fps, manifest.config.recording.hz);
  assert.equal(info.total_episodes, manifest.counts.episodes_succeeded);
  assert.equal(info.total_frames, manifest.counts.frames);
  assert.equal(info.chunks_size, 1000);
  assert.equal(info.robot_type, 'pusher');
  const tasks = new Set(episodes.map((e) => e.rows[0].instruction));
  assert.equal(info.total_tasks, tasks.size);
  for (const cam of manifest.stage2_layout.cameras) {
    const f = info.features[`observation.images.${cam}`];
    assert.equal(f.dtype, 'video');
    assert.deepEqual(f.shape, [256, 256, 3]);
    assert.equal(f.info['video.fps'], info.fps);
  }
  assert.deepEqual(info.features.action.shape, [7]);
  assert.deepEqual(info.features['annotations.trace_3d'].shape, [30]);
  assert.deepEqual(info.features['observation.state'].shape, [episodes[0].rows[0]['observation.state'].length]);
  // modality.json (GR00T loaders): every slice inside its feature, state and action covered end to end, each camera's
  // video and the task text named
  const modality = json(join(out, 'meta', 'modality.json'));
  for (const part of ['state', 'action'] as const) {
    for (const [name, sl] of Object.entries(modality[part] as Record<string, Row>)) {
      const shape = info.features[sl.original_key]?.shape;
      assert.ok(shape && sl.start >= 0 && sl.start < sl.end && sl.end <= shape[0], `${part}.${name} ${JSON.stringify(sl)} within ${sl.original_key}`);
    }
  }
  const covered = (key: string) => [...Object.values(modality.state as Record<string, Row>), ...Object.values(modality.action as Record<string, Row>)].filter((sl) => sl.original_key === key).reduce((n, sl) => n + sl.end - sl.start, 0);
  for (const key of ['observation.state', 'observation.eef_pose', 'action']) assert.equal(covered(key), info.features[key].shape[0], `${key} covered once`);
  assert.deepEqual(Object.keys(modality.video), manifest.stage2_layout.cameras);
  for (const [cam, v] of Object.entries(modality.video as Record<string, Row>)) assert.equal(v.original_key, `observation.images.${cam}`);
  assert.deepEqual(modality.annotation, { 'human.action.task_description': { original_key: 'task_index' } });
  const mapping = jsonl(join(out, 'meta', 'spatialgen_episodes.jsonl'));
  assert.deepEqual(mapping.map((m) => [m.episode_index, m.episode_id, m.split]), episodes.map((e, i) => [i, e.id, e.split]));
  return info;
}

/** Every feature of a stats.json has q01 ≤ q10 ≤ q50 ≤ q90 ≤ q99 within [min, max], shaped as min (images [3][1][1]). */
function checkQuantiles(stats: Row): void {
  const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
  for (const [key, st] of Object.entries(stats)) {
    const order = ['min', 'q01', 'q10', 'q50', 'q90', 'q99', 'max'].map((k) => flat(st[k]));
    for (const k of ['q01', 'q10', 'q50', 'q90', 'q99']) assert.equal(JSON.stringify(st[k]).replace(/[-\d.e]+/g, '0'), JSON.stringify(st.min).replace(/[-\d.e]+/g, '0'), `${key} ${k} shaped as min`);
    for (let i = 1; i < order.length; i++) order[i].forEach((v, j) => assert.ok(v >= order[i - 1][j] - 1e-9, `${key}: quantiles in order`));
  }
}

/** An exported episode's parquet rows against its source rows: the same values at float32 precision. */
function checkRows(rows: Row[], i: number, firstIndex: number, fps: number): void {
  const src = episodes[i].rows;
  assert.equal(rows.length, sourceLengths()[i], `episode ${i} frames`);
  rows.forEach((r, f) => {
    const what = `episode ${i} frame ${f}`;
    same(r.action, f32(src[f].action), `${what} action`);
    same(r['observation.state'], f32(src[f]['observation.state']), `${what} observation.state`);
    same(r['observation.eef_pose'], f32(src[f]['observation.eef_pose']), `${what} observation.eef_pose`);
    same(r['annotations.trace_3d'], f32(src[f]['annotations.trace_3d'].flat()), `${what} annotations.trace_3d`);
    assert.equal(num(r.frame_index), f);
    assert.equal(num(r.episode_index), i);
    assert.equal(num(r.index), firstIndex + f);
    assert.equal(r.timestamp, Math.fround(f / fps));
  });
}

/** The repo's LeRobot reader opens the export and decodes every frame of every episode; a calibrated convert too. */
async function roundTrip(out: string, format: 'lerobot-v2' | 'lerobot-v3'): Promise<void> {
  const ds = await openDataset(out, 'auto', { imageFormat: 'png' });
  assert.equal(ds.format, format);
  assert.equal(ds.episodeCount, episodes.length);
  const lengths = sourceLengths();
  for (let i = 0; i < ds.episodeCount; i++) {
    const ep = await ds.episode(i);
    assert.equal(ep.length, lengths[i]);
    assert.equal(ep.instruction, episodes[i].rows[0].instruction);
    for (const cam of ep.cameras) {
      const frames = await cam.frames(Array.from({ length: ep.length }, (_, f) => f));
      assert.equal(frames.length, lengths[i]);
      // the decoded video frame is the stored JPEG up to compression
      const f = Math.floor(ep.length / 2);
      const a = await sharp(frames[f].bytes).removeAlpha().raw().toBuffer();
      const b = await sharp(episodes[i].rows[f][cam.key].bytes).removeAlpha().raw().toBuffer();
      const mad = a.reduce((s, v, k) => s + Math.abs(v - b[k]), 0) / a.length;
      assert.ok(mad < 6, `${cam.key} episode ${i} frame ${f}: mean abs difference ${mad.toFixed(2)}`);
    }
  }
  // calibration from the dataset's own cameras (first frame's K / T) and the TCP at trace_3d[0..2]
  const first = episodes[0].rows[0];
  const rows = (m: number[], n: number) => Array.from({ length: n }, (_, r) => m.slice(r * n, r * n + n));
  const cameras = Object.fromEntries(manifest.stage2_layout.cameras.map((c: string) => [`observation.images.${c}`, {
    width: 256, height: 256, K: rows(first[`camera.${c}.K`], 3), T_world_to_cam: rows(first[`camera.${c}.T_world_to_cam`], 4),
  }]));
  const calib = join(dirname(out), `${format}-calibration.json`);
  writeFileSync(calib, JSON.stringify({ cameras, eef_position: { field: 'annotations.trace_3d', indices: [0, 1, 2], frame: 'world' } }));
  const r = await runConvert(out, join(dirname(out), `${format}-converted`), { calibration: calib, concurrency: 1 });
  assert.equal(r.manifest.counts.episodes_attempted, episodes.length);
  assert.ok(r.manifest.counts.stage1_samples_by_task_type.trace > 0, 'the exported TCP gives trace samples');
}

describe('export lerobot', () => {
  test('v2.1: info, tasks, episodes, per-episode parquet and mp4, stats; read back by the convert reader', async () => {
    const out = join(root, 'v21');
    const r = spatialgen(['export', 'lerobot', SRC, '--out', out, '--version', 'v2.1']);
    assert.equal(r.status, 0, r.stderr);
    const info = checkInfo(out, 'v2.1');
    const cams = manifest.stage2_layout.cameras as string[];
    assert.equal(info.total_videos, episodes.length * cams.length);
    const eps = jsonl(join(out, 'meta', 'episodes.jsonl'));
    assert.deepEqual(eps.map((e) => e.length), sourceLengths());
    const tasks = jsonl(join(out, 'meta', 'tasks.jsonl'));
    assert.deepEqual(eps.map((e) => e.tasks[0]), episodes.map((e) => e.rows[0].instruction));
    assert.ok(eps.every((e) => tasks.some((t) => t.task === e.tasks[0])));
    const stats = jsonl(join(out, 'meta', 'episodes_stats.jsonl'));
    assert.equal(stats.length, episodes.length);
    assert.deepEqual(stats[0].stats.action.count, [sourceLengths()[0]]);
    assert.equal(stats[0].stats['observation.images.base'].mean.length, 3);
    // quantiles (LeRobot >= 0.4; pi0.5 normalises with them): numpy's linear quantiles of the episode's own values
    const action = episodes[0].rows.map((row) => f32(row.action));
    for (const [k, q] of [['q01', 0.01], ['q10', 0.1], ['q50', 0.5], ['q90', 0.9], ['q99', 0.99]] as const) {
      const got = stats[0].stats.action[k] as number[];
      assert.equal(got.length, 7, k);
      got.forEach((v, j) => {
        const col = action.map((a) => a[j]).sort((a, b) => a - b);
        const pos = q * (col.length - 1), lo = Math.floor(pos), hi = Math.min(col.length - 1, lo + 1);
        assert.ok(Math.abs(v - (col[lo] + (col[hi] - col[lo]) * (pos - lo))) < 1e-6, `${k}[${j}]`);
      });
    }
    checkQuantiles(json(join(out, 'meta', 'stats.json')));
    let first = 0;
    for (let i = 0; i < episodes.length; i++) {
      const name = `episode_${String(i).padStart(6, '0')}`;
      checkRows(await parquet(join(out, 'data', 'chunk-000', `${name}.parquet`)), i, first, info.fps);
      first += sourceLengths()[i];
      for (const cam of cams) {
        const v = probe(join(out, 'videos', 'chunk-000', `observation.images.${cam}`, `${name}.mp4`));
        assert.deepEqual(v, { frames: sourceLengths()[i], fps: `${info.fps}/1`, codec: 'h264', pix: 'yuv420p', width: 256, height: 256 });
      }
    }
    await roundTrip(out, 'lerobot-v2');
  });

  test('v3.0: episodes share data and video files, from/to timestamps, tasks.parquet; read back by the convert reader', async () => {
    const out = join(root, 'v30');
    const r = spatialgen(['export', 'lerobot', SRC, '--out', out, '--version', 'v3.0']);
    assert.equal(r.status, 0, r.stderr);
    const info = checkInfo(out, 'v3.0');
    const meta = await parquet(join(out, 'meta', 'episodes', 'chunk-000', 'file-000.parquet'));
    assert.deepEqual(meta.map((m) => num(m.length)), sourceLengths());
    // per-episode stats columns, shaped as stats.json: vectors, images [3][1][1], count [frames]
    for (const [i, m] of meta.entries()) {
      assert.deepEqual(m['stats/action/count'].map(num), [sourceLengths()[i]]);
      assert.equal(m['stats/action/q50'].length, 7);
      assert.deepEqual(m['stats/observation.images.base/mean'].map((c: number[][]) => [c.length, c[0].length]), [[1, 1], [1, 1], [1, 1]]);
      const first = episodes[i].rows.map((row) => Math.fround(row.action[0]));
      assert.ok(Math.abs(m['stats/action/mean'][0] - first.reduce((a: number, b: number) => a + b, 0) / first.length) < 1e-6, 'an episode\'s own mean');
    }
    const rows = await parquet(join(out, 'data', 'chunk-000', 'file-000.parquet'));
    assert.equal(rows.length, manifest.counts.frames);
    let before = 0;
    for (let i = 0; i < episodes.length; i++) {
      const m = meta[i];
      checkRows(rows.slice(num(m.dataset_from_index), num(m.dataset_to_index)), i, num(m.dataset_from_index), info.fps);
      // on the file's clock: the frames of the episodes before, then this episode's
      assert.ok(Math.abs(m['videos/observation.images.base/from_timestamp'] - before / info.fps) < 1e-9);
      before += sourceLengths()[i];
      assert.ok(Math.abs(m['videos/observation.images.base/to_timestamp'] - before / info.fps) < 1e-9);
      assert.deepEqual(m.tasks, [episodes[i].rows[0].instruction]);
    }
    for (const cam of manifest.stage2_layout.cameras) {
      const v = probe(join(out, 'videos', `observation.images.${cam}`, 'chunk-000', 'file-000.mp4'));
      assert.equal(v.frames, manifest.counts.frames);
      assert.equal(v.fps, `${info.fps}/1`);
    }
    const tasks = await parquet(join(out, 'meta', 'tasks.parquet'));
    assert.deepEqual(tasks.map((x) => num(x.task_index)), tasks.map((_, i) => i));
    assert.equal(tasks.length, info.total_tasks);
    checkQuantiles(json(join(out, 'meta', 'stats.json')));
    // the data file carries HF features, so fixed-size vectors read back fixed-size
    const footer = await parquetMetadataAsync(await asyncBufferFromFile(join(out, 'data', 'chunk-000', 'file-000.parquet')));
    const hf = JSON.parse(footer.key_value_metadata!.find((kv) => kv.key === 'huggingface')!.value!).info.features;
    assert.deepEqual(hf.action, { feature: { dtype: 'float32', _type: 'Value' }, length: 7, _type: 'Sequence' });
    assert.deepEqual(hf.episode_index, { dtype: 'int64', _type: 'Value' });
    for (const [key, f] of Object.entries(info.features as Record<string, Row>)) {
      if (f.dtype === 'video') assert.ok(!(key in hf));
      else if (f.shape[0] > 1) assert.equal(hf[key].length, f.shape[0], key);
    }
    await roundTrip(out, 'lerobot-v3');
  });

  test('v3.0 with small files: episodes spread over several data and video files, each read back', async () => {
    const out = join(root, 'v30-split');
    const r = await exportLerobot(SRC, out, { version: 'v3.0', framesPerFile: 50 });
    assert.equal(r.episodes, episodes.length);
    const meta = await parquet(join(out, 'meta', 'episodes', 'chunk-000', 'file-000.parquet'));
    assert.ok(new Set(meta.map((m) => num(m['data/file_index']))).size > 1, 'several data files');
    for (const m of meta) {
      const f = String(num(m['data/file_index'])).padStart(3, '0');
      const rows = await parquet(join(out, 'data', 'chunk-000', `file-${f}.parquet`));
      assert.equal(rows.filter((x) => num(x.episode_index) === num(m.episode_index)).length, num(m.length));
    }
    const ds = await openDataset(out, 'auto', { imageFormat: 'png' });
    for (let i = 0; i < ds.episodeCount; i++) {
      const ep = await ds.episode(i);
      assert.equal((await ep.cameras[0].frames([0, ep.length - 1])).length, 2);
    }
  });

  test('bad input: one line on stderr naming the place, non-zero exit, nothing at --out', () => {
    const bad = (args: string[], out: string, says: RegExp) => {
      const r = spatialgen(['export', 'lerobot', ...args, '--out', out]);
      assert.notEqual(r.status, 0, `exit status of ${args.join(' ')}`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], says);
      return r;
    };
    const notDataset = join(root, 'not-a-dataset');
    mkdirSync(notDataset);
    bad([notDataset], join(root, 'o1'), /not-a-dataset: not a spatialgen dataset \(no manifest\.json\)/);
    assert.equal(existsSync(join(root, 'o1')), false);
    bad([join(root, 'missing')], join(root, 'o2'), /missing: dataset directory does not exist/);
    bad([SRC, '--version', 'v9'], join(root, 'o3'), /--version: unknown LeRobot version "v9"/);
    assert.equal(existsSync(join(root, 'o3')), false);
    const full = join(root, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'keep.txt'), 'x');
    bad([SRC], full, /full: --out is not empty and holds no spatialgen dataset/);
    assert.deepEqual(readdirSync(full), ['keep.txt']);
    // a dataset whose manifest lists no stage-2 shards
    const noStage2 = join(root, 'no-stage2');
    mkdirSync(noStage2);
    writeFileSync(join(noStage2, 'manifest.json'), JSON.stringify({ ...manifest, shards: manifest.shards.filter((s: Row) => s.kind !== 'stage2') }));
    bad([noStage2], join(root, 'o4'), /no-stage2\/stage2: no stage-2 episodes/);
    assert.equal(existsSync(join(root, 'o4')), false);
    // no temp folders left next to any --out
    assert.deepEqual(readdirSync(root).filter((n) => n.startsWith('.')), []);
  });
});
