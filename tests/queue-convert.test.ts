// `convert --redis` (issue 6): one job per source episode plus a finalize that packs, on the queues of builds, served
// by the command's own workers or by a `spatialgen worker`. The dataset must equal the embedded convert's byte for
// byte. Real Redis on 127.0.0.1, the real CLI as separate processes, the shared robot-demos fixtures.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { runConvert } from '../convert/run.js';
import { tempDir } from './helpers/build-fixture.js';
import { robotDemos } from './helpers/convert-datasets.js';
import { REDIS_6379, cleanUp, fileHashes, keyCount, manifestSansCode, runCli, startWorker, testPrefix, waitFor } from './helpers/queue-fixture.js';

const FIX = robotDemos() ?? '/missing-robot-demos';
const noFixtures = robotDemos() === null && 'the shared robot-demos fixtures are not next to this checkout';
const PUSHT = join(FIX, 'lerobot-v1/pusht');
const BRIDGE = join(FIX, 'rlds-bridge/bridge_dataset/1.0.0');
const root = tempDir('queue-convert');

after(async () => {
  await cleanUp();
  rmSync(root, { recursive: true, force: true });
});


function assertSameDataset(queued: string, embedded: string): void {
  const q = fileHashes(queued, ['manifest.json']);
  assert.ok('episodes.arrow' in q && 'stats.json' in q, `a dataset in ${queued}`);
  assert.deepEqual(q, fileHashes(embedded, ['manifest.json']));
  assert.deepEqual(manifestSansCode(queued), manifestSansCode(embedded));
  // nothing left next to --out: the staging directory is gone
  assert.deepEqual(readdirSync(join(queued, '..')).filter((n) => n.includes('.queued-')), []);
}

describe('queued convert equals the embedded convert', { skip: noFixtures, timeout: 600_000 }, () => {
  test('PushT (LeRobot v1) with a calibration, on the command\'s own workers', async () => {
    const prefix = testPrefix('conv-pusht');
    const dir = join(root, 'pusht');
    mkdirSync(dir, { recursive: true });
    const cal = join(dir, 'pusht-calibration.json');
    writeFileSync(cal, JSON.stringify({
      cameras: { 'observation.image': { width: 96, height: 96, pixel_mapping: { scale: [0.1875, 0.1875] } } },
      eef_position: { field: 'observation.state', indices: [0, 1] },
    }));
    await runConvert(PUSHT, join(dir, 'embedded'), { calibration: cal, coordFormat: 'norm1000' });
    const r = await runCli(['convert', PUSHT, '--out', join(dir, 'queued'), '--calibration', cal, '--coord-format', 'norm1000',
      '--redis', REDIS_6379, '--prefix', prefix, '--workers', '2', '--no-progress']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^converted pusht \(lerobot-v1\) → .+\/queued: 1 episodes, 155 stage-1 samples \(trace 155\); dropped trace_still 6; [\d.]+ s \(queued\)\n$/);
    assert.match(r.stderr, /^queued convert [0-9a-f]{16} \(run 1\): 1 episode/m);
    assertSameDataset(join(dir, 'queued'), join(dir, 'embedded'));
  });

  test('Bridge (RLDS), 25 episodes, served by a `spatialgen worker` (--workers 0); a malformed convert job fails alone', async () => {
    const prefix = testPrefix('conv-bridge');
    const dir = join(root, 'bridge');
    await runConvert(BRIDGE, join(dir, 'embedded'));
    const w = await startWorker(REDIS_6379, prefix, ['--concurrency', '2']);
    const r = await runCli(['convert', BRIDGE, '--out', join(dir, 'queued'), '--redis', REDIS_6379, '--prefix', prefix, '--workers', '0', '--no-progress']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /25 episodes, 0 stage-1 samples; dropped none; .+ \(queued\)/);
    assert.match(r.stderr, /^note: no calibration: /m);
    assertSameDataset(join(dir, 'queued'), join(dir, 'embedded'));
    assert.equal((w.stdout.match(/^convert-episode \S+: done/gm) ?? []).length, 25, w.stdout);
    assert.match(w.stdout, /^convert-finalize \S+: done/m);

    // a payload that cannot be right: one line, not retried, and the worker goes on
    const redis = new Redis(REDIS_6379, { maxRetriesPerRequest: null });
    const queue = new Queue('episodes', { connection: redis, prefix });
    try {
      const job = await queue.add('convert-episode', { buildId: 'nope', outDir: '/tmp/x', index: 0 }, { attempts: 3 });
      await waitFor('the bad job to fail', async () => (await job.getState()) === 'failed', 30_000);
      const failed = await queue.getJob(job.id!);
      assert.equal(failed?.attemptsMade, 1);
      assert.equal(failed?.failedReason, 'bad convert-episode job payload: buildId: must be 16 lowercase hex digits');
      assert.equal(w.child.exitCode, null, 'the worker goes on');
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });

  test('a non-empty --out is one line and nothing is enqueued', async () => {
    const prefix = testPrefix('conv-refuse');
    const out = join(root, 'taken');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'x'), 'x');
    const r = await runCli(['convert', PUSHT, '--out', out, '--redis', REDIS_6379, '--prefix', prefix]);
    assert.notEqual(r.status, 0);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /taken: --out is not empty and holds no spatialgen dataset/);
    assert.equal(await keyCount(REDIS_6379, prefix), 0);
    assert.deepEqual(readdirSync(root).filter((n) => n.startsWith('.taken.')), [], 'no staging directory');
  });
});
