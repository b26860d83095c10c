// Queued builds under control (issue 5): refusals before anything is enqueued, malformed jobs failing alone,
// cancel and resume, two builds at once, SIGTERM finishing the running job, the dashboard, Redis with TLS and a
// password. Real Redis on 127.0.0.1, the real CLI as separate processes.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { presetConfig } from '../schemas/presets.js';
import { buildId } from '../schemas/identity.js';
import { QueueClient, startBuildRun } from '../workers/build-flow.js';
import { startRun } from '../workers/build-registry.js';
import { queueTarget } from '../workers/queue-connection.js';
import { DEFAULT_RETRY } from '../workers/queue-jobs.js';
import { tempDir } from './helpers/build-fixture.js';
import {
  REDIS_6379, buildCounts, cleanUp, episodesOf, freePort, keyCount, runCli, startCli, startWorker, testPrefix, waitFor,
} from './helpers/queue-fixture.js';

const root = tempDir('queue-control');

after(cleanUp);

describe('queued builds: refusals', { timeout: 300_000 }, () => {
  test('a bad config, an unreachable or mistyped Redis are one clear line, and nothing is enqueued', async () => {
    const prefix = testPrefix('refuse');
    const cfg = join(root, 'bad.yaml');
    writeFileSync(cfg, 'episodes: 2\ncameras:\n  - name: base\n    width: 256\n    height: -3\n    fov_y_deg: 50\n    position: [0, 0, 1]\n    target: [0, 0, 0]\n');
    const out = join(root, 'bad-out');
    const bad = await runCli(['build', cfg, '--out', out, '--redis', REDIS_6379, '--prefix', prefix]);
    assert.notEqual(bad.status, 0);
    assert.deepEqual(bad.stderr.trim().split('\n').length, 1, bad.stderr);
    assert.match(bad.stderr, /bad\.yaml: cameras\.0\.height/);

    const t0 = Date.now();
    const down = await runCli(['build', '--preset', 'smoke', '--out', out, '--redis', 'redis://127.0.0.1:6399', '--prefix', prefix]);
    assert.notEqual(down.status, 0);
    assert.equal(down.stderr.trim(), 'spatialgen: cannot reach Redis at redis://127.0.0.1:6399: connect ECONNREFUSED 127.0.0.1:6399');
    assert.ok(Date.now() - t0 < 15_000, `gave up after ${Date.now() - t0} ms`);

    const scheme = await runCli(['worker', '--redis', 'http://127.0.0.1:6379']);
    assert.notEqual(scheme.status, 0);
    assert.match(scheme.stderr.trim(), /^spatialgen: --redis must be a redis:\/\/ or rediss:\/\/ URL/);

    const queues = await runCli(['worker', '--redis', REDIS_6379, '--queues', 'episodes,trains']);
    assert.notEqual(queues.status, 0);
    assert.match(queues.stderr.trim(), /^spatialgen: --queues: unknown queue trains \(known: episodes, builds, train\)/);

    assert.ok(!existsSync(out), 'no output directory');
    assert.equal(await keyCount(REDIS_6379, prefix), 0, 'nothing written to Redis');
  });

  test('a payload that cannot be right is refused before the flow is written', async () => {
    const prefix = testPrefix('payload');
    const q = new QueueClient(queueTarget(REDIS_6379, prefix)!);
    try {
      const config = presetConfig('smoke');
      await assert.rejects(startBuildRun(q, config, 'relative/out', DEFAULT_RETRY), /bad episode job payload: outDir: must be an absolute path/);
      assert.equal(await keyCount(REDIS_6379, prefix), 0, 'nothing written to Redis');
    } finally {
      await q.close();
    }
  });

  test('malformed jobs fail alone, at once, with a one-line reason; the worker goes on', async () => {
    const prefix = testPrefix('badjobs');
    const w = await startWorker(REDIS_6379, prefix);
    const redis = new Redis(REDIS_6379, { maxRetriesPerRequest: null });
    const queue = new Queue('episodes', { connection: redis, prefix });
    try {
      const jobs = await Promise.all([
        queue.add('episode', { buildId: 'not-a-build', outDir: '/tmp/x', index: 0 }, { attempts: 3 }),
        queue.add('episode', { buildId: '0123456789abcdef', outDir: 'relative', index: 0 }, { attempts: 3 }),
        queue.add('episode', { buildId: '0123456789abcdef', outDir: '/tmp/x', index: -1, extra: 1 }, { attempts: 3 }),
        queue.add('mystery', { hello: 'world' }, { attempts: 3 }),
        queue.add('episode', { buildId: '0123456789abcdef', outDir: '/tmp/x', index: 0 }, { attempts: 3 }),
      ]);
      const want = [
        /^bad episode job payload: buildId: must be 16 lowercase hex digits$/,
        /^bad episode job payload: outDir: must be an absolute path/,
        /^bad episode job payload: /,
        /^unknown job name "mystery"/,
        /^build 0123456789abcdef is not recorded at prefix /,
      ];
      for (const [i, job] of jobs.entries()) {
        const failed = await waitFor(`job ${i} to fail`, async () => ((await queue.getJob(job.id!))?.failedReason ? queue.getJob(job.id!) : null), 60_000);
        assert.match(failed!.failedReason, want[i]);
        assert.ok(!failed!.failedReason.includes('\n'), 'one line');
        assert.equal(failed!.attemptsMade, 1, 'not retried: it would fail the same way');
      }
      assert.equal(w.child.exitCode, null, 'the worker is still running');
    } finally {
      await queue.close();
      redis.disconnect();
      w.child.kill('SIGTERM');
      await w.exited;
    }
  });
});

describe('queued jobs that cannot be right (issue 10, points 10 and 11)', { timeout: 300_000 }, () => {
  test('a job whose data is not JSON, or that names another folder than its run, fails at once with one line', async () => {
    const prefix = testPrefix('notjson');
    const redis = new Redis(REDIS_6379, { maxRetriesPerRequest: null });
    const episodes = new Queue('episodes', { connection: redis, prefix });
    const builds = new Queue('builds', { connection: redis, prefix });
    // a recorded build to aim at (its record only: nothing of it is enqueued)
    const config = presetConfig('smoke');
    const id = buildId(config);
    const out = join(root, 'notjson-out');
    await startRun(redis, prefix, { buildId: id, kind: 'build', configJson: JSON.stringify(config), outDir: out, total: config.episodes, run: 1, created: Date.now() }, [], []);
    const garbled = await episodes.add('episode', { buildId: id, outDir: out, index: 0 }, { attempts: 3 });
    // what a client that writes Redis by hand, or a damaged store, can leave: data BullMQ cannot parse
    await redis.hset(`${prefix}:episodes:${garbled.id}`, 'data', '{"buildId": "' + id);
    const jobs = [
      { queue: episodes, job: garbled, says: /^episode job data is not JSON \(.*JSON/ },
      { queue: builds, job: await builds.add('build', { buildId: id, outDir: '/', run: 1 }, { attempts: 3 }), says: /^bad build job payload: outDir: must name a folder below \// },
      { queue: builds, job: await builds.add('build', { buildId: id, outDir: join(root, 'elsewhere'), run: 1 }, { attempts: 3 }), says: new RegExp(`^build job for ${id} names ".*elsewhere", but that build writes to .*notjson-out$`) },
    ];
    const w = await startWorker(REDIS_6379, prefix);
    try {
      for (const { queue, job, says } of jobs) {
        // read from Redis as stored: BullMQ's own getJob cannot parse the garbled one either
        const key = `${prefix}:${queue.name}:${job.id}`;
        const reason = await waitFor(`job ${job.id} to fail`, () => redis.hget(key, 'failedReason'), 60_000);
        assert.match(reason, says);
        assert.equal(await redis.hget(key, 'atm'), '1', 'not retried, not stalled and taken again');
        assert.notEqual(await redis.zscore(`${prefix}:${queue.name}:failed`, job.id!), null, 'in the failed set');
      }
      assert.equal(w.child.exitCode, null, 'the worker goes on');
      assert.ok(!existsSync(out), 'nothing written');
    } finally {
      await Promise.all([episodes.close(), builds.close()]);
      redis.disconnect();
      w.child.kill('SIGTERM');
      await w.exited;
    }
  });
});

describe('queued builds: a machine that cannot render', { timeout: 300_000 }, () => {
  test('stops with one line instead of failing every episode it takes; the episode stays queued', async () => {
    const prefix = testPrefix('noadapter');
    // no Vulkan driver: Dawn finds no adapter, as on a machine without lavapipe or a GPU driver
    const w = await startWorker(REDIS_6379, prefix, [], { VK_ICD_FILENAMES: join(root, 'no-such-icd.json') });
    const b = await runCli(['build', '--preset', 'smoke', '--episodes', '1', '--out', join(root, 'noadapter'), '--redis', REDIS_6379, '--prefix', prefix, '--workers', '0', '--detach']);
    assert.equal(b.status, 0, b.stderr);
    const r = await waitFor('the worker to stop', () => (w.child.exitCode !== null ? w.exited : null), 120_000, 300);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^spatialgen worker: this machine cannot run episodes \(no WebGPU adapter: install a Vulkan driver/m);
    const redis = new Redis(REDIS_6379, { maxRetriesPerRequest: null });
    const queue = new Queue('episodes', { connection: redis, prefix });
    try {
      const job = await queue.getJob(`${b.stdout.trim()}.r1.e0`);
      assert.ok(job, 'the episode job is still there');
      assert.equal(job.attemptsMade, 1);
      assert.ok(['delayed', 'waiting'].includes(await job.getState()), 'waiting for a machine that can render');
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });
});

describe('queued builds: an episode that fails for good', { timeout: 300_000 }, () => {
  test('is recorded in episodes.arrow with its reason, and the count stays exact', async () => {
    const prefix = testPrefix('failed');
    const out = join(root, 'failed-episode');
    const b = await runCli(['build', '--preset', 'smoke', '--episodes', '2', '--out', out, '--redis', REDIS_6379, '--prefix', prefix, '--workers', '0', '--detach']);
    assert.equal(b.status, 0, b.stderr);
    const id = b.stdout.trim();
    // a rogue worker takes the first queued episode and fails it for good, as a job process that crashed on its last
    // attempt (which episode is queued first follows the splits' shard groups, hence the build id: not assumed)
    const redis = new Redis(REDIS_6379, { maxRetriesPerRequest: null });
    const rogue = new Worker('episodes', null, { connection: redis, prefix, autorun: false });
    let failedIndex = -1;
    try {
      const job = await rogue.getNextJob('rogue-token');
      assert.match(job?.id ?? '', new RegExp(`^${id}\\.r1\\.e[01]$`));
      failedIndex = Number(job!.id!.slice(-1));
      await job!.moveToFailed(new UnrecoverableError('renderer crashed (simulated)'), 'rogue-token', false);
    } finally {
      await rogue.close();
      redis.disconnect();
    }
    const w = await startWorker(REDIS_6379, prefix);
    try {
      await waitFor('the build to finish', async () => (await buildCounts(REDIS_6379, prefix, id)).state === 'done', 180_000, 500);
      const eps = episodesOf(out);
      assert.deepEqual(eps.map((e) => e.episode_index), [0, 1], 'every requested episode is listed');
      assert.equal(eps[failedIndex].success, false);
      assert.equal(eps[failedIndex].failure_reason, 'error: renderer crashed (simulated)');
      const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
      assert.equal(m.counts.episodes_attempted, 2);
      assert.equal(m.counts.episodes_failed, eps.filter((e) => !e.success).length);
      assert.deepEqual(await buildCounts(REDIS_6379, prefix, id).then((c) => [c.done, c.failed >= 1]), [2, true]);
    } finally {
      w.child.kill('SIGTERM');
      await w.exited;
    }
  });
});

describe('queued builds: cancel, resume, two at once, SIGTERM', { timeout: 600_000 }, () => {
  const EPISODES_A = 8;
  test('cancel stops new episodes; resume completes the build; a second build is untouched', async () => {
    const prefix = testPrefix('control');
    const outA = join(root, 'a');
    const outB = join(root, 'b');
    let w = await startWorker(REDIS_6379, prefix);
    const common = ['--preset', 'smoke', '--redis', REDIS_6379, '--prefix', prefix, '--detach'];
    // 8 episodes: enough that some are still queued when `cancel` (a CLI start of a second or two) arrives
    const a = await runCli(['build', ...common, '--episodes', String(EPISODES_A), '--seed', '11', '--out', outA]);
    assert.equal(a.status, 0, a.stderr);
    const b = await runCli(['build', ...common, '--episodes', '3', '--seed', '12', '--out', outB]);
    assert.equal(b.status, 0, b.stderr);
    const [idA, idB] = [a.stdout.trim(), b.stdout.trim()];
    assert.match(idA, /^[0-9a-f]{16}$/);
    assert.notEqual(idA, idB);

    await waitFor('a first episode of build A', async () => (await buildCounts(REDIS_6379, prefix, idA)).done >= 1, 180_000, 300);
    const cancel = await runCli(['cancel', idA, '--redis', REDIS_6379, '--prefix', prefix]);
    assert.equal(cancel.status, 0, cancel.stderr);
    const m = /cancelled build [0-9a-f]{16}: (\d+) queued episodes removed, (\d+) running/.exec(cancel.stdout);
    assert.ok(m, cancel.stdout);
    assert.ok(Number(m[1]) >= 1, 'queued episodes were removed');
    const atCancel = (await buildCounts(REDIS_6379, prefix, idA)).done;

    await waitFor('build B to finish', async () => (await buildCounts(REDIS_6379, prefix, idB)).state === 'done', 240_000, 500);
    const ca = await buildCounts(REDIS_6379, prefix, idA);
    assert.equal(ca.state, 'cancelled');
    assert.ok(ca.done <= atCancel + Number(m[2]) && ca.done < EPISODES_A, `after cancel only the running episodes finished (${atCancel} → ${ca.done})`);
    assert.ok(!existsSync(join(outA, 'manifest.json')), 'a cancelled build is not packed');
    const epsB = episodesOf(outB);
    assert.equal(epsB.length, 3);
    assert.ok(epsB.every((e) => e.episode_id.startsWith(idB.slice(0, 8))), 'build B holds only its own episodes');
    assert.equal(JSON.parse(readFileSync(join(outB, 'manifest.json'), 'utf8')).build_id, idB);

    // resume A; SIGTERM the worker while it runs one of A's episodes: it finishes that episode, then exits 0
    const resume = startCli(['resume', idA, '--redis', REDIS_6379, '--prefix', prefix, '--workers', '0']);
    await waitFor('an episode of build A to run', async () => (await buildCounts(REDIS_6379, prefix, idA)).active >= 1 || resume.child.exitCode !== null, 120_000, 200);
    const before = (await buildCounts(REDIS_6379, prefix, idA)).done;
    w.child.kill('SIGTERM');
    const stopped = await w.exited;
    assert.equal(stopped.status, 0, stopped.stderr);
    assert.match(stopped.stdout, /SIGTERM: finishing running jobs/);
    assert.equal((await buildCounts(REDIS_6379, prefix, idA)).done, before + 1, 'the running episode was finished, not dropped');
    w = await startWorker(REDIS_6379, prefix);
    const r = await waitFor('resume to finish', () => (resume.child.exitCode !== null ? resume.exited : null), 240_000, 500);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /resumed build [0-9a-f]{16} \(run 2\): \d+ episodes enqueued, \d+ already committed/);
    const epsA = episodesOf(outA);
    assert.deepEqual(epsA.map((e) => e.episode_index), [...Array(EPISODES_A).keys()]);
    assert.ok(epsA.every((e) => e.episode_id.startsWith(idA.slice(0, 8))));
    assert.equal((await buildCounts(REDIS_6379, prefix, idA)).state, 'done');
    const st = await runCli(['status', '--redis', REDIS_6379, '--prefix', prefix]);
    assert.match(st.stdout, new RegExp(`${idA}  done\\s+${EPISODES_A}\\s+\\d+\\s+${EPISODES_A}  ${outA.replace(/[/\\]/g, '.')}`));
    assert.match(st.stdout, new RegExp(`${idB}  done\\s+3\\s+\\d+\\s+3  `));
    w.child.kill('SIGTERM');
    await w.exited;
  });
});

describe('queued builds: dashboard and TLS', { timeout: 300_000 }, () => {
  test('the dashboard serves Bull Board on 127.0.0.1 with both queues', async () => {
    const prefix = testPrefix('board');
    const d = startCli(['dashboard', '--redis', REDIS_6379, '--prefix', prefix, '--port', '0']);
    const url = await waitFor('the dashboard URL', () => /http:\/\/127\.0\.0\.1:\d+\//.exec(d.stdout)?.[0] ?? (d.child.exitCode !== null ? 'exited' : null), 60_000);
    assert.notEqual(url, 'exited', d.stderr);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);
    const api = (await (await fetch(`${url}api/queues`)).json()) as { queues: { name: string }[] };
    assert.deepEqual(api.queues.map((q) => q.name).sort(), ['builds', 'episodes']);
    d.child.kill('SIGINT');
    assert.equal((await d.exited).status, 0);
  });

  test('a build over TLS with a password (rediss://)', async (t) => {
    const dir = join(root, 'tls');
    mkdirSync(dir, { recursive: true });
    const sh = (cmd: string) => spawnSync('sh', ['-c', cmd], { cwd: dir, encoding: 'utf8' });
    const certs = sh('openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 -subj /CN=sg-test-ca && ' +
      'openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1 && ' +
      'printf "subjectAltName=IP:127.0.0.1\\n" > ext.cnf && ' +
      'openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 1 -extfile ext.cnf');
    if (certs.status !== 0) return t.skip(`openssl unavailable: ${certs.stderr.split('\n')[0]}`);
    const port = await freePort();
    const server = spawn('redis-server', ['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--tls-cert-file', 'server.crt', '--tls-key-file', 'server.key',
      '--tls-ca-cert-file', 'ca.crt', '--tls-auth-clients', 'no', '--requirepass', 's3cret', '--save', '', '--appendonly', 'no'], { cwd: dir, stdio: 'ignore' });
    try {
      const env = { NODE_EXTRA_CA_CERTS: join(dir, 'ca.crt') };
      const url = `rediss://:s3cret@127.0.0.1:${port}`;
      const up = await waitFor('the TLS Redis', async () => {
        const s = await runCli(['status', '--redis', url, '--prefix', 'sgtls'], env, 30_000);
        if (s.status === 0) return s;
        if (server.exitCode !== null) return { status: -2, stdout: '', stderr: 'redis-server exited (no TLS support?)' };
        return null;
      }, 30_000, 500);
      if (up.status === -2) return t.skip(up.stderr);
      const wrong = await runCli(['status', '--redis', `rediss://:nope@127.0.0.1:${port}`], env);
      assert.equal(wrong.stderr.trim(), `spatialgen: Redis at rediss://:***@127.0.0.1:${port} refused the login: WRONGPASS invalid username-password pair or user is disabled.`);
      const out = join(dir, 'out');
      const r = await runCli(['build', '--preset', 'smoke', '--episodes', '1', '--out', out, '--redis', url, '--prefix', 'sgtls', '--no-progress'], env);
      assert.equal(r.status, 0, r.stderr);
      assert.ok(!r.stderr.includes('s3cret') && !r.stdout.includes('s3cret'), 'the password is never printed');
      assert.equal(episodesOf(out).length, 1);
    } finally {
      server.kill('SIGKILL');
    }
  });
});

