// Nothing a user types destroys data (issue 10): the output-folder guard, datasets read as their manifest says, setup
// checked before the first episode, configs that were accepted but wrong, limits, and the asset importer's edge cases.
// Each test names the issue's point it covers; each failed before the fix. Commands run as the real CLI in separate
// processes; the cases that would delete `/` or the home folder if the guard failed are checked on the guard itself.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { checkOutDir } from '../export/out-dir.js';
import { ipcToRecords, recordsToIpc, sha256Hex } from '../export/index.js';
import { nonFiniteValue, writeFragment } from '../export/fragment.js';
import { CONFIG_LIMITS, parseConfigText } from '../schemas/config.js';
import { presetConfig } from '../schemas/presets.js';
import { CLI, spatialgen, tempDir } from './helpers/build-fixture.js';
import { robotDemos } from './helpers/convert-datasets.js';

const root = tempDir('guards');
after(() => rmSync(root, { recursive: true, force: true }));
const PUSHT = join(robotDemos() ?? '/missing-robot-demos', 'lerobot-v1/pusht');
const noDemos = robotDemos() === null && 'the shared robot-demos fixtures are not next to this checkout';
const PUSHT_CAL = { cameras: { 'observation.image': { width: 96, height: 96, pixel_mapping: { scale: [0.1875, 0.1875] } } }, eef_position: { field: 'observation.state', indices: [0, 1] } };

/** Asserts a refusal: non-zero exit, exactly one line on stderr, matching `says`. */
function refused(r: { status: number | null; stderr: string }, says: RegExp): void {
  assert.notEqual(r.status, 0, 'non-zero exit');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line: ${r.stderr}`);
  assert.match(lines[0], says);
}

/** Every file under `dir` (relative paths), to show that a refused command changed nothing. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

const CAMERA = '  - {name: base, width: 64, height: 64, fov_y_deg: 50, position: [-0.5, 0, 0.6], target: [0, 0, 0]}\n';
function config(name: string, body: string): string {
  const p = join(root, `${name}.yaml`);
  writeFileSync(p, body);
  return p;
}

describe('the output folder (points 1, 2, 14)', { timeout: 300_000 }, () => {
  test('1: convert --overwrite never deletes its input or a folder that holds it', { skip: noDemos }, () => {
    const r1 = join(root, 'r1');
    cpSync(PUSHT, join(r1, 'pusht'), { recursive: true });
    writeFileSync(join(r1, 'thesis.txt'), 'x');
    const before = tree(r1);
    refused(spatialgen(['convert', join(r1, 'pusht'), '--out', r1, '--overwrite']), /r1: --out holds the input .*pusht; choose a folder outside it/);
    refused(spatialgen(['convert', join(r1, 'pusht'), '--out', join(r1, 'pusht'), '--overwrite']), /pusht: --out is the input/);
    refused(spatialgen(['convert', join(r1, 'pusht'), '--out', join(r1, 'pusht', 'train'), '--overwrite']), /train: --out lies inside the input/);
    assert.deepEqual(tree(r1), before, 'nothing under r1 changed');
  });

  test('1: --overwrite replaces only a dataset spatialgen wrote, and never /, the home folder or the current folder', { skip: noDemos }, () => {
    const other = join(root, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'mine');
    refused(spatialgen(['convert', PUSHT, '--out', other, '--overwrite']), /other: --out is not empty and holds no spatialgen dataset.*--overwrite replaces only a dataset spatialgen wrote/);
    writeFileSync(join(other, 'manifest.json'), JSON.stringify({ format: 'something-else' }));
    refused(spatialgen(['convert', PUSHT, '--out', other, '--overwrite']), /other: --out holds a manifest.json that spatialgen did not write/);
    assert.deepEqual(tree(other), ['manifest.json', 'notes.txt']);

    // a dataset spatialgen wrote is replaced whole: the old files go, no temp folder stays
    const ds = join(root, 'ds');
    assert.equal(spatialgen(['convert', PUSHT, '--out', ds]).status, 0);
    writeFileSync(join(ds, 'stale.txt'), 'old');
    refused(spatialgen(['convert', PUSHT, '--out', ds]), /ds: --out already holds a dataset.*add --overwrite to replace it/);
    const r = spatialgen(['convert', PUSHT, '--out', ds, '--overwrite', '--calibration', writeJson('pusht-cal.json', PUSHT_CAL)]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!existsSync(join(ds, 'stale.txt')), 'the old dataset is gone');
    assert.ok(JSON.parse(readFileSync(join(ds, 'manifest.json'), 'utf8')).counts.stage1_samples > 0, 'the new one is there');
    assert.deepEqual(readdirSync(root).filter((n) => n.startsWith('.ds.')), [], 'no temp folder left');

    // the places that would be a disaster are refused by the guard itself (running the CLI on them would risk them)
    for (const [p, says] of [['/', /--out is the root folder/], [homedir(), /--out is your home folder/], [process.cwd(), /--out is the current folder/], [join(process.cwd(), '..'), /--out would hold the current folder/]] as const) {
      assert.throws(() => checkOutDir(p, { overwrite: true }), (e: Error) => says.test(e.message) && !e.message.includes('\n'), p);
    }
  });

  test('2: an empty or blank path is one line for every path option; nothing is written where the command runs', () => {
    const here = join(root, 'cwd');
    mkdirSync(here);
    const cases: [string[], RegExp][] = [
      [['build', '--preset', 'smoke', '--out', ''], /--out is an empty path/],
      [['build', '--preset', 'smoke', '--out', '  '], /--out is an empty path/],
      [['build', '', '--out', 'x'], /CONFIG\.yaml is an empty path/],
      [['build', '--preset', 'smoke', '--out', 'x', '--redis', ''], /--redis is an empty URL/],
      [['convert', '', '--out', 'x'], /INPUT is an empty path/],
      [['convert', PUSHT, '--out', ''], /--out is an empty path/],
      [['convert', PUSHT, '--out', 'x', '--calibration', ''], /--calibration is an empty path/],
      [['export', 'lerobot', '', '--out', 'x'], /DIR is an empty path/],
      [['export', 'lerobot', 'x', '--out', ''], /--out is an empty path/],
      [['assets', 'list', '--library', ''], /--library is an empty path/],
      [['assets', 'import', '', '--library', 'lib'], /PATH is an empty path/],
      [['assets', 'preview', '--out', ''], /--out is an empty path/],
    ];
    for (const [args, says] of cases) {
      const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), CLI, ...args], { cwd: here, encoding: 'utf8', env: { ...process.env, REDIS_URL: '' } });
      refused({ status: r.status, stderr: r.stderr }, says);
    }
    assert.deepEqual(readdirSync(here), [], 'nothing written into the current folder');
  });

  test('14: --out naming a file, and a damaged manifest.json or .work/build.json in --out, are named', () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    refused(spatialgen(['build', '--preset', 'smoke', '--out', file]), /a-file: --out names a file, not a folder/);
    refused(spatialgen(['build', '--preset', 'smoke', '--out', join(file, 'sub')]), /--out lies under .*a-file, which is a file/);
    const damaged = join(root, 'damaged');
    mkdirSync(damaged);
    writeFileSync(join(damaged, 'manifest.json'), '{"format": "spatialgen-da');
    refused(spatialgen(['build', '--preset', 'smoke', '--out', damaged]), /damaged\/manifest\.json: cannot be read \(.*JSON.*\); the folder holds a damaged dataset/);
    const work = join(root, 'half');
    mkdirSync(join(work, '.work'), { recursive: true });
    writeFileSync(join(work, '.work', 'build.json'), '{"build_');
    refused(spatialgen(['build', '--preset', 'smoke', '--out', work]), /half\/\.work\/build\.json: cannot be read/);
    assert.equal(readFileSync(join(work, '.work', 'build.json'), 'utf8'), '{"build_');
  });
});

function writeJson(name: string, v: unknown): string {
  const p = join(root, name);
  writeFileSync(p, JSON.stringify(v));
  return p;
}

describe('datasets are read as their manifest says (points 3, 14)', { timeout: 300_000 }, () => {
  const SRC = join(root, 'smoke');
  const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const copy = (name: string) => {
    const dir = join(root, name);
    cpSync(SRC, dir, { recursive: true });
    return dir;
  };
  /** `export lerobot` of `dir` must fail with one line matching `says`, leaving nothing at its --out */
  const exportRefused = (dir: string, says: RegExp) => {
    const out = join(root, `${dir.split('/').pop()}-lerobot`);
    refused(spatialgen(['export', 'lerobot', dir, '--out', out]), says);
    assert.ok(!existsSync(out), 'nothing at --out');
  };

  before(() => {
    const r = spatialgen(['build', '--preset', 'smoke', '--episodes', '2', '--out', SRC, '--no-progress']);
    assert.equal(r.status, 0, r.stderr);
  });

  test('3: a flipped bit in a stage-2 shard is named, and never reaches the export', () => {
    const dir = copy('flipped');
    const shard = manifestOf(dir).shards.find((s: { kind: string }) => s.kind === 'stage2');
    const bytes = readFileSync(join(dir, shard.path));
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    writeFileSync(join(dir, shard.path), bytes);
    exportRefused(dir, new RegExp(`${shard.path}: sha256 differs from manifest\\.json`));
  });

  test('3: a manifest whose sha256 is all zeros, or that lists a file outside the dataset, is refused', () => {
    const zeros = copy('zeros');
    const m = manifestOf(zeros);
    m.shards.find((x: { kind: string }) => x.kind === 'stage2').sha256 = '0'.repeat(64);
    writeFileSync(join(zeros, 'manifest.json'), JSON.stringify(m));
    exportRefused(zeros, /: sha256 differs from manifest\.json/);
    const escape = copy('escape');
    const e = manifestOf(escape);
    e.shards[0].path = '../../etc/passwd';
    writeFileSync(join(escape, 'manifest.json'), JSON.stringify(e));
    exportRefused(escape, /manifest\.json: shards\[0\]: path "\.\.\/\.\.\/etc\/passwd" is not a relative path inside the dataset/);
    const cut = copy('cut');
    writeFileSync(join(cut, 'manifest.json'), readFileSync(join(cut, 'manifest.json'), 'utf8').slice(0, 100));
    exportRefused(cut, /cut\/manifest\.json: not valid JSON .*truncated or damaged/);
  });

  test('14: a cut-off JPEG inside a shard that matches its manifest is named with its shard and episode', () => {
    const dir = copy('cut-jpeg');
    const m = manifestOf(dir);
    const entry = m.shards.find((s: { kind: string }) => s.kind === 'stage2');
    const { schema, records } = ipcToRecords(new Uint8Array(readFileSync(join(dir, entry.path))));
    const image = records[3]['observation.images.base'] as { bytes: Uint8Array; path: string | null };
    image.bytes = image.bytes.slice(0, Math.floor(image.bytes.length / 2));
    const bytes = recordsToIpc(schema, records);
    writeFileSync(join(dir, entry.path), bytes);
    Object.assign(entry, { bytes: bytes.byteLength, sha256: sha256Hex(bytes) });
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    assert.equal(records[3].frame_index, 3, 'row 3 is frame 3 of the first episode');
    exportRefused(dir, new RegExp(`${entry.path}.*episode ${records[3].episode_id}.*(frame 3 is a cut-off JPEG image|base frame 3: not a decodable image)`));
  });
});

describe('setup is checked before the first episode (point 4)', { timeout: 300_000 }, () => {
  test('a broken asset library is one line and writes nothing; once fixed, the same build runs', () => {
    const lib = join(root, 'broken-lib');
    mkdirSync(lib);
    writeFileSync(join(lib, 'index.json'), '{"format":"spatialgen-asset-index","version":');
    const out = join(root, 'lib-out');
    const env = { SPATIALGEN_ASSET_LIBRARY: lib };
    refused(spatialgen(['build', '--preset', 'smoke', '--episodes', '1', '--out', out], env), /broken-lib\/index\.json: asset index is not valid JSON/);
    assert.ok(!existsSync(out), 'no output folder, so no failed episode to resume into');
    rmSync(join(lib, 'index.json')); // a fresh library root: the procedural families
    const r = spatialgen(['build', '--preset', 'smoke', '--episodes', '1', '--out', out, '--no-progress'], env);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /1\/1 episodes succeeded/);
  });

  test('an unknown category and a malformed coordinate format are refused before anything is written', () => {
    const out = join(root, 'never');
    refused(spatialgen(['build', config('unicorn', `episodes: 1\nscene: {categories: [unicorn, mug]}\ncameras:\n${CAMERA}`), '--out', out]),
      /scene\.categories: "unicorn" is not a category of the asset library \(it has .*mug/);
    refused(spatialgen(['build', config('coord', `episodes: 1\nstage1: {coord_format: "abs:0x-3"}\ncameras:\n${CAMERA}`), '--out', out]),
      /coord\.yaml: stage1\.coord_format: must be abs:<W>x<H>/);
    assert.ok(!existsSync(out));
  });
});

describe('configs that were accepted but wrong are refused (points 5, 6, 7, 9, 12)', () => {
  const refuses = (body: string, says: RegExp) => assert.throws(() => parseConfigText(body, 'c.yaml'), (e: Error) => says.test(e.message) && !e.message.includes('\n'), body.slice(0, 80));
  const cams = `cameras:\n${CAMERA}`;

  test('5: splits may not name train, and their shares sum to at most 1', () => {
    refuses(`episodes: 2\nsplits: {train: 0.5}\n${cams}`, /^c\.yaml: splits: list only the held-out splits: train is what they leave$/);
    refuses(`episodes: 2\nsplits: {validation: 0.7, test: 0.5}\n${cams}`, /splits: the held-out shares sum to more than 1/);
    assert.doesNotThrow(() => parseConfigText(`episodes: 2\nsplits: {validation: 0.5, test: 0.5}\n${cams}`, 'c.yaml'));
  });

  test('6, 7: camera names are unique; a camera looks from somewhere else than its target', () => {
    refuses(`episodes: 2\ncameras:\n${CAMERA}${CAMERA}`, /cameras\.1\.name: camera name "base" is used twice/);
    refuses(`episodes: 2\ncameras:\n  - {name: top, width: 64, height: 64, fov_y_deg: 50, position: [0, 0, 1], target: [0, 0, 1]}\n`, /cameras\.0: target must be more than 1 cm .* away from position/);
    refuses(`episodes: 2\ncameras:\n  - {name: top, width: 64, height: 64, fov_y_deg: 50, position: [0, 0, 1], target: [0, 0, 0.9], position_jitter: 0.1}\n`, /plus the position and target jitter/);
    refuses(`episodes: 2\ncameras:\n  - {name: w, mount: tcp, width: 64, height: 64, fov_y_deg: 50, position: [0, 0, -0.1], target: [0, 0, 0.1], up: [0, 0, 1]}\n`, /cameras\.0\.up: up must not point along the view/);
    refuses(`episodes: 2\ncameras:\n  - {name: top, width: 64, height: 64, fov_y_deg: 150, fov_jitter_deg: 25, position: [0, 0, 1], target: [0, 0, 0]}\n`, /fov_y_deg ± fov_jitter_deg must stay within 5\.\.170/);
    refuses(`episodes: 2\ncameras:\n  - {name: top, width: 64, height: 64, fov_y_deg: 50, position: [.nan, 0, 1], target: [0, 0, 0]}\n`, /cameras\.0\.position\.0: .*NaN/);
  });

  test('7: a NaN or infinity never reaches a shard: the episode fails with the field named, the writer refuses it', async () => {
    const frame = {
      episode_id: 'e-000000', episode_index: 0, frame_index: 4, timestamp: 0.4, task: 'push', instruction: '', spatial_prompt: '',
      cameras: { base: { image: { bytes: new Uint8Array([1]), path: null }, K: [1, 0, 0, 0, 1, 0, 0, 0, 1], T_world_to_cam: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, NaN, 0, 0, 0, 1], boxes: [], trace_2d: [], grasp_point: null, place_point: null } },
      state: [0], eef_pose: [0, 0, 0, 0, 0, 0, 1], base_pose: [0, 0, 0, 0, 0, 0, 1], action: [0, 0, 0, 0, 0, 0, 0], action_joint_position: [0], trace_3d: [], grasp_point_3d: null, place_point_3d: null,
    };
    const output = {
      episode: { episode_id: 'e-000000', episode_index: 0, seed: 0, split: 'train', task: 'push', instruction: '', assets: [], distractors: [], success: true, failure_reason: null, num_frames: 1, content_hash: '', environment: null, language: null },
      frames: [frame], samples: [],
    };
    assert.equal(nonFiniteValue(output), 'frame 4: cameras.base.T_world_to_cam[11] is NaN');
    await assert.rejects(writeFragment(join(root, 'nan-work'), output), /e-000000: frame 4: cameras\.base\.T_world_to_cam\[11\] is NaN/);
    assert.ok(!existsSync(join(root, 'nan-work')), 'nothing written');
  });

  test('9: ranges are ordered and bounded: sizes, distances, the drop area', () => {
    refuses(`episodes: 2\nscene: {object_size: [0.08, 0.03]}\n${cams}`, /scene\.object_size: \[min, max\] in metres: the first must not exceed the second/);
    refuses(`episodes: 2\ntask: {push_distance: [0.2, 0.1]}\n${cams}`, /task\.push_distance: \[min, max\]/);
    refuses(`episodes: 2\nscene: {area: [1e30, 1e30]}\n${cams}`, /scene\.area\.0: .*<=0\.7/);
    refuses(`episodes: 1e300\n${cams}`, /episodes: must be an integer from 1 to 10000000$/);
  });

  test('9: --workers is bounded by the machine; a Redis database the server lacks is one line', () => {
    refused(spatialgen(['build', '--preset', 'smoke', '--out', join(root, 'w'), '--workers', '100000']), /--workers must be an integer from 0 to \d+/);
    refused(spatialgen(['build', '--preset', 'smoke', '--out', join(root, 'w'), '--redis', 'redis://127.0.0.1:6379/99999']), /Redis at redis:\/\/127\.0\.0\.1:6379\/99999 has no database 99999/);
    refused(spatialgen(['status', '--redis', 'redis://127.0.0.1:6379/abc']), /the database "abc" is not a number/);
    assert.ok(!existsSync(join(root, 'w')));
  });

  test('12: a config over 1 MiB, 50 000 keys, a long name and an alias bomb are refused in one line, at once', { timeout: 30_000 }, () => {
    refuses(`name: ${'x'.repeat(CONFIG_LIMITS.fileBytes)}\n`, /config is \d+ bytes; at most 1048576/);
    refuses(Array.from({ length: 50_000 }, (_, i) => `k${i}: ${i}`).join('\n'), /^c\.yaml: .* \(and 2 more\)$/);
    refuses(`episodes: 2\nname: ${'n'.repeat(300)}\n${cams}`, /^c\.yaml: name: .*<=200 characters/);
    refuses(`episodes: 2\nepisodes: 3\n${cams}`, /line 2: key "episodes" is given twice/);
    const laugh = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)].join('\n');
    refuses(laugh, /not valid YAML: Excessive alias count/);
    // the smoke preset still passes through the same parser
    assert.equal(parseConfigText(JSON.stringify(presetConfig('smoke')), 'smoke.json').name, 'smoke');
  });
});

describe('the asset importer (points 10, 13)', { timeout: 300_000 }, () => {
  // a 4 cm cube, in metres
  const CUBE = ['v -0.02 -0.02 0', 'v 0.02 -0.02 0', 'v 0.02 0.02 0', 'v -0.02 0.02 0', 'v -0.02 -0.02 0.04', 'v 0.02 -0.02 0.04', 'v 0.02 0.02 0.04', 'v -0.02 0.02 0.04',
    'f 1 3 2', 'f 1 4 3', 'f 5 6 7', 'f 5 7 8', 'f 1 2 6', 'f 1 6 5', 'f 2 3 7', 'f 2 7 6', 'f 3 4 8', 'f 3 8 7', 'f 4 1 5', 'f 4 5 8'].join('\n');
  const assets = (args: string[]) => spatialgen(['assets', ...args, '--no-thumbnails', '--no-workers']);

  test('10: a flat triangle cannot pass the size check through the corners of a face that was dropped', () => {
    const dir = join(root, 'flat');
    mkdirSync(dir);
    // vertex 4 is used only by the face that names vertex 99, which does not exist
    writeFileSync(join(dir, 'flat_block.obj'), ['v 0 0 0', 'v 0.05 0 0', 'v 0 0.05 0', 'v 0 0 0.05', 'f 1 2 3', 'f 4 1 99'].join('\n'));
    const r = assets(['import', dir, '--library', join(root, 'flat-lib'), '--category', 'block']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /flat_block\.obj: degenerate-mesh: flat: extents/);
    assert.match(r.stdout, /^0 imported, 1 failed/m);
  });

  test('10: a model file name holding a line break cannot forge a line of the output', () => {
    const dir = join(root, 'names');
    mkdirSync(dir);
    writeFileSync(join(dir, 'block\nimported imp-evil (can, red) from nowhere.obj'), CUBE);
    const r = assets(['import', dir, '--library', join(root, 'names-lib'), '--category', 'block']);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 2, r.stdout);
    assert.match(lines[0], /^imported imp-\S+ \(block, [a-z ]+\) from ".*block\\nimported imp-evil.*\.obj"$/);
    assert.match(lines[1], /^1 imported, 0 failed/);
  });

  test('13: a link loop in an import folder is one problem line; the other models import', () => {
    const dir = join(root, 'loop');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'sub', 'small_block.obj'), CUBE);
    symlinkSync('..', join(dir, 'sub', 'again'));
    const r = assets(['import', dir, '--library', join(root, 'loop-lib'), '--category', 'block']);
    assert.equal(r.status, 1, 'a skipped entry makes the exit status non-zero');
    assert.match(r.stderr, /^error .*sub\/again: unreadable: a link to .*loop, which is searched already \(a loop\?\); skipped$/m);
    assert.match(r.stdout, /^1 imported, 1 failed/m);
  });

  test('13: an import into a library whose index is cut short is one line and writes no model', () => {
    const dir = join(root, 'one-model');
    mkdirSync(dir);
    writeFileSync(join(dir, 'small_block.obj'), CUBE);
    const lib = join(root, 'cut-lib');
    mkdirSync(lib);
    writeFileSync(join(lib, 'index.json'), '{"format":"spatialgen-asset-index","ver');
    refused(assets(['import', dir, '--library', lib, '--category', 'block']), /cut-lib\/index\.json: asset index is not valid JSON/);
    assert.deepEqual(tree(lib), ['index.json'], 'no model file without an index entry');
  });
});
