// Fault tests of queued builds against real Redis servers (issue 5): workers SIGKILLed at random points, a job
// process crashing under a worker, Redis restarted with and without its data in the middle of a build. Each queued
// build must end exactly like an uninterrupted embedded build of the same config and seed: the same episode ids,
// the same per-episode content hashes, the same files.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { spatialgen, tempDir } from './helpers/build-fixture.js';
import {
  REDIS_6379, buildCounts, childPids, cleanUp, datasetFiles, episodesOf, freePort, jobsRunBy, manifestSansCode, startCli, startWorker, testPrefix, TestRedis, waitFor, type Proc,
} from './helpers/queue-fixture.js';

const EPISODES = '4';
const root = tempDir('queue-faults');
const reference = join(root, 'embedded');

function assertSameDataset(dir: string): void {
  const want = episodesOf(reference);
  const got = episodesOf(dir);
  assert.equal(got.length, Number(EPISODES), 'exactly the requested number of episodes');
  assert.deepEqual(got.map((e) => e.episode_id), want.map((e) => e.episode_id), 'episode ids');
  assert.deepEqual(got.map((e) => e.content_hash), want.map((e) => e.content_hash), 'per-episode content hashes');
  assert.deepEqual(datasetFiles(dir), datasetFiles(reference));
  for (const f of datasetFiles(reference)) assert.ok(readFileSync(join(dir, f)).equals(readFileSync(join(reference, f))), `${f} byte-identical`);
  assert.deepEqual(manifestSansCode(dir), manifestSansCode(reference));
}

function queuedBuildId(p: Proc): string | undefined {
  return /queued build ([0-9a-f]{16})/.exec(p.stderr)?.[1];
}

describe('queued builds under faults', { timeout: 600_000 }, () => {
  before(() => {
    const r = spatialgen(['build', '--preset', 'smoke', '--episodes', EPISODES, '--out', reference, '--workers', '2', '--no-progress']);
    assert.equal(r.status, 0, r.stderr);
  });
  after(cleanUp);

  test('SIGKILLed workers and a crashed job process: the build completes exactly as an embedded one', async (t) => {
    const prefix = testPrefix('kill');
    const out = join(root, 'killed');
    let a = await startWorker(REDIS_6379, prefix);
    const b = await startWorker(REDIS_6379, prefix);
    const build = startCli(['build', '--preset', 'smoke', '--episodes', EPISODES, '--out', out, '--redis', REDIS_6379, '--prefix', prefix, '--workers', '0', '--no-progress']);
    const id = await waitFor('the build to be queued', () => queuedBuildId(build), 60_000);
    const kills: string[] = [];
    const t0 = Date.now();
    const at = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
    // SIGKILL worker A at random points, three times, restarting it each time, while worker B keeps going
    for (let k = 0; k < 3 && build.child.exitCode === null; k++) {
      await sleep(1000 + Math.random() * 3000);
      if (build.child.exitCode !== null) break;
      const c = await buildCounts(REDIS_6379, prefix, id);
      const busy = childPids(a.child.pid!).length > 0;
      a.child.kill('SIGKILL');
      await a.exited;
      kills.push(`worker A at ${at()} (${c.done} done, ${busy ? 'with a job process' : 'before its first job'})`);
      a = await startWorker(REDIS_6379, prefix);
      if (k === 0) {
        // a native crash inside rendering kills the job's sandboxed process, never worker B itself: wait until B
        // runs an episode, then kill that episode's process
        const running = await waitFor('worker B to run an episode', async () => {
          const ids = await jobsRunBy(REDIS_6379, prefix, b.child.pid!);
          return ids.length > 0 || build.child.exitCode !== null ? ids : null;
        }, 60_000, 100);
        const job = childPids(b.child.pid!)[0];
        if (running.length > 0 && job) {
          process.kill(job, 'SIGKILL');
          kills.push(`the job process of worker B running ${running[0]} at ${at()}`);
        }
      }
    }
    const r = await waitFor('the build to finish', () => (build.child.exitCode !== null ? build.exited : null), 300_000, 500);
    t.diagnostic(`killed ${kills.join(', ')}; build done at ${at()}`);
    assert.equal(r.status, 0, `${r.stderr}\nkills: ${kills.join(', ')}`);
    assert.ok(kills.filter((k) => k.startsWith('worker A')).length >= 2, `killed ${kills.join(', ')}`);
    assert.ok(kills.some((k) => k.includes('job process of worker B')), 'a job process crashed under worker B');
    assert.equal(b.child.exitCode, null, 'worker B survived its job process crash');
    assert.match(b.stdout, /episode [0-9a-f]{16}\.r1\.e\d: attempt failed, will retry: Unexpected exit code: null signal: SIGKILL/, 'the crashed episode was retried');
    assertSameDataset(out);
    const c = await buildCounts(REDIS_6379, prefix, id);
    // episodes whose demo failed in physics count as failed in the reference too; crashes must add none
    const failedInReference = episodesOf(reference).filter((e) => !e.success).length;
    assert.deepEqual([c.done, c.failed, c.state], [Number(EPISODES), failedInReference, 'done']);
    for (const w of [a, b]) w.child.kill('SIGTERM');
    for (const w of [a, b]) assert.equal((await w.exited).status, 0, 'an idle worker stops cleanly on SIGTERM');
  });

  test('Redis restarted mid-build, once with its data and once without: the build completes', async (t) => {
    const redis = new TestRedis(await freePort(), join(root, 'redis-restart'));
    await redis.start();
    const prefix = testPrefix('restart');
    const out = join(root, 'restarted');
    const build = startCli(['build', '--preset', 'smoke', '--episodes', EPISODES, '--out', out, '--redis', redis.url, '--prefix', prefix, '--workers', '1', '--lock-ms', '3000']);
    try {
      await waitFor('a first episode', () => /episodes 1\//.test(build.stderr) || build.child.exitCode !== null, 120_000);
      await redis.shutdownSave();
      await sleep(1500);
      await redis.start();
      await waitFor('a second episode', () => /episodes 2\//.test(build.stderr) || build.child.exitCode !== null, 120_000);
      await redis.crash(true);
      await sleep(1500);
      await redis.start();
      const r = await waitFor('the build to finish', () => (build.child.exitCode !== null ? build.exited : null), 300_000, 500);
      t.diagnostic(r.stderr.trim().split('\n').filter((l) => !l.startsWith('episodes ')).join(' | '));
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /Redis lost build [0-9a-f]{16}; started run 2/, 'the waiting build noticed the lost data and re-enqueued the rest');
      assertSameDataset(out);
    } finally {
      await redis.crash();
    }
  });
});
