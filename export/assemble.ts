// Assembling: committed shard groups (export/shard-group.ts) → the dataset directory of SPEC §A dataset directory.
// What finalize does, for builds and for `packDataset` alike.
//
// Exactly once: every committed fragment must be in exactly one group, and every group's packed episodes must be
// the fragments it says, or nothing is written. Shards: the parts of each (kind, split) are numbered across the
// groups in group order → `<kind>/<split>-<i>-of-<N>.arrow`, and renamed into place — the same file system, so
// each shard appears whole or not at all. Crash safety: manifest.json is removed first and written last; a run
// after a crash skips parts already at their final name with the recorded sha256, and removes any other `.arrow`
// and temp file it finds, so assembling again gives the same directory. Only one assembly may run on a directory
// at a time.
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { TASK_TYPES, type TaskType } from '../schemas/records.js';
import { layoutKey, stage2SchemaFor, type Stage2Layout } from '../schemas/stage2.js';
import { fsyncDir, readVerified, removeTempFiles, sha256File, sha256Hex, writeFileAtomic } from './atomic.js';
import { listFragments, type FragmentInfo } from './fragment.js';
import {
  codeVersion, manifestJson, MANIFEST_FORMAT, MANIFEST_VERSION, RESERVED_MANIFEST_KEYS,
  type CodeVersion, type Counts, type FileInfo, type Manifest, type ShardInfo, type SplitCounts,
} from './manifest.js';
import { checkSplitName, groupName, readGroupRecord, shardsDir, unionLayout, type GroupKey, type GroupRecord } from './shard-group.js';
import { shardName } from './shard-plan.js';
import { StatsAccumulator } from './stats.js';
import { datasetId } from '../schemas/identity.js';
import { episodesToIpc } from './tables.js';

export interface AssembleOptions {
  /** where the fragments and shard groups were committed */
  workDir: string;
  /** the full resolved config, stored in the manifest as given */
  config: unknown;
  /** default: first 16 hex digits of sha256 of the config's JSON, so equal configs give equal ids */
  buildId?: string;
  /** default: codeVersion() (package.json version + git HEAD) */
  codeVersion?: CodeVersion;
  /** every split, in order (each is listed in the manifest, with or without episodes) */
  splits: readonly string[];
  /** the shard groups in (split, group) order; each must be committed */
  groups: readonly GroupKey[];
  /** stage-2 layout when no episode has frames; when given it must match the fragments' cameras */
  layout?: Stage2Layout;
  /** the groups packed failed episodes' rows too */
  includeFailed?: boolean;
  /** fail unless exactly this many fragments are committed */
  expectedEpisodes?: number;
  /** extra top-level manifest fields (e.g. skipped_assets, source, calibration); must not clash with reserved keys */
  extra?: Record<string, unknown>;
  statsMaxSamples?: number;
}

export interface PackResult {
  manifest: Manifest;
  manifestPath: string;
}

/** One part's move: from the work directory to its shard name in the dataset. */
export interface Placement {
  /** absolute */
  from: string;
  /** absolute */
  to: string;
  bytes: number;
  sha256: string;
}

/**
 * Renames each part to its shard name. Re-runnable: a part no longer in the work directory must already be at its
 * final name with the recorded size and sha256 (an earlier run moved it), or this throws.
 */
export async function placeParts(placements: readonly Placement[]): Promise<void> {
  const dirs = new Set<string>();
  for (const p of placements) {
    await mkdir(dirname(p.to), { recursive: true });
    try {
      await rename(p.from, p.to);
      dirs.add(dirname(p.to));
      continue;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const there = await stat(p.to).catch(() => null);
    if (!there || there.size !== p.bytes || (await sha256File(p.to)) !== p.sha256) {
      throw new Error(`shard part ${p.from} is gone, and ${p.to} ${there ? 'holds other bytes' : 'is missing'}`);
    }
  }
  // the renames themselves survive a power loss only once their directories are synced
  for (const d of dirs) await fsyncDir(d);
}

/** Reasons read "<code>: <detail>" (e.g. "push_short: object moved 3.1 cm of 9.0 cm"); counts are kept per code. */
export function failureCode(reason: string | null): string {
  return (reason ?? 'unknown').split(':')[0].trim() || 'unknown';
}

async function clearOutputs(outDir: string, keep: ReadonlySet<string>): Promise<void> {
  // manifest first: while it is absent the directory is visibly incomplete, whatever state the rest is in
  await rm(join(outDir, 'manifest.json'), { force: true });
  await removeTempFiles(outDir);
  for (const sub of ['stage1', 'stage2']) {
    const dir = join(outDir, sub);
    await removeTempFiles(dir);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const n of names.filter((x) => x.endsWith('.arrow') && !keep.has(`${sub}/${x}`)).sort()) await rm(join(dir, n), { force: true });
  }
}

/** Exactly once: each fragment in one group of its split, and each group's packed rows those of its fragments. */
function checkGroups(records: readonly GroupRecord[], infos: readonly FragmentInfo[], layout: Stage2Layout | null, includeFailed: boolean): void {
  const byIndex = new Map(infos.map((i) => [i.episode.episode_index, i]));
  const seen = new Set<number>();
  for (const r of records) {
    const name = groupName(r);
    for (const e of r.episodes) {
      const info = byIndex.get(e);
      if (!info) throw new Error(`shard group ${name} packed episode ${e}, which has no committed fragment`);
      if (info.episode.split !== r.split) throw new Error(`shard group ${name} holds episode ${e} of split ${info.episode.split}`);
      if (seen.has(e)) throw new Error(`episode ${e} is in two shard groups`);
      seen.add(e);
    }
    const want = r.episodes.filter((e) => includeFailed || byIndex.get(e)!.episode.success);
    if (want.join(',') !== r.packed.join(',')) throw new Error(`shard group ${name} packed episodes [${r.packed}], its fragments say [${want}]`);
    const s2 = r.parts.some((p) => p.kind === 'stage2');
    if (s2 && (!r.layout || !layout || layoutKey(r.layout) !== layoutKey(layout))) {
      throw new Error(`shard group ${name} was packed with stage-2 layout ${r.layout ? layoutKey(r.layout) : 'none'}, the dataset has ${layout ? layoutKey(layout) : 'none'}`);
    }
  }
  const lost = infos.filter((i) => !seen.has(i.episode.episode_index));
  if (lost.length > 0) throw new Error(`${lost.length} committed episode${lost.length === 1 ? ' is' : 's are'} in no shard group (first: ${lost[0].episode.episode_id})`);
}

/** Moves the committed groups' parts into the dataset directory and writes episodes.arrow, stats.json and, last, manifest.json. */
export async function assembleDataset(outDir: string, opts: AssembleOptions): Promise<PackResult> {
  for (const k of Object.keys(opts.extra ?? {})) {
    if ((RESERVED_MANIFEST_KEYS as readonly string[]).includes(k)) throw new Error(`extra manifest field ${k} is reserved`);
  }
  for (const s of opts.splits) checkSplitName(s);
  if (new Set(opts.splits).size !== opts.splits.length) throw new Error(`splits [${opts.splits.join(', ')}] name a split twice`);
  const infos = await listFragments(opts.workDir);
  if (opts.expectedEpisodes !== undefined && infos.length !== opts.expectedEpisodes) {
    throw new Error(`expected ${opts.expectedEpisodes} committed episodes, found ${infos.length}`);
  }
  const layout = unionLayout(infos, opts.layout);
  if (opts.layout && layout && layoutKey(opts.layout) !== layoutKey(layout)) {
    throw new Error(`fragments need stage-2 layout ${layoutKey(layout)}, not the given ${layoutKey(opts.layout)}`);
  }
  const records: GroupRecord[] = [];
  for (const k of opts.groups) {
    if (!opts.splits.includes(k.split)) throw new Error(`shard group ${groupName(k)} is of no listed split`);
    const r = await readGroupRecord(opts.workDir, k);
    if (!r) throw new Error(`shard group ${groupName(k)} has not committed`);
    records.push(r);
  }
  checkGroups(records, infos, layout, opts.includeFailed ?? false);

  // shard names: the parts of each (kind, split) numbered in group order
  const shards: ShardInfo[] = [];
  const placements: Placement[] = [];
  const splitCounts: Record<string, SplitCounts> = {};
  for (const split of opts.splits) {
    const rows = { stage1: 0, stage2: 0 };
    for (const kind of ['stage1', 'stage2'] as const) {
      const parts = records.filter((r) => r.split === split).flatMap((r) => r.parts.filter((p) => p.kind === kind));
      parts.forEach((p, i) => {
        const path = `${kind}/${shardName(split, i, parts.length)}`;
        shards.push({ kind, split, path, rows: p.rows, bytes: p.bytes, sha256: p.sha256 });
        placements.push({ from: join(shardsDir(opts.workDir), p.path), to: join(outDir, path), bytes: p.bytes, sha256: p.sha256 });
        rows[kind] += p.rows;
      });
    }
    const inSplit = infos.filter((i) => i.episode.split === split);
    splitCounts[split] = {
      episodes: inSplit.length,
      episodes_succeeded: inSplit.filter((i) => i.episode.success).length,
      frames: rows.stage2,
      stage1_samples: rows.stage1,
    };
  }
  await clearOutputs(outDir, new Set(shards.map((s) => s.path)));
  await placeParts(placements);

  const stats = layout ? new StatsAccumulator(stage2SchemaFor(layout), opts.statsMaxSamples) : null;
  for (const r of records) {
    if (!r.stats || !stats) continue;
    stats.mergeState(await readVerified(join(shardsDir(opts.workDir), r.stats.path), r.stats, `stats state of shard group ${groupName(r)}`));
  }
  const files = [
    await fileInfo(outDir, 'episodes.arrow', episodesToIpc(infos.map((i) => i.episode)), infos.length),
    await fileInfo(outDir, 'stats.json', new TextEncoder().encode(`${JSON.stringify(stats?.result() ?? {}, null, 2)}\n`)),
  ];
  const packed = new Set(records.flatMap((r) => r.packed));
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    format_version: MANIFEST_VERSION,
    build_id: opts.buildId ?? datasetId(opts.config),
    code_version: opts.codeVersion ?? codeVersion(),
    config: opts.config,
    counts: counts(infos, packed, splitCounts),
    splits: splitCounts,
    stage2_layout: layout,
    shards,
    files,
    ...(opts.extra ?? {}),
  };
  const manifestPath = join(outDir, 'manifest.json');
  await writeFileAtomic(manifestPath, manifestJson(manifest));
  return { manifest, manifestPath };
}

async function fileInfo(outDir: string, path: string, bytes: Uint8Array, rows?: number): Promise<FileInfo> {
  await writeFileAtomic(join(outDir, path), bytes);
  return { path, ...(rows === undefined ? {} : { rows }), bytes: bytes.byteLength, sha256: sha256Hex(bytes) };
}

function counts(infos: readonly FragmentInfo[], packed: ReadonlySet<number>, splits: Record<string, SplitCounts>): Counts {
  const byType = Object.fromEntries(TASK_TYPES.map((t) => [t, 0])) as Record<TaskType, number>;
  for (const i of infos) {
    if (!packed.has(i.episode.episode_index)) continue;
    for (const [t, n] of Object.entries(i.stage1_task_types)) byType[t as TaskType] += n ?? 0;
  }
  const failures: Record<string, number> = {};
  for (const i of infos) {
    if (!i.episode.success) {
      const code = failureCode(i.episode.failure_reason);
      failures[code] = (failures[code] ?? 0) + 1;
    }
  }
  return {
    episodes_attempted: infos.length,
    episodes_succeeded: infos.filter((i) => i.episode.success).length,
    episodes_failed: infos.filter((i) => !i.episode.success).length,
    frames: Object.values(splits).reduce((n, s) => n + s.frames, 0),
    stage1_samples: Object.values(splits).reduce((n, s) => n + s.stage1_samples, 0),
    stage1_samples_by_task_type: byType,
    failure_reasons: Object.fromEntries(Object.entries(failures).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
}
