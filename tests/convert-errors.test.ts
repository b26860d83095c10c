// Bad input to `convert`: each is one clear line naming the file and the problem, and leaves no output (neither the
// --out directory nor a hidden partial one next to it).
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Command } from 'commander';
import { registerConvert } from '../cli/convert.js';
import { InputError } from '../convert/errors.js';
import { runConvert } from '../convert/run.js';
import { calibrationFor, robotDemos, writeLerobotV21, writeLerobotV30 } from './helpers/convert-datasets.js';

const FIX = robotDemos() ?? '/missing-robot-demos';
const noFixtures = robotDemos() === null && 'the shared robot-demos fixtures are not next to this checkout';
const BRIDGE = join(FIX, 'rlds-bridge/bridge_dataset/1.0.0');
const SHARD = 'bridge_dataset-train.tfrecord-00000-of-00001';
const root = mkdtempSync(join(tmpdir(), 'convert-errors-'));
after(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
/** Runs a conversion that must fail; returns the one-line message after checking that nothing was written. */
async function fails(input: string, opts: Parameters<typeof runConvert>[2] = {}): Promise<string> {
  const out = join(root, `out-${n++}`);
  let err: unknown = null;
  try {
    await runConvert(input, out, opts);
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
  const msg = err.message;
  if (process.env.SHOW_ERRORS) console.log(msg);
  assert.ok(!msg.includes('\n'), 'one line');
  assert.ok(!existsSync(out), 'no --out directory');
  const partial = readdirSync(dirname(out)).filter((f) => f.startsWith(`.${basename(out)}.partial`));
  assert.deepEqual(partial, [], 'no partial directory');
  return msg;
}

function copyOf(src: string, name: string): string {
  const dst = join(root, name);
  cpSync(src, dst, { recursive: true });
  return dst;
}

function calibration(name: string, edit: (c: any) => void): string {
  const c = calibrationFor() as any;
  edit(c);
  const file = join(root, `${name}.json`);
  writeFileSync(file, JSON.stringify(c));
  return file;
}

describe('TFRecord', { skip: noFixtures }, () => {
  test('a truncated shard', async () => {
    const dir = copyOf(BRIDGE, 'bridge-truncated');
    const shard = join(dir, SHARD);
    truncateSync(shard, readFileSync(shard).length - 1000);
    const msg = await fails(dir);
    assert.ok(msg.startsWith(shard), msg);
    assert.match(msg, /#record 24 .*truncated TFRecord/);
  });

  test('a shard cut exactly at a record boundary (fewer episodes than dataset_info.json says)', async () => {
    const dir = copyOf(BRIDGE, 'bridge-short');
    const shard = join(dir, SHARD);
    const bytes = readFileSync(shard);
    const len = Number(bytes.readBigUInt64LE(0));
    writeFileSync(shard, bytes.subarray(0, 16 + len)); // keep the first record only
    assert.match(await fails(dir), /holds 1 episode but dataset_info.json says 25/);
  });

  test('a corrupted byte fails the data CRC; a corrupted length fails the length CRC', async () => {
    const dir = copyOf(BRIDGE, 'bridge-crc');
    const shard = join(dir, SHARD);
    const bytes = readFileSync(shard);
    bytes[5000] ^= 0x40;
    writeFileSync(shard, bytes);
    assert.match(await fails(dir), /bridge-crc.*#record 0 .*corrupted TFRecord: data CRC mismatch/);
    bytes[5000] ^= 0x40;
    bytes[2] ^= 0x01;
    writeFileSync(shard, bytes);
    assert.match(await fails(dir), /#record 0 .*length CRC mismatch/);
  });
});

describe('videos', () => {
  test('a missing video (LeRobot v1 and v2.1)', { skip: noFixtures }, async () => {
    const v1 = copyOf(join(FIX, 'lerobot-v1/pusht'), 'pusht-novideo');
    const video = join(v1, 'videos/observation.image_episode_000000.mp4');
    unlinkSync(video);
    assert.equal(await fails(v1), `${video}: video file is missing`);

    const v2 = join(root, 'v21-novideo');
    writeLerobotV21(v2, { episodes: 2, frames: 12 });
    const gone = join(v2, 'videos/chunk-000/observation.images.front/episode_000001.mp4');
    unlinkSync(gone);
    assert.equal(await fails(v2), `${gone}: video file is missing`);
  });

  test('a video shorter than its rows (v2.1 by frame count, v3.0 by the episode span)', async () => {
    const v2 = join(root, 'v21-short');
    writeLerobotV21(v2, { episodes: 2, frames: 12, shortVideo: { episode: 1, dropFrames: 3 } });
    assert.match(await fails(v2, { calibration: calibration('cal-short', () => {}) }),
      /episode_000001\.mp4: video shorter than its rows: 9 frames for 12 rows of episode 1$/);
    const v3 = join(root, 'v30-short');
    writeLerobotV30(v3, { episodes: 2, frames: 12, shortVideo: { episode: 1, dropFrames: 3 } });
    assert.match(await fails(v3), /file-000\.mp4: video shorter than its rows: 2\.100 s, episode 1 needs 2\.400 s$/);
  });
});

describe('calibration that does not fit the data', () => {
  const src = join(root, 'v21-cal');
  const ds = () => {
    if (!existsSync(src)) writeLerobotV21(src, { episodes: 1, frames: 12 });
    return src;
  };

  test('a field the data lacks', async () => {
    const cal = calibration('cal-field', (c) => (c.eef_position.field = 'observation.eef_pos'));
    assert.equal(await fails(ds(), { calibration: cal }),
      `${cal}: eef_position.field: the dataset has no field "observation.eef_pos" (its fields: observation.state, action)`);
  });

  test('indices out of range (eef and gripper)', async () => {
    const cal = calibration('cal-index', (c) => (c.eef_position.indices = [0, 1, 4]));
    assert.equal(await fails(ds(), { calibration: cal }),
      `${cal}: eef_position: index 4 out of range: "observation.state" has 4 values (indices 0..3)`);
    const grip = calibration('cal-grip', (c) => (c.gripper.index = 9));
    assert.match(await fails(ds(), { calibration: grip }), /gripper: index 9 out of range/);
  });

  test('an unknown camera, a wrong image size, a malformed file, a missing file', async () => {
    const cam = calibration('cal-cam', (c) => (c.cameras = { wrist: c.cameras['observation.images.front'] }));
    assert.match(await fails(ds(), { calibration: cam }), /cameras\.wrist: the dataset has no camera "wrist" \(its cameras: observation\.images\.front\)/);
    const size = calibration('cal-size', (c) => (c.cameras['observation.images.front'].width = 84));
    assert.match(await fails(ds(), { calibration: size }), /calibrated for 84x64 images but the dataset's observation\.images\.front is 64x64/);
    const bad = calibration('cal-bad', (c) => (c.cameras['observation.images.front'].K = [[1, 0], [0, 1]]));
    assert.match(await fails(ds(), { calibration: bad }), /^.*cal-bad\.json: cameras\."observation\.images\.front"\.K: must be a 3x3 matrix/);
    assert.match(await fails(ds(), { calibration: join(root, 'nope.json') }), /nope\.json: calibration file is missing/);
  });
  test('a mirror is not a rotation; a pixel mapping scales by more than 0 (issue 10, points 8 and 9)', async () => {
    // orthonormal rows, determinant −1: the first row's sign flipped
    const mirror = calibration('cal-mirror', (c) => {
      const T = c.cameras['observation.images.front'].T_world_to_cam;
      T[0] = T[0].map((x: number, i: number) => (i < 3 ? -x : x));
    });
    assert.match(await fails(ds(), { calibration: mirror }), /cal-mirror\.json: cameras\."observation\.images\.front"\.T_world_to_cam: rotation part is a mirror \(determinant -1\.000/);
    const zero = join(root, 'cal-zero.json');
    writeFileSync(zero, JSON.stringify({ cameras: { 'observation.image': { width: 96, height: 96, pixel_mapping: { scale: [0, 0] } } }, eef_position: { field: 'observation.state', indices: [0, 1] } }));
    assert.match(await fails(join(FIX, 'lerobot-v1/pusht'), { calibration: zero }), /cal-zero\.json: cameras\."observation\.image"\.pixel_mapping\.scale\.0: .*0/);
  });
});

describe('files a dataset names stay inside it (issue 10, point 10)', { skip: noFixtures }, () => {
  test('a LeRobot v1 state.json that points at /etc/passwd is refused, not followed', async () => {
    const v1 = copyOf(join(FIX, 'lerobot-v1/pusht'), 'pusht-escape');
    const state = join(v1, 'train', 'state.json');
    const s = JSON.parse(readFileSync(state, 'utf8'));
    s._data_files[0].filename = '../../../../../../../../etc/passwd';
    writeFileSync(state, JSON.stringify(s));
    assert.match(await fails(v1), /pusht-escape\/train\/state\.json: Arrow file "\.\.\/.*etc\/passwd" points outside the dataset folder/);
  });
});

describe('the CLI command', { skip: noFixtures }, () => {
  const program = () => {
    const p = new Command('spatialgen').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
    registerConvert(p);
    return p;
  };

  test('bad input is the same one-line error; a bad --coord-format is refused before anything runs', async () => {
    const out = join(root, 'cli-out');
    await assert.rejects(program().parseAsync(['convert', join(root, 'does-not-exist'), '--out', out, '--no-progress'], { from: 'user' }),
      (e: Error) => e instanceof InputError && /does-not-exist: input dataset does not exist/.test(e.message));
    await assert.rejects(program().parseAsync(['convert', BRIDGE, '--out', out, '--coord-format', 'abs:0x5'], { from: 'user' }),
      (e: Error) => /unknown coord_format "abs:0x5"/.test(e.message));
    assert.ok(!existsSync(out));
  });

  test('a good conversion prints one summary line', async () => {
    const out = join(root, 'cli-good');
    const written: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((s: string) => { written.push(s); return true; }) as typeof process.stdout.write;
    try {
      await program().parseAsync(['convert', BRIDGE, '--out', out, '--no-progress', '--workers', '1'], { from: 'user' });
    } finally {
      process.stdout.write = write;
    }
    // (the test runner reports through stdout too: keep the command's own lines)
    const ours = written.filter((w) => typeof w === 'string' && w.startsWith('converted '));
    assert.equal(ours.length, 1);
    assert.match(ours[0], /^converted bridge_dataset \(rlds\) → .*cli-good: 25 episodes, 0 stage-1 samples; dropped none; /);
    assert.ok(existsSync(join(out, 'manifest.json')));
  });

  test('a non-empty --out is refused', async () => {
    const out = join(root, 'busy');
    cpSync(join(FIX, 'README.md'), join(out, 'README.md'));
    await assert.rejects(runConvert(BRIDGE, out), /busy: --out is not empty and holds no spatialgen dataset/);
    assert.deepEqual(readdirSync(out), ['README.md']);
  });
});
