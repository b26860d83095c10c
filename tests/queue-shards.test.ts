// Shard jobs of queued builds (issue 5): a build of 8 episodes in groups of 2 really runs as
// build ← finalize ← shard(split, group) ← episodes, writes the embedded build's dataset file for file, and stays
// exact when the worker that packs is SIGKILLed while a shard job runs, and again while finalize runs. Real Redis,
// the real CLI as separate processes.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { type BuildConfig, parseBuildConfig } from '../schemas/config.js';
import { presetConfig } from '../schemas/presets.js';
import { buildId, episodeId, episodeSplit, shardGroups } from '../schemas/identity.js';
import { writeFragment } from '../export/fragment.js';
import { failedOutput } from '../workers/failed-episode.js';
import { parsePayload } from '../workers/queue-jobs.js';
import { workDirOf, writeBuildMarker } from '../workers/work-dir.js';
import { spatialgen, tempDir } from './helpers/build-fixture.js';
import { readArrowStream } from './helpers/arrow-read.js';
import {
  REDIS_6379, activeJobs, buildCounts, cleanUp, fileHashes, manifestSansCode, runCli, startCli, startWorker, testPrefix, waitFor, type Proc,
} from './helpers/queue-fixture.js';

const root = tempDir('queue-shards');
const configPath = join(root, 'shards.yaml');
const reference = join(root, 'embedded');
// 8 episodes, 40 % held out, groups of 2: two splits with a short last group each (e.g. train [0,1] [2,5] [6],
// validation [3,4] [7]), and shards of 20 rows, so each group packs several parts (a smoke episode has ~45 frames).
// Which episode lands in which split moves with every new config key: the seed is the first from 3 whose split gives
// both an odd count of 3 or more, so the rules below always meet a short last group in each split.
const configFor = (seed: number) => parseBuildConfig({
  ...presetConfig('smoke'), seed, episodes: 8, splits: { validation: 0.4 }, output: { rows_per_shard: 20, episodes_per_shard_job: 2 },
}, 'test');
const splitCounts = (c: BuildConfig) => {
  const splits = Array.from({ length: c.episodes }, (_, i) => episodeSplit(c, episodeId(buildId(c), i)));
  return ['train', 'validation'].map((s) => splits.filter((x) => x === s).length);
};
let seed = 3;
while (!splitCounts(configFor(seed)).every((n) => n >= 3 && n % 2 === 1)) seed++;
const config = configFor(seed);
const id = buildId(config);
const run1 = (s: string) => `${id}.r1.${s}`;

function assertSameDataset(dir: string): void {
  assert.ok(!existsSync(join(dir, '.work')), 'work directory removed');
  assert.deepEqual(fileHashes(dir, ['manifest.json']), fileHashes(reference, ['manifest.json']), 'every file byte-identical to the embedded build');
  assert.deepEqual(manifestSansCode(dir), manifestSansCode(reference));
}

describe('queued builds: shard jobs', { timeout: 600_000 }, () => {
  before(() => {
    writeFileSync(configPath, JSON.stringify(config)); // JSON is YAML
    const r = spatialgen(['build', configPath, '--out', reference, '--workers', '2', '--no-progress']);
    assert.equal(r.status, 0, r.stderr);
  });
  after(cleanUp);

  test('a shard payload is checked: a bad one is one line, before anything is enqueued', () => {
    const ok = { buildId: id, outDir: root, run: 1, split: 'train', group: 0 };
    assert.deepEqual(parsePayload('shard', ok), ok);
    assert.throws(() => parsePayload('shard', { ...ok, split: 'val-set' }), /^BadPayloadError: bad shard job payload: split: must be letters, digits and _/);
    assert.throws(() => parsePayload('shard', { ...ok, group: -1 }), /^BadPayloadError: bad shard job payload: group: /);
    assert.throws(() => parsePayload('shard', { ...ok, index: 0 }), /^BadPayloadError: bad shard job payload: /);
  });

  test('the flow is build ← finalize ← shard(split, group) ← episodes, and the dataset is the embedded one', async () => {
    const groups = shardGroups(config);
    // each split's episodes in index order, cut into runs of 2 (its last may be short); every episode in one group
    const [train, validation] = splitCounts(config);
    assert.deepEqual(groups.map((g) => g.split), [...Array(Math.ceil(train / 2)).fill('train'), ...Array(Math.ceil(validation / 2)).fill('validation')]);
    for (const split of ['train', 'validation']) {
      const mine = groups.filter((g) => g.split === split);
      assert.deepEqual(mine.map((g) => g.group), mine.map((_, i) => i));
      const all = mine.flatMap((g) => g.indices);
      assert.deepEqual(all, [...all].sort((a, b) => a - b));
      assert.ok(mine.slice(0, -1).every((g) => g.indices.length === 2) && mine.at(-1)!.indices.length === 1, `${split}: ${mine.map((g) => g.indices).join(' | ')}`);
      for (const i of all) assert.equal(episodeSplit(config, episodeId(id, i)), split);
    }
    assert.deepEqual(groups.flatMap((g) => g.indices).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7]);
    const prefix = testPrefix('shards');
    const w = await startWorker(REDIS_6379, prefix);
    try {
      const r = await runCli(['build', configPath, '--out', join(root, 'queued'), '--redis', REDIS_6379, '--prefix', prefix, '--workers', '0', '--no-progress']);
      assert.equal(r.status, 0, r.stderr);
      assertSameDataset(join(root, 'queued'));
    } finally {
      w.child.kill('SIGTERM');
      await w.exited;
    }
    assert.match(w.stdout, new RegExp(`shard ${run1('strain.g0')}: done`));
    // what BullMQ holds of the finished flow: finalize's children are the shard jobs, theirs the group's episodes
    const redis = new Redis(REDIS_6379, { maxRetriesPerRequest: null });
    const builds = new Queue('builds', { connection: redis, prefix });
    try {
      const finalize = await Job.fromId(builds, run1('finalize'));
      assert.ok(finalize, 'the finalize job is kept');
      const ids = (deps: Record<string, unknown> | undefined) => Object.keys(deps ?? {}).map((k) => k.slice(k.lastIndexOf(':') + 1)).sort();
      const shardIds = ids((await finalize.getDependencies()).processed);
      assert.deepEqual(shardIds, groups.map((g) => run1(`s${g.split}.g${g.group}`)).sort());
      const episodes = readArrowStream(join(reference, 'episodes.arrow')).rows();
      let packed = 0;
      for (const g of groups) {
        const shard = await Job.fromId(builds, run1(`s${g.split}.g${g.group}`));
        assert.equal(shard?.name, 'shard');
        assert.deepEqual(shard.data, { buildId: id, outDir: join(root, 'queued'), run: 1, split: g.split, group: g.group });
        assert.deepEqual(ids((await shard.getDependencies()).processed), g.indices.map((i) => run1(`e${i}`)).sort(), `${g.split}.${g.group} episodes`);
        const value = shard.returnvalue as { episodes: number; parts: number };
        assert.equal(value.episodes, g.indices.length);
        // a stage-1 and a stage-2 part at least where an episode of the group succeeded (failed ones are left out)
        const succeeded = g.indices.filter((i) => episodes[i].success).length;
        assert.ok(succeeded > 0 ? value.parts >= 2 : value.parts === 0, `${g.split}.${g.group} packed ${value.parts} parts of ${succeeded} successful episodes`);
        packed += value.parts;
      }
      assert.ok(packed >= 2 * groups.length - 2, `${packed} parts packed in ${groups.length} groups`);
    } finally {
      await builds.close();
      redis.disconnect();
    }
  });

  test('the packing worker SIGKILLed while a shard job runs, and again in finalize: the dataset is still exact', async (t) => {
    const prefix = testPrefix('shard-kill');
    const out = join(root, 'killed');
    // one worker renders, the other only packs: every shard job and finalize runs on the packer
    const renderer = await startWorker(REDIS_6379, prefix, ['--queues', 'episodes']);
    const packers: Proc[] = [await startWorker(REDIS_6379, prefix, ['--queues', 'builds'])];
    const build = startCli(['build', configPath, '--out', out, '--redis', REDIS_6379, '--prefix', prefix, '--workers', '0', '--no-progress']);
    const kills: string[] = [];
    const killPacker = async (during: RegExp): Promise<string | null> => {
      const job = await waitFor(`a job like ${during} to run`, async () => {
        if (build.child.exitCode !== null) return 'exited';
        return (await activeJobs(REDIS_6379, prefix, 'builds')).find((j) => during.test(j)) ?? null;
      }, 240_000, 10);
      if (job === 'exited') return null;
      packers[0].child.kill('SIGKILL');
      await packers[0].exited;
      kills.push(job);
      packers.unshift(await startWorker(REDIS_6379, prefix, ['--queues', 'builds']));
      return job;
    };
    const shard = await killPacker(/\.s\w+\.g\d+$/);
    const finalize = await killPacker(/\.finalize$/);
    const r = await waitFor('the build to finish', () => (build.child.exitCode !== null ? build.exited : null), 300_000, 500);
    t.diagnostic(`killed the packer while it ran ${kills.join(', ')}`);
    assert.equal(r.status, 0, `${r.stderr}\nkilled during ${kills.join(', ')}`);
    assert.ok(shard && finalize, `killed during ${kills.join(', ')}`);
    // each killed job ran to the end once its lock expired (on the restarted packer, unless it was just done)
    const logs = packers.map((p) => p.stdout).join('');
    for (const job of kills) assert.ok(logs.includes(`${job}: done`), `${job} completed:\n${logs}`);
    assertSameDataset(out);
    for (const w of [renderer, packers[0]]) w.child.kill('SIGTERM');
    for (const w of [renderer, packers[0]]) assert.equal((await w.exited).status, 0);
  });

  test('a shard job that cannot pack fails the build with its reason, in one line', async () => {
    const prefix = testPrefix('shard-fail');
    const out = join(root, 'bad-fragment');
    // an unfinished run of this build whose (successful, so packed) episode 0 had its fragment rewritten after commit
    await writeBuildMarker(out, id);
    const ep0 = failedOutput(config, 0, '');
    const info = await writeFragment(workDirOf(out), { ...ep0, episode: { ...ep0.episode, success: true, failure_reason: null } });
    appendFileSync(join(workDirOf(out), 'fragments', info.stage1.path), 'x');
    const r = await runCli(['build', configPath, '--out', out, '--redis', REDIS_6379, '--prefix', prefix, '--workers', '1', '--no-progress']);
    assert.notEqual(r.status, 0);
    const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('episode ') && !l.startsWith('queued build'));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], new RegExp(`^spatialgen: build ${id} failed: shard: fragment file ${info.stage1.path} does not match its commit record`));
    assert.ok(!existsSync(join(out, 'manifest.json')), 'nothing assembled');
    assert.equal((await buildCounts(REDIS_6379, prefix, id)).state, 'failed');
  });
});
