// Dataset writer: fragments → packed shards, read back with flechette (not the apache-arrow writer's own reader).
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DataType, Field } from '@uwdata/flechette';
import { stage2Schema } from '../schemas/stage2.js';
import {
  packDataset,
  planShards,
  readFragment,
  writeFragment,
  type Manifest,
  type PackOptions,
} from '../export/index.js';
import { readArrowStream, isIpcStream } from './helpers/arrow-read.js';
import { CAMERAS, OUTPUTS, depthPng, f32, f32s, filesOf, jpeg, makeImages, png, sha } from './helpers/fragment-fixtures.js';

/** Every field and nested child nullable, every list child named `item`. */
function checkNested(f: Field, path: string): void {
  assert.ok(f.nullable, `${path} nullable`);
  const t = f.type as DataType & { children?: Field[] };
  if (t.typeId === 12 || t.typeId === 16) assert.equal(t.children![0].name, 'item', `${path} list child name`);
  for (const c of t.children ?? []) checkNested(c, `${path}.${c.name}`);
}

const IMAGE = 'struct<bytes: binary, path: string>';
const F = (n: number) => `fixed_size_list<item: float>[${n}]`;
const BOX = `struct<label: string, object_id: int32, bbox_tight: ${F(4)}, bbox_amodal: ${F(4)}, occlusion: float>`;

const STAGE2_TYPES: [string, string][] = [
  ['episode_id', 'string'],
  ['episode_index', 'int64'],
  ['frame_index', 'int64'],
  ['timestamp', 'float'],
  ['task', 'string'],
  ['instruction', 'string'],
  ['spatial_prompt', 'string'],
  ['observation.images.base', IMAGE],
  ['observation.images.wrist', IMAGE],
  ['observation.depth.base', IMAGE],
  ['observation.state', 'list<item: float>'],
  ['observation.eef_pose', F(7)],
  ['robot.base_pose', F(7)],
  ['action', F(7)],
  ['action.joint_position', 'list<item: float>'],
  ['camera.base.K', F(9)],
  ['camera.base.T_world_to_cam', F(16)],
  ['camera.wrist.K', F(9)],
  ['camera.wrist.T_world_to_cam', F(16)],
  ['annotations.base.boxes', `list<item: ${BOX}>`],
  ['annotations.wrist.boxes', `list<item: ${BOX}>`],
  ['annotations.trace_3d', `list<item: ${F(3)}>`],
  ['annotations.base.trace_2d', `list<item: ${F(2)}>`],
  ['annotations.wrist.trace_2d', `list<item: ${F(2)}>`],
  ['annotations.grasp_point_3d', F(3)],
  ['annotations.place_point_3d', F(3)],
  ['annotations.base.grasp_point', F(2)],
  ['annotations.base.place_point', F(2)],
  ['annotations.wrist.grasp_point', F(2)],
  ['annotations.wrist.place_point', F(2)],
];

const REFERRING = 'struct<object_id: int64, text: string, frame: string, noun: string, color: string, size: string, position: string, relation: string, reference_id: int64, reference_noun: string, reference_color: string>';

const STAGE1_TYPES: [string, string][] = [
  ['id', 'string'],
  ['source', 'string'],
  ['episode_id', 'string'],
  ['frame_index', 'int64'],
  ['camera', 'string'],
  ['image', IMAGE],
  ['width', 'int64'],
  ['height', 'int64'],
  ['task_type', 'string'],
  ['conversations', 'list<item: struct<from: string, value: string>>'],
  ['coord_format', 'string'],
  ['boxes', `list<item: struct<label: string, bbox_2d: ${F(4)}>>`],
  ['points', `list<item: struct<label: string, point_2d: ${F(2)}>>`],
  ['trace', `list<item: ${F(2)}>`],
  ['template', 'string'],
  ['phrasing_split', 'string'],
  ['referring', `list<item: ${REFERRING}>`],
];

const EPISODE_TYPES: [string, string][] = [
  ['episode_id', 'string'],
  ['episode_index', 'int64'],
  ['seed', 'int64'],
  ['split', 'string'],
  ['task', 'string'],
  ['instruction', 'string'],
  ['assets', 'list<item: string>'],
  ['distractors', 'list<item: string>'],
  ['success', 'bool'],
  ['failure_reason', 'string'],
  ['num_frames', 'int64'],
  ['content_hash', 'string'],
  ['environment', 'struct<map: string, map_rotation: double, map_intensity: double, background: string, background_rgb: list<item: double>, table: string, table_size: list<item: double>, table_pattern_seed: int64, table_roughness: double, table_drop: double, sun_direction: list<item: double>, sun_intensity: double, sun_kelvin: double, shadow_edge: double, fill_intensity: double, exposure: double>'],
  ['language', `struct<instruction_template: string, instruction_split: string, spatial_prompt_template: string, spatial_prompt_split: string, referring: list<item: ${REFERRING}>>`],
];

describe('dataset writer', () => {
  let root: string;
  let work: string;
  let out: string;
  let manifest: Manifest;
  const packOpts = (workDir: string): PackOptions => ({
    workDir,
    config: { preset: 'test', seed: 7, cameras: CAMERAS },
    codeVersion: { name: 'spatialgen', version: '0.0.0-test', git_commit: null },
    rowsPerShard: { stage1: 3, stage2: 4 },
    extra: { skipped_assets: { no_collision_mesh: ['lamp@123'] } },
  });

  before(async () => {
    await makeImages();
    root = mkdtempSync(join(tmpdir(), 'sg-shards-'));
    work = join(root, 'work');
    out = join(root, 'out');
    // completion order differs from episode order: packing must not care
    for (const o of [3, 0, 2, 1].map((i) => OUTPUTS()[i])) await writeFragment(work, o);
    manifest = (await packDataset(out, packOpts(work))).manifest;
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('fragments: same episode → same bytes, content_hash = sha256(stage1 ‖ stage2), rows round-trip', async () => {
    const o = OUTPUTS()[0];
    const a = join(root, 'fa');
    const b = join(root, 'fb');
    const ia = await writeFragment(a, o);
    await writeFragment(b, o);
    await writeFragment(b, o);
    assert.deepEqual(filesOf(join(a, 'fragments')), filesOf(join(b, 'fragments')));
    const s1 = readFileSync(join(a, 'fragments', 'ep0000.stage1.arrow'));
    const s2 = readFileSync(join(a, 'fragments', 'ep0000.stage2.arrow'));
    assert.equal(ia.episode.content_hash, createHash('sha256').update(s1).update(s2).digest('hex'));
    assert.ok(isIpcStream(new Uint8Array(s2)));
    const back = await readFragment(a, 'ep0000');
    assert.ok(back);
    assert.equal(back.frames.length, 5);
    assert.deepEqual(back.frames[1].eef_pose, f32s(o.frames[1].eef_pose));
    assert.deepEqual(back.frames[1].cameras.base.depth?.bytes, depthPng);
    assert.equal(back.frames[1].cameras.wrist.depth, undefined);
    assert.equal(back.frames[1].grasp_point_3d, null);
    assert.deepEqual(back.samples.map((s) => s.id), o.samples.map((s) => s.id));
    assert.equal(await readFragment(a, 'nope'), null);
    // a caller-provided hash is kept
    const kept = await writeFragment(join(root, 'fc'), { ...o, episode: { ...o.episode, content_hash: 'given' } });
    assert.equal(kept.episode.content_hash, 'given');
  });

  it('manifest: counts, splits, extra fields, shards whose rows/bytes/sha256 match the files', () => {
    assert.equal(manifest.counts.episodes_attempted, 4);
    assert.equal(manifest.counts.episodes_succeeded, 3);
    assert.equal(manifest.counts.episodes_failed, 1);
    assert.equal(manifest.counts.frames, 12);
    assert.equal(manifest.counts.stage1_samples, 12);
    assert.deepEqual(manifest.counts.failure_reasons, { grasp_missed: 1 });
    const byType = manifest.counts.stage1_samples_by_task_type;
    assert.equal(byType.box + byType.point + byType.trace, 12);
    assert.equal(byType.relation, 0);
    assert.deepEqual(Object.keys(manifest.splits), ['train', 'validation']);
    assert.deepEqual(manifest.splits.train, { episodes: 3, episodes_succeeded: 2, frames: 9, stage1_samples: 9 });
    assert.deepEqual(manifest.skipped_assets, {
      no_collision_mesh: ['lamp@123'],
    });
    assert.deepEqual(
      manifest.shards.map((s) => `${s.path}:${s.rows}`),
      [
        'stage1/train-00000-of-00003.arrow:3',
        'stage1/train-00001-of-00003.arrow:3',
        'stage1/train-00002-of-00003.arrow:3',
        'stage2/train-00000-of-00003.arrow:4',
        'stage2/train-00001-of-00003.arrow:4',
        'stage2/train-00002-of-00003.arrow:1',
        'stage1/validation-00000-of-00001.arrow:3',
        'stage2/validation-00000-of-00001.arrow:3',
      ],
    );
    for (const s of [...manifest.shards, ...manifest.files]) {
      const bytes = new Uint8Array(readFileSync(join(out, s.path)));
      assert.equal(bytes.byteLength, s.bytes, s.path);
      assert.equal(sha(bytes), s.sha256, s.path);
      if (s.path.endsWith('.arrow')) assert.equal(readArrowStream(join(out, s.path)).numRows, s.rows, s.path);
    }
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    assert.equal(m.format_version, 1);
    assert.equal(typeof m.build_id, 'string');
    assert.deepEqual(m.config, packOpts(work).config);
    assert.equal(m.code_version.version, '0.0.0-test');
  });

  for (const [kind, expected] of [
    ['stage1', STAGE1_TYPES],
    ['stage2', STAGE2_TYPES],
  ] as const) {
    it(`${kind} shards: SPEC columns and types, nullable, list children "item", HF features`, () => {
      for (const s of manifest.shards.filter((x) => x.kind === kind)) {
        const t = readArrowStream(join(out, s.path));
        assert.deepEqual(Object.entries(t.types), expected, s.path);
        for (const f of t.fields) checkNested(f, f.name);
        assert.ok(t.huggingface, 'huggingface metadata');
        assert.deepEqual(Object.keys(t.huggingface.info.features), t.names);
      }
    });
  }

  it('HF features JSON has the datasets 2.x/3.x shapes', () => {
    const f = readArrowStream(join(out, 'stage2/train-00000-of-00003.arrow')).huggingface!.info.features;
    const value = (dtype: string) => ({ dtype, _type: 'Value' });
    const seq = (feature: unknown, length?: number) => ({ feature, ...(length ? { length } : {}), _type: 'Sequence' });
    assert.deepEqual(f['observation.images.base'], { _type: 'Image' });
    assert.deepEqual(f['observation.depth.base'], { _type: 'Image' });
    assert.deepEqual(f.episode_index, value('int64'));
    assert.deepEqual(f.timestamp, value('float32'));
    assert.deepEqual(f.task, value('string'));
    assert.deepEqual(f.action, seq(value('float32'), 7));
    assert.deepEqual(f['observation.state'], seq(value('float32')));
    assert.deepEqual(f['annotations.trace_3d'], seq(seq(value('float32'), 3)));
    assert.deepEqual(f['annotations.base.boxes'], [
      {
        label: value('string'),
        object_id: value('int32'),
        bbox_tight: seq(value('float32'), 4),
        bbox_amodal: seq(value('float32'), 4),
        occlusion: value('float32'),
      },
    ]);
    const raw = readArrowStream(join(out, 'stage2/train-00000-of-00003.arrow')).table.schema.metadata!.get('huggingface')!;
    assert.ok(raw.startsWith('{"info": {"features": {"episode_id": {"dtype": "string", "_type": "Value"}'), raw.slice(0, 80));
  });

  it('stage-2 values round-trip: float32, nulls, image bytes, episode_index order across shards', () => {
    const rows = manifest.shards
      .filter((s) => s.kind === 'stage2' && s.split === 'train')
      .flatMap((s) => readArrowStream(join(out, s.path)).rows());
    const src = OUTPUTS()
      .filter((o) => o.episode.split === 'train' && o.episode.success)
      .flatMap((o) => o.frames);
    assert.equal(rows.length, src.length);
    rows.forEach((r, i) => {
      const f = src[i];
      assert.equal(r.episode_id, f.episode_id);
      assert.equal(r.episode_index, f.episode_index);
      assert.equal(r.frame_index, f.frame_index);
      assert.equal(r.timestamp, f32(f.timestamp));
      assert.equal(r.instruction, f.instruction);
      assert.deepEqual(r['observation.state'], f32s(f.state));
      assert.deepEqual(r['observation.eef_pose'], f32s(f.eef_pose));
      assert.deepEqual(r.action, f32s(f.action));
      assert.deepEqual(r['action.joint_position'], f32s(f.action_joint_position));
      assert.deepEqual(r['camera.wrist.T_world_to_cam'], f32s(f.cameras.wrist.T_world_to_cam));
      const img = r['observation.images.base'] as { bytes: Uint8Array; path: string | null };
      assert.deepEqual(img.bytes, png);
      assert.equal(img.path, null);
      assert.deepEqual((r['observation.images.wrist'] as { bytes: Uint8Array }).bytes, jpeg);
      assert.deepEqual(r['observation.depth.base'], { bytes: depthPng, path: `depth_${f.frame_index}.png` });
      const boxes = r['annotations.base.boxes'] as Record<string, unknown>[];
      assert.equal(boxes.length, 2);
      assert.deepEqual(boxes[0].bbox_tight, f32s(f.cameras.base.boxes[0].bbox_tight));
      assert.equal(boxes[1].bbox_tight, null);
      assert.equal(boxes[1].object_id, 7);
      assert.equal(boxes[0].occlusion, f32(0.1));
      assert.deepEqual(r['annotations.wrist.boxes'], []);
      assert.deepEqual(r['annotations.trace_3d'], f.trace_3d.map(f32s));
      assert.deepEqual(r['annotations.base.trace_2d'], f.cameras.base.trace_2d.map(f32s));
      assert.deepEqual(r['annotations.grasp_point_3d'], f32s(f.grasp_point_3d));
      assert.equal(r['annotations.place_point_3d'], null);
      assert.deepEqual(r['annotations.base.grasp_point'], f32s(f.cameras.base.grasp_point));
    });
  });

  it('stage-1 values round-trip', () => {
    const rows = manifest.shards
      .filter((s) => s.kind === 'stage1')
      .flatMap((s) => readArrowStream(join(out, s.path)).rows());
    const src = ['train', 'validation'].flatMap((sp) =>
      OUTPUTS()
        .filter((o) => o.episode.split === sp)
        .flatMap((o) => o.samples),
    );
    assert.deepEqual(
      rows.map((r) => r.id),
      src.map((s) => s.id),
    );
    rows.forEach((r, i) => {
      const s = src[i];
      assert.deepEqual((r.image as { bytes: Uint8Array }).bytes, s.image.bytes);
      assert.equal(r.width, 8);
      assert.equal(r.task_type, s.task_type);
      assert.deepEqual(r.conversations, s.conversations);
      assert.deepEqual(r.boxes, s.boxes.map((b) => ({ label: b.label, bbox_2d: f32s(b.bbox_2d) })));
      assert.deepEqual(r.points, s.points.map((p) => ({ label: p.label, point_2d: f32s(p.point_2d) })));
      assert.deepEqual(r.trace, s.trace.map(f32s));
    });
  });

  it('episodes.arrow lists every attempted episode, failed ones with their reason', () => {
    const t = readArrowStream(join(out, 'episodes.arrow'));
    assert.deepEqual(Object.entries(t.types), EPISODE_TYPES);
    for (const f of t.fields) checkNested(f, f.name);
    assert.deepEqual(Object.keys(t.huggingface!.info.features), t.names);
    const rows = t.rows();
    assert.deepEqual(rows.map((r) => r.episode_index), [0, 1, 2, 3]);
    assert.equal(rows[1].success, false);
    assert.equal(rows[1].failure_reason, 'grasp_missed');
    assert.equal(rows[1].num_frames, 0);
    assert.equal(rows[0].failure_reason, null);
    assert.equal(rows[2].seed, 4_000_000_002);
    assert.deepEqual(rows[0].assets, ['cube@abc', 'mug@def']);
    assert.deepEqual(rows[0].distractors, ['mug@def']);
    for (const r of rows) assert.match(r.content_hash as string, /^[0-9a-f]{64}$/);
    // the surroundings round-trip exactly (float64), and a failed episode without a scene has none
    assert.equal(rows[1].environment, null);
    const env = JSON.parse(JSON.stringify(rows[2].environment));
    assert.deepEqual(env, OUTPUTS()[2].episode.environment);
  });

  it('stats.json: per-element min/max/mean/std/q01/q99 of numeric stage-2 features', () => {
    const stats = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8'));
    for (const k of ['timestamp', 'frame_index', 'observation.state', 'observation.eef_pose', 'robot.base_pose', 'action', 'action.joint_position']) {
      assert.ok(stats[k], k);
      for (const q of ['min', 'max', 'mean', 'std', 'q01', 'q99', 'count']) assert.ok(Array.isArray(stats[k][q]), `${k}.${q}`);
    }
    assert.equal(stats.action.min.length, 7);
    assert.equal(stats['observation.state'].mean.length, 8);
    assert.equal(stats['annotations.trace_3d'].count[0], 12 * 10);
    assert.equal(stats['observation.images.base'], undefined);
    // independent computation for timestamp over all packed frames (numpy linear quantiles, population std)
    const ts = OUTPUTS()
      .filter((o) => o.episode.success)
      .flatMap((o) => o.frames.map((f) => f32(f.timestamp)))
      .sort((a, b) => a - b);
    const mean = ts.reduce((a, b) => a + b, 0) / ts.length;
    const std = Math.sqrt(ts.reduce((a, b) => a + (b - mean) ** 2, 0) / ts.length);
    const q = (p: number) => {
      const h = (ts.length - 1) * p;
      const lo = Math.floor(h);
      return ts[lo] + (h - lo) * (ts[Math.min(lo + 1, ts.length - 1)] - ts[lo]);
    };
    const s = stats.timestamp;
    assert.deepEqual([s.min[0], s.max[0], s.count[0]], [ts[0], ts[ts.length - 1], 12]);
    assert.ok(Math.abs(s.mean[0] - mean) < 1e-12 && Math.abs(s.std[0] - std) < 1e-12);
    assert.ok(Math.abs(s.q01[0] - q(0.01)) < 1e-12 && Math.abs(s.q99[0] - q(0.99)) < 1e-12);
    assert.deepEqual(stats['robot.base_pose'].std, [0, 0, 0, 0, 0, 0, 0]);
  });

  it('no temp files; packing twice and packing fragments written in another order give identical bytes', async () => {
    const first = filesOf(out);
    assert.deepEqual(
      Object.keys(first).filter((p) => p.split('/').some((n) => n.startsWith('.'))),
      [],
    );
    await packDataset(out, packOpts(work));
    assert.deepEqual(filesOf(out), first);
    const work2 = join(root, 'work2');
    for (const o of OUTPUTS()) await writeFragment(work2, o);
    const out2 = join(root, 'out2');
    await packDataset(out2, packOpts(work2));
    assert.deepEqual(filesOf(out2), first);
  });

  it('a re-run after a crash removes temp files and stale shards and gives the same result', async () => {
    const first = filesOf(out);
    rmSync(join(out, 'manifest.json'));
    writeFileSync(join(out, 'stage2', '.train-00000-of-00003.arrow.99.deadbeef.tmp'), 'half a shard');
    writeFileSync(join(out, '.manifest.json.99.cafe.tmp'), '{');
    writeFileSync(join(out, 'stage1', 'train-00000-of-00007.arrow'), 'stale');
    await packDataset(out, packOpts(work));
    assert.deepEqual(filesOf(out), first);
  });

  it('a split without rows gets no shard (HF rejects 0-row splits) but is listed; stage2Schema options', async () => {
    const out3 = join(root, 'out3');
    const m = (await packDataset(out3, { ...packOpts(work), splits: ['train', 'validation', 'test'] })).manifest;
    assert.deepEqual(m.shards.filter((s) => s.split === 'test'), []);
    assert.deepEqual(m.splits.test, { episodes: 0, episodes_succeeded: 0, frames: 0, stage1_samples: 0 });
    assert.deepEqual(Object.keys(m.splits), ['train', 'validation', 'test']);
    const names = stage2Schema(['cam_a'], { segmentation: true }).fields.map((f) => f.name);
    assert.ok(names.includes('observation.segmentation.cam_a') && !names.some((n) => n.startsWith('observation.depth')));
    assert.throws(() => stage2Schema(['a.b']));
  });

  it('planShards: row limit, byte target, empty input', () => {
    assert.deepEqual(planShards([{ rows: 5, bytes: 50 }, { rows: 4, bytes: 40 }], { rowsPerShard: 4 }), [4, 4, 1]);
    assert.deepEqual(planShards([{ rows: 6, bytes: 600 }], { rowsPerShard: 100, targetShardBytes: 250 }), [2, 2, 2]);
    assert.deepEqual(planShards([{ rows: 2, bytes: 2000 }], { rowsPerShard: 100, targetShardBytes: 10 }), [1, 1]);
    assert.deepEqual(planShards([], { rowsPerShard: 4 }), []);
    assert.deepEqual(planShards([{ rows: 0, bytes: 900 }], { rowsPerShard: 4 }), []);
  });
});
