// Property-based tests of what users write (issue 10): random and mutated build configs and convert calibrations
// never crash the parser, never take long, and are either refused in one line or accepted with every invariant the
// pipeline relies on; a few accepted mutated configs are built for real and leave no NaN in a shard and nothing
// outside --out. Seeded (fast-check's seed is fixed), so every run tries the same inputs; bounded in time.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parseCalibration, resolveCalibration } from '../convert/calibration.js';
import { InputError } from '../convert/errors.js';
import type { DemoDataset } from '../convert/episode.js';
import { TABLE_HALF } from '../core/scene.js';
import { type BuildConfig, ConfigError, parseBuildConfig, parseConfigText } from '../schemas/config.js';
import { presetConfig } from '../schemas/presets.js';
import { readArrowStream } from './helpers/arrow-read.js';
import { spatialgen, tempDir } from './helpers/build-fixture.js';

const SEED = 20261202;
const root = tempDir('fuzz');
after(() => rmSync(root, { recursive: true, force: true }));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Numbers a careless or hostile user writes: edge values, huge, tiny, negative, not numbers at all. */
const nasty: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(0, -1, 1, 0.5, 1e30, -1e30, 1e-30, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, 10_000_001, 4097, 0.01),
  fc.double({ min: -10, max: 10, noNaN: true }),
  fc.integer({ min: -5, max: 100 }),
  fc.string({ maxLength: 12 }),
  fc.constantFrom(null, true, false, '', 'abs:0x-3', 'norm1000', 'train', 'base'),
  fc.array(fc.double({ min: -2, max: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.constantFrom('train', 'validation', 'test', 'a', 'B'), fc.double({ min: -1, max: 2 }), { maxKeys: 3 }),
);

/** Where a mutation lands: real keys of the config (so the deep checks run) and a few that do not exist. */
const PATHS = [
  'episodes', 'seed', 'name', 'splits', 'splits.validation', 'splits.test', 'scene.objects', 'scene.objects_min', 'scene.objects_max',
  'scene.area', 'scene.area.0', 'scene.object_size', 'scene.object_size.1', 'scene.categories', 'scene.shapes', 'physics.hz', 'physics.settle_s',
  'task.kind', 'task.push_distance', 'task.push_distance.0', 'task.robot', 'task.primitives', 'task.max_seconds', 'recording.hz',
  'cameras', 'cameras.0', 'cameras.0.name', 'cameras.0.width', 'cameras.0.fov_y_deg', 'cameras.0.position', 'cameras.0.position.2',
  'cameras.0.target', 'cameras.0.position_jitter', 'cameras.1', 'cameras.1.name', 'render.image_format', 'render.jpeg_quality',
  'stage1.every_n_frames', 'stage1.coord_format', 'output.rows_per_shard', 'output.episodes_per_shard_job', 'unknown', 'scene.unknown',
];

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o: Record<string, unknown> = obj;
  for (const k of keys.slice(0, -1)) {
    if (o[k] === null || typeof o[k] !== 'object') o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[keys[keys.length - 1]] = value;
}

/** A valid config with 1–4 of its values replaced by nasty ones. */
const mutatedConfig = fc.array(fc.tuple(fc.constantFrom(...PATHS), nasty), { minLength: 1, maxLength: 4 }).map((edits) => {
  const c = structuredClone(presetConfig('smoke')) as unknown as Record<string, unknown>;
  for (const [p, v] of edits) setPath(c, p, v);
  return c;
});

const dist = (a: number[], b: number[]) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/** What the pipeline relies on of every config the schema accepts, checked here independently of the schema. */
function checkInvariants(c: BuildConfig): void {
  assert.ok(Number.isSafeInteger(c.episodes) && c.episodes >= 1 && c.episodes <= 10_000_000);
  assert.ok(!('train' in c.splits) && Object.values(c.splits).reduce((a, b) => a + b, 0) <= 1 + 1e-9);
  assert.equal(new Set(c.cameras.map((x) => x.name)).size, c.cameras.length);
  for (const cam of c.cameras) {
    assert.ok([...cam.position, ...cam.target].every(Number.isFinite));
    assert.ok(dist(cam.position, cam.target) > 0.01 + Math.sqrt(3) * cam.position_jitter);
  }
  assert.ok(c.scene.object_size[0] <= c.scene.object_size[1] && c.task.push_distance[0] <= c.task.push_distance[1]);
  assert.ok(c.scene.area[0] <= TABLE_HALF[0] && c.scene.area[1] <= TABLE_HALF[1]);
  assert.ok(c.name.length <= 200 && c.scene.objects_min <= c.scene.objects_max);
}

/** A parse either accepts (invariants hold) or throws one ConfigError line; nothing else, and quickly. */
function parsesOrRefuses(parse: () => BuildConfig): BuildConfig | null {
  const t0 = Date.now();
  try {
    const c = parse();
    checkInvariants(c);
    return c;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    assert.ok(!e.message.includes('\n') && e.message.length < 600, `one short line: ${e.message.slice(0, 200)}`);
    return null;
  } finally {
    assert.ok(Date.now() - t0 < 2000, 'parsed within 2 s');
  }
}

describe('build configs under fuzzing', { timeout: 120_000 }, () => {
  test('mutated configs: accepted with every invariant, or refused in one line', () => {
    let accepted = 0;
    fc.assert(fc.property(mutatedConfig, (raw) => {
      if (parsesOrRefuses(() => parseBuildConfig(raw, 'fuzz'))) accepted++;
      // the same config as YAML text (NaN and infinity as .nan and .inf) through the file parser
      parsesOrRefuses(() => parseConfigText(stringify(raw), 'fuzz.yaml'));
    }), { seed: SEED, numRuns: 1500 });
    assert.ok(accepted > 20, `some mutations are valid configs, so the invariants are exercised (${accepted})`);
  });

  test('random values and damaged YAML text: refused in one line, never a crash', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
      parsesOrRefuses(() => parseBuildConfig(v, 'fuzz'));
    }), { seed: SEED, numRuns: 500 });
    const text = stringify(presetConfig('smoke'));
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(text.length), fc.nat(5), fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 6 }), (edits) => {
      let t = text;
      for (const [at, cut, put] of edits) t = t.slice(0, at) + put + t.slice(at + cut);
      parsesOrRefuses(() => parseConfigText(t, 'damaged.yaml'));
    }), { seed: SEED, numRuns: 800 });
  });
});

describe('convert calibrations under fuzzing', { timeout: 60_000 }, () => {
  // a dataset description is all the calibration is checked against
  const dataset = {
    cameras: [{ key: 'observation.images.front', width: 64, height: 64 }],
    fields: [{ name: 'observation.state', dim: 4 }],
  } as unknown as DemoDataset;
  const valid = {
    cameras: { 'observation.images.front': { width: 64, height: 64, K: [[60, 0, 32], [0, 60, 32], [0, 0, 1]], T_world_to_cam: [[1, 0, 0, 0], [0, -1, 0, 0], [0, 0, -1, 1], [0, 0, 0, 1]] } },
    eef_position: { field: 'observation.state', indices: [0, 1, 2] },
    gripper: { field: 'observation.state', index: 3, closed_when: 'below', threshold: 0.5 },
  };
  const CAL_PATHS = ['cameras.observation.images.front.K', 'cameras.observation.images.front.T_world_to_cam', 'cameras.observation.images.front.width',
    'cameras.observation.images.front.pixel_mapping', 'eef_position.indices', 'eef_position.field', 'gripper.index', 'gripper.threshold', 'cameras'];
  const matrix = fc.oneof(
    fc.array(fc.array(fc.double({ min: -2, max: 2 }), { minLength: 3, maxLength: 4 }), { minLength: 3, maxLength: 4 }),
    fc.array(fc.double(), { maxLength: 16 }),
  );

  test('mutated calibrations: every accepted camera is a true pinhole or a positive pixel mapping, or one line', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom(...CAL_PATHS), fc.oneof(nasty, matrix, fc.constant({ scale: [0, 1] }))), { minLength: 1, maxLength: 3 }), (edits) => {
      const raw = structuredClone(valid) as Record<string, unknown>;
      for (const [p, v] of edits) {
        // the camera key holds dots: set inside it directly
        if (p.startsWith('cameras.observation.images.front.')) {
          const cams = raw.cameras;
          const cam = cams && typeof cams === 'object' ? (cams as Record<string, unknown>)['observation.images.front'] : null;
          if (cam && typeof cam === 'object' && !Array.isArray(cam)) (cam as Record<string, unknown>)[p.split('.').pop()!] = v;
        } else setPath(raw, p, v);
      }
      try {
        const cal = resolveCalibration({ path: 'cal.json', file: parseCalibration(raw, 'cal.json'), raw }, dataset);
        for (const c of cal.cameras) {
          if (c.projector.kind === 'pixel') assert.ok(c.projector.scale.every((s) => s > 0));
          else {
            const T = c.projector.camera.T_world_to_cam;
            const det = T[0] * (T[5] * T[10] - T[6] * T[9]) - T[1] * (T[4] * T[10] - T[6] * T[8]) + T[2] * (T[4] * T[9] - T[5] * T[8]);
            assert.ok(Math.abs(det - 1) < 0.01, `a rotation: det ${det}`);
            assert.ok(c.projector.camera.K[0] > 0 && c.projector.camera.K[4] > 0);
          }
        }
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        assert.ok(!e.message.includes('\n'), e.message);
      }
    }), { seed: SEED, numRuns: 1500 });
  });
});

describe('accepted mutated configs, built', { timeout: 300_000 }, () => {
  test('three builds: exit 0 or one line; no NaN or infinity in any shard; nothing written outside --out', () => {
    // small variations a user makes to a working config (cameras, sizes, splits), kept fast: 1 episode, 64² images
    const variation = fc.record({
      fov: fc.double({ min: 20, max: 120, noNaN: true }),
      pos: fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: 0.05, max: 1.5, noNaN: true })),
      size: fc.tuple(fc.double({ min: 0.01, max: 0.3, noNaN: true }), fc.double({ min: 0.01, max: 0.3, noNaN: true })),
      split: fc.double({ min: 0, max: 1, noNaN: true }),
      objects: fc.integer({ min: 1, max: 6 }),
    });
    const picks = fc.sample(variation, { seed: SEED, numRuns: 3 });
    let built = 0;
    picks.forEach((v, i) => {
      const base = presetConfig('smoke');
      const raw = {
        ...base, name: `fuzz-${i}`, episodes: 1, splits: { validation: v.split },
        scene: { ...base.scene, objects: 'primitives', objects_min: v.objects, objects_max: v.objects, object_size: [Math.min(...v.size), Math.max(...v.size)] },
        cameras: [{ name: 'cam', width: 64, height: 64, fov_y_deg: v.fov, position: v.pos, target: [0, 0, 0], position_jitter: 0 }],
      };
      const c = parsesOrRefuses(() => parseBuildConfig(raw, `fuzz-${i}`));
      if (!c) return;
      const parent = join(root, `build-${i}`);
      const cfg = join(root, `fuzz-${i}.yaml`);
      writeFileSync(cfg, stringify(c));
      const out = join(parent, 'ds');
      mkdirSync(parent, { recursive: true });
      const r = spatialgen(['build', cfg, '--out', out, '--no-progress']);
      if (r.status !== 0) assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.deepEqual(readdirSync(parent).filter((n) => n !== 'ds'), [], 'nothing written beside --out');
      if (r.status !== 0) return;
      built++;
      for (const kind of ['stage1', 'stage2']) {
        if (!existsSync(join(out, kind))) continue; // no successful episode: no shards of that kind
        for (const f of readdirSync(join(out, kind))) {
          for (const row of readArrowStream(join(out, kind, f)).rows()) assertFinite(row, `${kind}/${f}`);
        }
      }
      if (process.env.SHOW_FUZZ) console.log(i, JSON.stringify(v), r.stdout.trim());
    });
    assert.ok(built > 0, 'at least one variation builds');
  });
});

function assertFinite(v: unknown, where: string): void {
  if (typeof v === 'number') assert.ok(Number.isFinite(v), `${where}: ${v}`);
  else if (Array.isArray(v)) for (const x of v) assertFinite(x, where);
  else if (v && typeof v === 'object' && !ArrayBuffer.isView(v)) for (const [k, x] of Object.entries(v)) assertFinite(x, `${where}.${k}`);
}
