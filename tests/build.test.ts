// The first end-to-end build (issue 2): a smoke dataset made by the CLI with the real renderer and physics, then
// read back with flechette (an Arrow reader independent of the writer) and checked against SPEC geometry.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { decodeGray16 } from '../generators/encode/images.js';
import { FIRST_ROBOT_LINK_ID } from '../core/scene.js';
import { readArrowStream } from './helpers/arrow-read.js';
import { parseBuildConfig } from '../schemas/config.js';
import { sampleScene } from '../generators/scene/sample.js';
import { episodeEnvironment } from '../generators/episode/run.js';
import { environmentMaps, tableSurfaces } from '../assets/environments.js';
import { Rng } from '../core/random.js';
import { type Quat, type Vec3, add, rotate } from '../core/math.js';
import { spatialgen, tempDir } from './helpers/build-fixture.js';

type Row = Record<string, any>;

const root = tempDir('build');
const one = join(root, 'w1');
const two = join(root, 'w2');
let manifest: any;

function project(K: number[], T: number[], p: number[]): [number, number] {
  const c = [0, 1, 2].map((r) => T[r * 4] * p[0] + T[r * 4 + 1] * p[1] + T[r * 4 + 2] * p[2] + T[r * 4 + 3]);
  return [(K[0] * c[0] + K[1] * c[1] + K[2] * c[2]) / c[2], (K[3] * c[0] + K[4] * c[1] + K[5] * c[2]) / c[2]];
}

function shardRows(dir: string, kind: 'stage1' | 'stage2'): Row[] {
  return readdirSync(join(dir, kind)).sort().flatMap((f) => readArrowStream(join(dir, kind, f)).rows());
}

describe('smoke build', () => {
  before(() => {
    const a = spatialgen(['build', '--preset', 'smoke', '--out', one, '--episodes', '2', '--no-progress']);
    assert.equal(a.status, 0, a.stderr);
    const b = spatialgen(['build', '--preset', 'smoke', '--out', two, '--episodes', '2', '--workers', '2', '--no-progress']);
    assert.equal(b.status, 0, b.stderr);
    manifest = JSON.parse(readFileSync(join(one, 'manifest.json'), 'utf8'));
  });

  test('the dataset has the SPEC layout and nothing half-written', () => {
    for (const f of ['manifest.json', 'episodes.arrow', 'stats.json', 'stage1', 'stage2']) assert.ok(existsSync(join(one, f)), f);
    for (const kind of ['stage1', 'stage2']) {
      for (const f of readdirSync(join(one, kind))) assert.match(f, /^[a-z_]+-\d{5}-of-\d{5}\.arrow$/);
    }
    assert.ok(!existsSync(join(one, '.work')), 'work directory removed after packing');
  });

  test('every shard reads back with the manifest row count, SPEC columns and HF features', () => {
    assert.ok(manifest.shards.length >= 2);
    for (const s of manifest.shards) {
      const t = readArrowStream(join(one, s.path));
      assert.equal(t.numRows, s.rows, s.path);
      assert.ok(t.huggingface, `${s.path} has huggingface metadata`);
      for (const n of t.names) assert.ok(n in t.huggingface!.info.features, `${n} in HF features`);
      if (s.path.startsWith('stage2/')) {
        for (const c of ['episode_id', 'episode_index', 'frame_index', 'timestamp', 'task', 'instruction', 'spatial_prompt',
          'observation.images.base', 'observation.images.side', 'observation.depth.base', 'observation.segmentation.side',
          'observation.state', 'observation.eef_pose', 'robot.base_pose', 'action', 'action.joint_position',
          'camera.base.K', 'camera.side.T_world_to_cam', 'annotations.base.boxes', 'annotations.trace_3d',
          'annotations.side.trace_2d', 'annotations.grasp_point_3d', 'annotations.place_point_3d', 'annotations.base.grasp_point']) {
          assert.ok(t.names.includes(c), `stage2 column ${c}`);
        }
        assert.equal(t.types['observation.eef_pose'], 'fixed_size_list<item: float>[7]');
        assert.equal(t.types['camera.base.K'], 'fixed_size_list<item: float>[9]');
      } else {
        for (const c of ['id', 'source', 'episode_id', 'frame_index', 'camera', 'image', 'width', 'height', 'task_type', 'conversations', 'coord_format', 'boxes', 'points', 'trace', 'template', 'phrasing_split', 'referring']) {
          assert.ok(t.names.includes(c), `stage1 column ${c}`);
        }
      }
    }
    const episodes = readArrowStream(join(one, 'episodes.arrow'));
    assert.equal(episodes.numRows, 2);
    assert.equal(manifest.counts.episodes_attempted, 2);
    // every choice of surroundings and light is recorded as the episode's own scene stream draws it, from the built-in
    // maps and table surfaces of the split
    const config = parseBuildConfig(manifest.config, 'manifest');
    for (const e of episodes.rows()) {
      const scene = sampleScene(config, new Rng(Number(e.seed)).fork('scene'));
      const recorded = JSON.parse(JSON.stringify(e.environment));
      assert.deepEqual(recorded, JSON.parse(JSON.stringify(episodeEnvironment(scene))));
      assert.ok(environmentMaps('train').includes(recorded.map), recorded.map);
      assert.ok(tableSurfaces('train').some((t) => t.name === recorded.table), recorded.table);
      assert.equal(recorded.background, 'map');
    }
  });

  test('every tight box encloses exactly its object\'s id pixels', async () => {
    let checked = 0;
    for (const row of shardRows(one, 'stage2')) {
      for (const cam of ['base', 'side']) {
        const seg = await decodeGray16(row[`observation.segmentation.${cam}`].bytes);
        for (const b of row[`annotations.${cam}.boxes`] as Row[]) {
          let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
          for (let y = 0; y < seg.height; y++) for (let x = 0; x < seg.width; x++) {
            if (seg.data[y * seg.width + x] !== b.object_id) continue;
            x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
          }
          if (x1 < 0) {
            assert.equal(b.bbox_tight, null, 'no visible pixel → no tight box');
            continue;
          }
          assert.deepEqual(Array.from(b.bbox_tight as number[]), [x0, y0, x1 + 1, y1 + 1], `${b.label} in ${cam}`);
          const a = Array.from(b.bbox_amodal as number[]);
          assert.ok(a[0] <= x0 + 1 && a[1] <= y0 + 1 && a[2] >= x1 && a[3] >= y1, `amodal box of ${b.label} contains its visible pixels`);
          assert.ok(b.occlusion >= 0 && b.occlusion <= 1);
          checked++;
        }
      }
    }
    assert.ok(checked > 50, `checked ${checked} boxes`);
  });

  test('trace points project from their 3D points; actions are the TCP change; depth is metric', async () => {
    const rows = shardRows(one, 'stage2');
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      const trace3d = (r['annotations.trace_3d'] as number[][]).map((p) => Array.from(p));
      assert.equal(trace3d.length, 10);
      assert.deepEqual(trace3d[0].map((v) => +v.toFixed(4)), Array.from(r['observation.eef_pose'] as number[]).slice(0, 3).map((v) => +v.toFixed(4)), 'trace starts at this frame\'s TCP (base = world here)');
      for (const cam of ['base', 'side']) {
        const K = Array.from(r[`camera.${cam}.K`] as number[]);
        const T = Array.from(r[`camera.${cam}.T_world_to_cam`] as number[]);
        const t2 = r[`annotations.${cam}.trace_2d`] as number[][];
        trace3d.forEach((p, j) => {
          const [u, v] = project(K, T, p);
          assert.ok(Math.abs(u - t2[j][0]) < 1e-3 && Math.abs(v - t2[j][1]) < 1e-3, `trace point ${j} of frame ${r.frame_index} in ${cam}`);
        });
      }
      const next = rows[i + 1];
      if (next && next.episode_id === r.episode_id) {
        const a = Array.from(r.action as number[]);
        const p0 = Array.from(r['observation.eef_pose'] as number[]);
        const p1 = Array.from(next['observation.eef_pose'] as number[]);
        for (let k = 0; k < 3; k++) assert.ok(Math.abs(a[k] - (p1[k] - p0[k])) < 1e-4, `action[${k}] of frame ${r.frame_index}`);
      }
    }
    // depth under an object's pixels is its distance along the optical axis, within a few cm of its centre's
    const r = rows[0];
    const depth = await decodeGray16(r['observation.depth.base'].bytes);
    const seg = await decodeGray16(r['observation.segmentation.base'].bytes);
    const inside = depth.data.filter((_, k) => seg.data[k] >= 3);
    assert.ok(inside.length > 0 && inside.every((mm) => mm > 300 && mm < 1500), 'object depths are 0.3–1.5 m from the base camera');
  });

  test('stage-1 answers agree with their structured coordinates', () => {
    const rows = shardRows(one, 'stage1');
    const types = new Set(rows.map((r) => r.task_type));
    for (const t of ['object_list', 'box', 'point', 'trace', 'relation', 'ref_box', 'ref_point', 'free_point']) assert.ok(types.has(t), `has ${t} samples`);
    for (const r of rows) {
      assert.match(r.conversations[0].value, /^<image>\n/);
      assert.equal(r.coord_format, 'abs:224x224');
      const sx = 224 / r.width, sy = 224 / r.height;
      const answer = JSON.parse(r.conversations[1].value);
      if (r.task_type === 'trace') {
        answer.forEach((p: number[], j: number) => {
          assert.ok(Math.abs(p[0] - r.trace[j][0] * sx) <= 0.5 + 1e-9 && Math.abs(p[1] - r.trace[j][1] * sy) <= 0.5 + 1e-9);
        });
      } else if (r.points.length > 0) {
        answer.forEach((p: any, j: number) => {
          assert.equal(p.label, r.points[j].label);
          assert.ok(Math.abs(p.point_2d[0] - r.points[j].point_2d[0] * sx) <= 0.5 + 1e-9 && Math.abs(p.point_2d[1] - r.points[j].point_2d[1] * sy) <= 0.5 + 1e-9);
        });
      } else {
        assert.equal(answer.length, r.boxes.length);
        answer.forEach((b: any, j: number) => {
          assert.equal(b.label, r.boxes[j].label);
          assert.ok(Math.abs(b.bbox_2d[2] - r.boxes[j].bbox_2d[2] * sx) <= 0.5 + 1e-9);
        });
      }
    }
  });

  test('the same config and seed give byte-identical files on 1 and 2 workers', () => {
    const files = (d: string) => ['manifest.json', 'episodes.arrow', 'stats.json', ...['stage1', 'stage2'].flatMap((k) => readdirSync(join(d, k)).map((f) => `${k}/${f}`))];
    assert.deepEqual(files(one), files(two));
    for (const f of files(one)) assert.ok(readFileSync(join(one, f)).equals(readFileSync(join(two, f))), `${f} identical`);
  });

  test('a malformed config is one clear line and writes nothing', () => {
    const cfg = join(root, 'bad.yaml');
    writeFileSync(cfg, 'episodes: 2\ncameras:\n  - name: base\n    width: 256\n    height: -3\n    fov_y_deg: 50\n    position: [0, 0, 1]\n    target: [0, 0, 0]\n');
    const out = join(root, 'bad-out');
    const r = spatialgen(['build', cfg, '--out', out]);
    assert.notEqual(r.status, 0);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /bad\.yaml: cameras\.0\.height/);
    assert.ok(!existsSync(out), 'no output directory');
  });

  test('an existing dataset is never overwritten', () => {
    const before = readFileSync(join(one, 'manifest.json'));
    const r = spatialgen(['build', '--preset', 'smoke', '--out', one, '--seed', '5']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /already holds a dataset/);
    assert.ok(readFileSync(join(one, 'manifest.json')).equals(before));
  });
});

test('the demo preset records pick-and-place with the arm visible in every camera; the wrist camera rides on the tool', async () => {
  const out = join(root, 'demo');
  // three episodes: the checks below want one that succeeded (the demo preset's first may be a failed attempt)
  const r = spatialgen(['build', '--preset', 'demo', '--out', out, '--episodes', '3', '--no-progress']);
  assert.equal(r.status, 0, r.stderr);
  const episodes = readArrowStream(join(out, 'episodes.arrow')).rows();
  for (const e of episodes) assert.match(String(e.task), /^(pick|place_on|place_in|move_near|stack|push_to)$/);
  const episode = episodes.find((e) => e.success === true && e.task !== 'push_to');
  assert.ok(episode, `a grasping episode succeeded: ${episodes.map((e) => `${e.task} ${e.failure_reason}`).join('; ')}`);
  const rows = shardRows(out, 'stage2').filter((row) => row.episode_id === episode.episode_id);
  assert.equal(rows.length, episode.num_frames);
  assert.ok(rows.some((row) => (row.action as number[])[6] === 1), 'the gripper closes');
  for (const cam of ['base', 'side', 'wrist']) {
    // robot links carry instance ids from 100 on (the wrist camera sees its own fingers)
    const seg = await decodeGray16(rows[Math.floor(rows.length / 2)][`observation.segmentation.${cam}`].bytes);
    const armPixels = seg.data.filter((id) => id >= FIRST_ROBOT_LINK_ID).length;
    assert.ok(armPixels > 200, `arm pixels in ${cam}: ${armPixels}`);
  }

  // the wrist camera rides on the tool: its pose changes with the TCP's and keeps its place on it; every stored
  // trace, grasp and place point satisfies the SPEC formula with that frame's own K and T in front of the camera,
  // and a point behind the camera is null
  const centre = (T: number[]): number[] => [0, 1, 2].map((i) => -(T[i] * T[3] + T[4 + i] * T[7] + T[8 + i] * T[11]));
  const camZ = (T: number[], p: number[]) => T[8] * p[0] + T[9] * p[1] + T[10] * p[2] + T[11];
  const base = Array.from(rows[0]['robot.base_pose'] as number[]);
  const offsets: number[] = [];
  const poses = new Set<string>();
  let inFront = 0, behind = 0;
  for (const row of rows) {
    const K = Array.from(row['camera.wrist.K'] as number[]);
    const T = Array.from(row['camera.wrist.T_world_to_cam'] as number[]);
    poses.add(T.map((v) => v.toFixed(4)).join(','));
    // the TCP in the world: eef_pose is in the base frame, base_pose (position, quaternion) places that frame
    const tcp = add(base.slice(0, 3) as Vec3, rotate(base.slice(3, 7) as Quat, Array.from(row['observation.eef_pose'] as number[]).slice(0, 3) as Vec3));
    offsets.push(Math.hypot(...centre(T).map((c, k) => c - tcp[k])));
    const trace3d = (row['annotations.trace_3d'] as number[][]).map((p) => Array.from(p));
    const t2 = row['annotations.wrist.trace_2d'] as (number[] | null)[];
    const points: [number[] | null, number[] | null][] = [
      ...trace3d.map((p, j): [number[], number[] | null] => [p, t2[j] && Array.from(t2[j]!)]),
      [row['annotations.grasp_point_3d'] && Array.from(row['annotations.grasp_point_3d'] as number[]), row['annotations.wrist.grasp_point'] && Array.from(row['annotations.wrist.grasp_point'] as number[])],
    ];
    for (const [p3, p2] of points) {
      if (!p3) continue;
      if (camZ(T, p3) <= 0) {
        assert.equal(p2, null, `frame ${row.frame_index}: a point behind the wrist camera is stored as ${p2}`);
        behind++;
        continue;
      }
      const [u, v] = project(K, T, p3);
      assert.ok(p2 && Math.abs(u - p2[0]) < 1e-3 && Math.abs(v - p2[1]) < 1e-3, `frame ${row.frame_index}: wrist point ${p2} vs ${u}, ${v}`);
      inFront++;
    }
  }
  assert.ok(poses.size > rows.length / 2, `the wrist camera moved: ${poses.size} poses in ${rows.length} frames`);
  assert.ok(Math.max(...offsets) - Math.min(...offsets) < 1e-3, `the wrist camera keeps its place on the tool: ${Math.min(...offsets)}..${Math.max(...offsets)} m`);
  assert.ok(inFront > 100, `${inFront} wrist points in front, ${behind} behind`);
});
