// Packing: the committed fragments of a build → the dataset directory of SPEC §A dataset directory.
//
// Determinism: fragments are taken in episode_index order (never completion order), shard sizes are planned from the
// fragments' committed row counts and byte sizes, and nothing time- or host-dependent is written, so the same
// fragments give byte-identical files whatever the worker count. Crash safety: manifest.json is removed first and
// written last, every file is written atomically, and a re-run first deletes leftover temp files and old shards, so a
// crashed pack re-run produces the same result. Only one pack may run on a directory at a time.
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Schema } from 'apache-arrow';
import { TASK_TYPES, type TaskType } from '../schemas/records.js';
import { stage1Schema } from '../schemas/stage1.js';
import { layoutKey, stage2Layout, stage2SchemaFor, type Stage2Layout } from '../schemas/stage2.js';
import { ipcToRecords, recordsToIpc, type PlainRecord } from './arrow-codec.js';
import { removeTempFiles, sha256Hex, writeFileAtomic } from './atomic.js';
import { fragmentsDir, listFragments, type FragmentFile, type FragmentInfo } from './fragment.js';
import {
  codeVersion,
  manifestJson,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  RESERVED_MANIFEST_KEYS,
  type CodeVersion,
  type Counts,
  type FileInfo,
  type Manifest,
  type ShardInfo,
  type SplitCounts,
} from './manifest.js';
import { planShards, shardName, type ShardLimits } from './shard-plan.js';
import { StatsAccumulator } from './stats.js';
import { BATCH_ROWS, episodesToIpc } from './tables.js';

export interface PackOptions {
  /** where the build's fragments were committed (`<workDir>/fragments/`) */
  workDir: string;
  /** the full resolved config, stored in the manifest as given */
  config: unknown;
  /** default: first 16 hex digits of sha256 of the config's JSON, so equal configs give equal ids */
  buildId?: string;
  /** default: codeVersion() (package.json version + git HEAD) */
  codeVersion?: CodeVersion;
  /** row limit per shard; default 50 000 for stage 1 and 5 000 for stage 2 */
  rowsPerShard?: number | { stage1?: number; stage2?: number };
  /** byte target per shard (estimated from fragment sizes); default 500 MB, as HF's max_shard_size */
  targetShardBytes?: number;
  /** split order (and splits to create even without episodes); others follow: train, validation, test, then by name */
  splits?: string[];
  /** stage-2 layout when no episode has frames; when given it must match the fragments' cameras */
  layout?: Stage2Layout;
  /** also pack the rows of failed episodes (default false: failed demos are not training data) */
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

const KNOWN_SPLITS = ['train', 'validation', 'test'];
const SPLIT_NAME = /^[A-Za-z0-9_]+$/;

function splitOrder(infos: readonly FragmentInfo[], given: readonly string[] = []): string[] {
  const seen = [...new Set(infos.map((i) => i.episode.split))].filter((s) => !given.includes(s));
  const rank = (s: string) => (KNOWN_SPLITS.includes(s) ? KNOWN_SPLITS.indexOf(s) : KNOWN_SPLITS.length);
  seen.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const all = [...given, ...seen];
  // the split becomes part of a file name and of HF's `split` argument
  for (const s of all) if (!SPLIT_NAME.test(s)) throw new Error(`split name ${JSON.stringify(s)} must match ${SPLIT_NAME}`);
  return all;
}

/** The dataset's stage-2 layout: the cameras every fragment shares, depth/segmentation where any fragment has them. */
function unionLayout(infos: readonly FragmentInfo[], given?: Stage2Layout): Stage2Layout | null {
  const layouts = infos.map((i) => i.layout).filter((l): l is Stage2Layout => l !== null);
  if (given) layouts.unshift(given);
  if (layouts.length === 0) return null;
  const cameras = layouts[0].cameras;
  for (const l of layouts) {
    if (l.cameras.join('\0') !== cameras.join('\0')) {
      throw new Error(`fragments disagree on cameras: [${cameras}] vs [${l.cameras}]`);
    }
  }
  const union = (k: 'depth' | 'segmentation') => cameras.filter((c) => layouts.some((l) => l[k].includes(c)));
  return stage2Layout(cameras, { depth: union('depth'), segmentation: union('segmentation') });
}

async function readFragmentRecords(workDir: string, f: FragmentFile, schema: Schema): Promise<PlainRecord[]> {
  const bytes = new Uint8Array(await readFile(join(fragmentsDir(workDir), f.path)));
  if (bytes.byteLength !== f.bytes || sha256Hex(bytes) !== f.sha256) {
    throw new Error(`fragment file ${f.path} does not match its commit record (rewritten by a different run?)`);
  }
  const { schema: got, records } = ipcToRecords(bytes);
  const want = new Set(schema.fields.map((x) => x.name));
  const extra = got.fields.map((x) => x.name).filter((n) => !want.has(n));
  // a column the dataset schema lacks would be dropped silently: refuse (fragment from another code version?)
  if (extra.length > 0) throw new Error(`fragment ${f.path} has columns the dataset lacks: ${extra.join(', ')}`);
  return records;
}

async function clearOutputs(outDir: string): Promise<void> {
  // manifest first: while it is absent the directory is visibly incomplete, whatever state the rest is in
  await rm(join(outDir, 'manifest.json'), { force: true });
  await removeTempFiles(outDir);
  for (const sub of ['stage1', 'stage2']) {
    const dir = join(outDir, sub);
    await removeTempFiles(dir);
    let names: string[] = [];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const n of names.filter((x) => x.endsWith('.arrow')).sort()) await rm(join(dir, n), { force: true });
  }
}

interface KindSpec {
  kind: 'stage1' | 'stage2';
  schema: Schema;
  file: (i: FragmentInfo) => FragmentFile | null;
  limits: ShardLimits;
  onRecord?: (r: PlainRecord) => void;
}

/** Writes the shards of one kind and split, streaming one fragment at a time (memory: about one shard). */
async function writeShards(outDir: string, workDir: string, split: string, eps: FragmentInfo[], spec: KindSpec): Promise<ShardInfo[]> {
  const files = eps.map(spec.file).filter((f): f is FragmentFile => f !== null);
  const plan = planShards(files, spec.limits);
  const shards: ShardInfo[] = [];
  let buf: PlainRecord[] = [];
  const flush = async () => {
    const path = `${spec.kind}/${shardName(split, shards.length, plan.length)}`;
    const bytes = recordsToIpc(spec.schema, buf, BATCH_ROWS);
    await writeFileAtomic(join(outDir, path), bytes);
    shards.push({ kind: spec.kind, split, path, rows: buf.length, bytes: bytes.byteLength, sha256: sha256Hex(bytes) });
    buf = [];
  };
  for (const f of files) {
    for (const r of await readFragmentRecords(workDir, f, spec.schema)) {
      spec.onRecord?.(r);
      buf.push(r);
      if (buf.length === plan[shards.length]) await flush();
    }
  }
  if (shards.length !== plan.length || buf.length !== 0) throw new Error(`internal: shard plan of ${split}/${spec.kind} not met`);
  return shards;
}

function rowsLimit(o: PackOptions['rowsPerShard'], kind: 'stage1' | 'stage2'): number {
  const dflt = kind === 'stage1' ? 50_000 : 5_000;
  if (typeof o === 'number') return o;
  return o?.[kind] ?? dflt;
}

async function fileInfo(outDir: string, path: string, bytes: Uint8Array, rows?: number): Promise<FileInfo> {
  await writeFileAtomic(join(outDir, path), bytes);
  return { path, ...(rows === undefined ? {} : { rows }), bytes: bytes.byteLength, sha256: sha256Hex(bytes) };
}

/** Reasons read "<code>: <detail>" (e.g. "push_short: object moved 3.1 cm of 9.0 cm"); counts are kept per code. */
export function failureCode(reason: string | null): string {
  return (reason ?? 'unknown').split(':')[0].trim() || 'unknown';
}

/** Packs the committed fragments of `opts.workDir` into the dataset directory `outDir`; manifest.json is written last. */
export async function packDataset(outDir: string, opts: PackOptions): Promise<PackResult> {
  for (const k of Object.keys(opts.extra ?? {})) {
    if ((RESERVED_MANIFEST_KEYS as readonly string[]).includes(k)) throw new Error(`extra manifest field ${k} is reserved`);
  }
  const infos = await listFragments(opts.workDir);
  if (opts.expectedEpisodes !== undefined && infos.length !== opts.expectedEpisodes) {
    throw new Error(`expected ${opts.expectedEpisodes} committed episodes, found ${infos.length}`);
  }
  const splits = splitOrder(infos, opts.splits);
  const layout = unionLayout(infos, opts.layout);
  if (opts.layout && layout && layoutKey(opts.layout) !== layoutKey(layout)) {
    throw new Error(`fragments need stage-2 layout ${layoutKey(layout)}, not the given ${layoutKey(opts.layout)}`);
  }
  const packed = infos.filter((i) => opts.includeFailed || i.episode.success);
  const s2schema = layout ? stage2SchemaFor(layout) : null;
  const stats = s2schema ? new StatsAccumulator(s2schema, opts.statsMaxSamples) : null;

  await clearOutputs(outDir);
  const shards: ShardInfo[] = [];
  const splitCounts: Record<string, SplitCounts> = {};
  for (const split of splits) {
    const eps = packed.filter((i) => i.episode.split === split);
    const limits = (kind: 'stage1' | 'stage2'): ShardLimits => ({
      rowsPerShard: rowsLimit(opts.rowsPerShard, kind),
      targetShardBytes: opts.targetShardBytes ?? 500_000_000,
    });
    const s1 = await writeShards(outDir, opts.workDir, split, eps, {
      kind: 'stage1',
      schema: stage1Schema(),
      file: (i) => i.stage1,
      limits: limits('stage1'),
    });
    const s2 = s2schema
      ? await writeShards(outDir, opts.workDir, split, eps, {
          kind: 'stage2',
          schema: s2schema,
          file: (i) => i.stage2,
          limits: limits('stage2'),
          onRecord: (r) => stats?.addRecord(r),
        })
      : [];
    shards.push(...s1, ...s2);
    const inSplit = infos.filter((i) => i.episode.split === split);
    splitCounts[split] = {
      episodes: inSplit.length,
      episodes_succeeded: inSplit.filter((i) => i.episode.success).length,
      frames: s2.reduce((n, s) => n + s.rows, 0),
      stage1_samples: s1.reduce((n, s) => n + s.rows, 0),
    };
  }

  const files = [
    await fileInfo(outDir, 'episodes.arrow', episodesToIpc(infos.map((i) => i.episode)), infos.length),
    await fileInfo(outDir, 'stats.json', new TextEncoder().encode(`${JSON.stringify(stats?.result() ?? {}, null, 2)}\n`)),
  ];

  const byType = Object.fromEntries(TASK_TYPES.map((t) => [t, 0])) as Record<TaskType, number>;
  for (const i of packed) for (const [t, n] of Object.entries(i.stage1_task_types)) byType[t as TaskType] += n ?? 0;
  const failures: Record<string, number> = {};
  for (const i of infos) {
    if (!i.episode.success) {
      const code = failureCode(i.episode.failure_reason);
      failures[code] = (failures[code] ?? 0) + 1;
    }
  }
  const counts: Counts = {
    episodes_attempted: infos.length,
    episodes_succeeded: infos.filter((i) => i.episode.success).length,
    episodes_failed: infos.filter((i) => !i.episode.success).length,
    frames: Object.values(splitCounts).reduce((n, s) => n + s.frames, 0),
    stage1_samples: Object.values(splitCounts).reduce((n, s) => n + s.stage1_samples, 0),
    stage1_samples_by_task_type: byType,
    failure_reasons: Object.fromEntries(Object.entries(failures).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    format_version: MANIFEST_VERSION,
    build_id: opts.buildId ?? sha256Hex(JSON.stringify(opts.config ?? null)).slice(0, 16),
    code_version: opts.codeVersion ?? codeVersion(),
    config: opts.config,
    counts,
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
