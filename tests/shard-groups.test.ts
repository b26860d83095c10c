// Shard groups and finalize's assembly (issue 5, shard jobs): stats merged from parts equal single-pass stats,
// parts numbered across groups, the rename step safe to run again after a crash, and exactly-once checks. Real
// files, real Arrow; the fragments are the dataset-writer tests' synthetic episodes.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Field, FixedSizeList, Float32, Float64, List, Schema } from 'apache-arrow';
import {
  assembleDataset, listFragments, packDataset, packGroup, partLimits, readGroupRecord, shardsDir, StatsAccumulator, writeFragment,
  type AssembleOptions, type FragmentInfo, type GroupKey,
} from '../export/index.js';
import { readArrowStream } from './helpers/arrow-read.js';
import { OUTPUTS, filesOf, makeImages } from './helpers/fragment-fixtures.js';

/** A seeded stream of floats in [-1, 1) (mulberry32): the same rows every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * 2 - 1;
  };
}

const SCHEMA = new Schema([
  new Field('x', new Float64(), true),
  new Field('v', new FixedSizeList(3, new Field('item', new Float32(), true)), true),
  new Field('pts', new List(new Field('item', new FixedSizeList(2, new Field('item', new Float64(), true)), true)), true),
]);

function rows(n: number, seed: number): Record<string, unknown>[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => ({
    // an offset (naive sums of squares would cancel); nulls and NaN must be skipped
    x: i % 17 === 5 ? null : i % 23 === 7 ? NaN : 40 + r() * 3,
    v: [r(), Math.fround(r() * 100), i % 11 === 0 ? null : r()],
    pts: Array.from({ length: i % 4 }, () => [r(), r() * 5]),
  }));
}

function single(all: Record<string, unknown>[], max?: number): StatsAccumulator {
  const a = new StatsAccumulator(SCHEMA, max);
  for (const r of all) a.addRecord(r);
  return a;
}

/** The rows cut at `cuts`, each part accumulated alone, its state encoded, and the states merged in order. */
function merged(all: Record<string, unknown>[], cuts: number[], max?: number): StatsAccumulator {
  const out = new StatsAccumulator(SCHEMA, max);
  const bounds = [0, ...cuts, all.length];
  for (let p = 0; p + 1 < bounds.length; p++) out.mergeState(single(all.slice(bounds[p], bounds[p + 1]), max).encodeState());
  return out;
}

describe('stats merged from parts', () => {
  const all = rows(3000, 7);
  const cuts = [0, 1, 250, 251, 1400, 2999];

  it('equal single-pass stats: count, min, max exact; mean and std to 1e-12 (relative); quantiles exact under the cap', () => {
    const a = single(all).result();
    const b = merged(all, cuts).result();
    assert.deepEqual(Object.keys(b), Object.keys(a));
    for (const k of Object.keys(a)) {
      assert.deepEqual([b[k].count, b[k].min, b[k].max], [a[k].count, a[k].min, a[k].max], k);
      assert.deepEqual([b[k].q01, b[k].q99], [a[k].q01, a[k].q99], `${k} quantiles`);
      for (const q of ['mean', 'std'] as const) {
        a[k][q].forEach((x, i) => assert.ok(Math.abs(b[k][q][i] - x) <= 1e-12 * Math.max(1, Math.abs(x)), `${k}.${q}[${i}]: ${b[k][q][i]} vs ${x}`));
      }
    }
    assert.equal(a.x.count[0], all.filter((r) => typeof r.x === 'number' && Number.isFinite(r.x)).length);
    assert.equal(a.pts.count[0], all.reduce((n, r) => n + (r.pts as unknown[]).length, 0));
  });

  it('one part merged into an empty accumulator is that part, bit for bit, over the cap too', () => {
    for (const max of [undefined, 64]) {
      assert.equal(JSON.stringify(merged(all, [], max).result()), JSON.stringify(single(all, max).result()));
    }
  });

  it('past the cap: deterministic, exact counts and extremes, quantiles from a subsample', () => {
    const a = merged(all, cuts, 64);
    assert.deepEqual(a.encodeState(), merged(all, cuts, 64).encodeState(), 'same parts, same order → same bits');
    const exact = single(all).result();
    const got = a.result();
    assert.deepEqual([got.x.count, got.x.min, got.x.max], [exact.x.count, exact.x.min, exact.x.max]);
    assert.ok(Math.abs(got.x.mean[0] - exact.x.mean[0]) < 1e-9);
    // a 1-in-64 systematic subsample of uniform values: the 1 % quantile is near the bottom of the range
    assert.ok(got.x.q01[0] >= exact.x.min[0] && got.x.q01[0] < exact.x.min[0] + 0.3, `q01 ${got.x.q01[0]}`);
  });
});

describe('shard groups and finalize', () => {
  let root: string;
  let work: string;
  let infos: FragmentInfo[];
  const limits = partLimits({ stage1: 3, stage2: 4 });
  // train: episodes 0, 1 (failed), 3; validation: 2
  const GROUPS: [GroupKey, number[]][] = [[{ split: 'train', group: 0 }, [0, 1]], [{ split: 'train', group: 1 }, [3]], [{ split: 'validation', group: 0 }, [2]]];
  const opts = (): AssembleOptions => ({
    workDir: work, config: { test: 'groups' }, codeVersion: { name: 'spatialgen', version: '0.0.0-test', git_commit: null },
    splits: ['train', 'validation'], groups: GROUPS.map(([k]) => k),
  });
  const packAll = async () => {
    for (const [k, idx] of GROUPS) await packGroup(work, k, infos.filter((i) => idx.includes(i.episode.episode_index)), { limits });
  };

  before(async () => {
    await makeImages();
    root = mkdtempSync(join(tmpdir(), 'sg-groups-'));
    work = join(root, 'work');
    for (const o of OUTPUTS()) await writeFragment(work, o);
    infos = await listFragments(work);
    await packAll();
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('parts are numbered per (kind, split) across groups; rows and stats match packing in one group', async () => {
    const out = join(root, 'out');
    const m = (await assembleDataset(out, opts())).manifest;
    // train group 0: stage-2 rows 5 (episode 1 failed) → parts 4 + 1; group 1: 4 rows → 1 part
    assert.deepEqual(m.shards.filter((s) => s.kind === 'stage2').map((s) => `${s.path}:${s.rows}`), [
      'stage2/train-00000-of-00003.arrow:4', 'stage2/train-00001-of-00003.arrow:1', 'stage2/train-00002-of-00003.arrow:4',
      'stage2/validation-00000-of-00001.arrow:3',
    ]);
    const work1 = join(root, 'work1');
    for (const o of OUTPUTS()) await writeFragment(work1, o);
    const one = join(root, 'one');
    const m1 = (await packDataset(one, { workDir: work1, config: { test: 'groups' }, rowsPerShard: { stage1: 3, stage2: 4 }, splits: ['train', 'validation'] })).manifest;
    assert.deepEqual(m.counts, m1.counts);
    assert.deepEqual(m.splits, m1.splits);
    const rowsOf = (dir: string, mm: typeof m) => mm.shards.filter((s) => s.kind === 'stage2').flatMap((s) => readArrowStream(join(dir, s.path)).rows().map((r) => `${r.episode_id}/${r.frame_index}`));
    assert.deepEqual(rowsOf(out, m), rowsOf(one, m1), 'the same rows in the same order, only cut differently');
    assert.ok(readFileSync(join(out, 'episodes.arrow')).equals(readFileSync(join(one, 'episodes.arrow'))));
    const [sa, sb] = [out, one].map((d) => JSON.parse(readFileSync(join(d, 'stats.json'), 'utf8')) as Record<string, Record<string, number[]>>);
    for (const k of Object.keys(sb)) {
      assert.deepEqual([sa[k].count, sa[k].min, sa[k].max, sa[k].q01, sa[k].q99], [sb[k].count, sb[k].min, sb[k].max, sb[k].q01, sb[k].q99], k);
      sb[k].mean.forEach((x, i) => assert.ok(Math.abs(sa[k].mean[i] - x) <= 1e-12 * Math.max(1, Math.abs(x)), k));
    }
  });

  it('finalize is safe to run again: after a crash in the middle of the renames, and after it completed', async () => {
    const out = join(root, 'crash');
    await packAll(); // the parts of the test before went into its dataset
    const first = (await assembleDataset(out, opts())).manifest.shards.find((x) => x.kind === 'stage1')!;
    const whole = filesOf(out);
    // the groups packed again (as by a retried shard job), then a finalize that died after its first rename
    await packAll();
    rmSync(join(out, 'manifest.json'));
    rmSync(join(out, 'stage2', 'train-00001-of-00003.arrow'));
    const g0 = (await readGroupRecord(work, { split: 'train', group: 0 }))!;
    renameSync(join(shardsDir(work), g0.parts[0].path), join(out, first.path));
    writeFileSync(join(out, 'stage2', '.train-00002-of-00003.arrow.77.abcd.tmp'), 'half');
    writeFileSync(join(out, 'stage1', 'train-00000-of-00009.arrow'), 'stale');
    await assembleDataset(out, opts());
    assert.deepEqual(filesOf(out), whole);
    // every part is in place now, none left in the work directory: a third run changes nothing
    await assembleDataset(out, opts());
    assert.deepEqual(filesOf(out), whole);
    // a shard that is not what its group recorded is refused, not listed
    writeFileSync(join(out, 'stage2', 'validation-00000-of-00001.arrow'), 'other bytes');
    await assert.rejects(assembleDataset(out, opts()), /shard part .*validation-g0\/stage2-00000\.arrow is gone, and .*validation-00000-of-00001\.arrow holds other bytes/);
  });

  it('exactly once: an episode in no group or in two, or a group not committed, fails before anything is written', async () => {
    const out = join(root, 'once');
    await assert.rejects(assembleDataset(out, { ...opts(), groups: [{ split: 'train', group: 0 }, { split: 'validation', group: 0 }] }), /1 committed episode is in no shard group \(first: ep0003\)/);
    await assert.rejects(assembleDataset(out, { ...opts(), groups: [...opts().groups, { split: 'train', group: 1 }] }), /episode 3 is in two shard groups/);
    await assert.rejects(assembleDataset(out, { ...opts(), groups: [...opts().groups, { split: 'train', group: 7 }] }), /shard group train-g7 has not committed/);
    assert.ok(!existsSync(out), 'nothing written');
  });
});
