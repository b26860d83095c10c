// Shard groups: what one shard job packs. A group is some episodes of one split, in index order; its shard job
// packs their committed fragments into shard *parts* and a partial stats state, all under `<workDir>/shards/`:
//   <split>-g<group>/stage1-00000.arrow …   the group's stage-1 rows, cut by the shard limits (planShards)
//   <split>-g<group>/stage2-00000.arrow …   its stage-2 rows
//   <split>-g<group>/stats.bin              the stats state of its stage-2 rows (export/stats.ts encodeState)
//   <split>-g<group>.json                   GroupRecord, written LAST: the commit record. No JSON, no group.
// Parts are whole shards already, only not yet named: finalize (export/assemble.ts) numbers them across the groups
// of a split and renames them into the dataset, so no shard is ever encoded twice. Every file is written atomically
// and depends only on the fragments, so packing a group again writes the same bytes.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Schema } from 'apache-arrow';
import { stage1Schema } from '../schemas/stage1.js';
import { stage2Layout, stage2SchemaFor, type Stage2Layout } from '../schemas/stage2.js';
import { ipcToRecords, recordsToIpc, type PlainRecord } from './arrow-codec.js';
import { sha256Hex, writeFileAtomic } from './atomic.js';
import { readFragmentFile, type FragmentFile, type FragmentInfo } from './fragment.js';
import { planShards, type ShardLimits } from './shard-plan.js';
import { StatsAccumulator } from './stats.js';
import { BATCH_ROWS } from './tables.js';

export const GROUP_FORMAT = 'spatialgen-shard-group';
export const GROUP_VERSION = 1;

export interface GroupKey {
  split: string;
  /** 0, 1, … within the split */
  group: number;
}

export interface PartInfo {
  kind: 'stage1' | 'stage2';
  /** relative to `<workDir>/shards/` */
  path: string;
  rows: number;
  bytes: number;
  sha256: string;
}

export interface GroupRecord {
  format: typeof GROUP_FORMAT;
  version: number;
  split: string;
  group: number;
  /** every episode of the group, in index order (finalize checks that each episode is in exactly one group) */
  episodes: number[];
  /** those whose rows are in the parts (the successful ones, unless failed ones are packed too) */
  packed: number[];
  /** the stage-2 layout the parts were encoded with; null when the group has no frames */
  layout: Stage2Layout | null;
  /** stage-1 parts, then stage-2 parts, each in row order */
  parts: PartInfo[];
  /** the stats state of the stage-2 rows; null without them */
  stats: { path: string; bytes: number; sha256: string } | null;
}

export interface PartLimits {
  stage1: ShardLimits;
  stage2: ShardLimits;
}

export interface PackGroupOptions {
  limits: PartLimits;
  /** stage-2 layout to encode with; default: the union of the group's fragments' layouts */
  layout?: Stage2Layout | null;
  /** also pack the rows of failed episodes (default false: failed demos are not training data) */
  includeFailed?: boolean;
  statsMaxSamples?: number;
}

/** What a split may be named: it becomes part of file names, of job ids and of HF's `split` argument. */
export const SPLIT_NAME = /^[A-Za-z0-9_]+$/;

export function checkSplitName(s: string): string {
  if (!SPLIT_NAME.test(s)) throw new Error(`split name ${JSON.stringify(s)} must match ${SPLIT_NAME}`);
  return s;
}

export function shardsDir(workDir: string): string {
  return join(workDir, 'shards');
}

export function groupName(k: GroupKey): string {
  return `${checkSplitName(k.split)}-g${k.group}`;
}

const recordPath = (workDir: string, k: GroupKey) => join(shardsDir(workDir), `${groupName(k)}.json`);

/** The dataset's stage-2 layout: the cameras every fragment shares, depth/segmentation where any fragment has them. */
export function unionLayout(infos: readonly FragmentInfo[], given?: Stage2Layout | null): Stage2Layout | null {
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

/** The group's commit record, or null when it has not committed. */
export async function readGroupRecord(workDir: string, k: GroupKey): Promise<GroupRecord | null> {
  let text: string;
  try {
    text = await readFile(recordPath(workDir, k), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const r = JSON.parse(text) as GroupRecord;
  if (r.format !== GROUP_FORMAT || r.version !== GROUP_VERSION || r.split !== k.split || r.group !== k.group) {
    throw new Error(`${recordPath(workDir, k)}: not the commit record of shard group ${groupName(k)} (v${GROUP_VERSION})`);
  }
  return r;
}

async function fragmentRecords(workDir: string, f: FragmentFile, schema: Schema): Promise<PlainRecord[]> {
  const bytes = await readFragmentFile(workDir, f);
  const { schema: got, records } = ipcToRecords(bytes);
  const want = new Set(schema.fields.map((x) => x.name));
  const extra = got.fields.map((x) => x.name).filter((n) => !want.has(n));
  // a column the dataset schema lacks would be dropped silently: refuse (fragment from another code version?)
  if (extra.length > 0) throw new Error(`fragment ${f.path} has columns the dataset lacks: ${extra.join(', ')}`);
  return records;
}

interface KindSpec {
  kind: 'stage1' | 'stage2';
  schema: Schema;
  file: (i: FragmentInfo) => FragmentFile | null;
  limits: ShardLimits;
  onRecord?: (r: PlainRecord) => void;
}

/** Writes the parts of one kind, streaming one fragment at a time (memory: about one shard). */
async function writeParts(workDir: string, name: string, eps: readonly FragmentInfo[], spec: KindSpec): Promise<PartInfo[]> {
  const files = eps.map(spec.file).filter((f): f is FragmentFile => f !== null);
  const plan = planShards(files, spec.limits);
  const parts: PartInfo[] = [];
  let buf: PlainRecord[] = [];
  const flush = async () => {
    const path = `${name}/${spec.kind}-${String(parts.length).padStart(5, '0')}.arrow`;
    const bytes = recordsToIpc(spec.schema, buf, BATCH_ROWS);
    await writeFileAtomic(join(shardsDir(workDir), path), bytes);
    parts.push({ kind: spec.kind, path, rows: buf.length, bytes: bytes.byteLength, sha256: sha256Hex(bytes) });
    buf = [];
  };
  for (const f of files) {
    for (const r of await fragmentRecords(workDir, f, spec.schema)) {
      spec.onRecord?.(r);
      buf.push(r);
      if (buf.length === plan[parts.length]) await flush();
    }
  }
  if (parts.length !== plan.length || buf.length !== 0) throw new Error(`internal: part plan of ${name}/${spec.kind} not met`);
  return parts;
}

/**
 * Packs the episodes `infos` (all of the group's split, in index order) into the group's parts and stats state,
 * then commits the group record. Nothing is removed first: the same fragments give the same files under the same
 * names, so a second packer of the group (a job taken over while its first worker still runs) rewrites identical
 * bytes and can never leave a record whose parts it deleted. Temp files of crashed writers go with `.work/`.
 */
export async function packGroup(workDir: string, k: GroupKey, infos: readonly FragmentInfo[], opts: PackGroupOptions): Promise<GroupRecord> {
  const name = groupName(k);
  for (let i = 0; i < infos.length; i++) {
    const e = infos[i].episode;
    if (e.split !== k.split) throw new Error(`shard group ${name}: episode ${e.episode_id} belongs to split ${e.split}`);
    if (i > 0 && e.episode_index <= infos[i - 1].episode.episode_index) throw new Error(`shard group ${name}: episodes must come in index order, once each`);
  }
  const layout = unionLayout(infos, opts.layout);
  const packed = infos.filter((i) => opts.includeFailed || i.episode.success);
  const s2schema = layout ? stage2SchemaFor(layout) : null;
  const stats = s2schema ? new StatsAccumulator(s2schema, opts.statsMaxSamples) : null;
  const parts = [
    ...(await writeParts(workDir, name, packed, { kind: 'stage1', schema: stage1Schema(), file: (i) => i.stage1, limits: opts.limits.stage1 })),
    ...(s2schema
      ? await writeParts(workDir, name, packed, { kind: 'stage2', schema: s2schema, file: (i) => i.stage2, limits: opts.limits.stage2, onRecord: (r) => stats?.addRecord(r) })
      : []),
  ];
  let statsFile: GroupRecord['stats'] = null;
  if (stats && parts.some((p) => p.kind === 'stage2')) {
    const bytes = stats.encodeState();
    const path = `${name}/stats.bin`;
    await writeFileAtomic(join(shardsDir(workDir), path), bytes);
    statsFile = { path, bytes: bytes.byteLength, sha256: sha256Hex(bytes) };
  }
  const record: GroupRecord = {
    format: GROUP_FORMAT,
    version: GROUP_VERSION,
    split: k.split,
    group: k.group,
    episodes: infos.map((i) => i.episode.episode_index),
    packed: packed.map((i) => i.episode.episode_index),
    layout,
    parts,
    stats: statsFile,
  };
  await writeFileAtomic(recordPath(workDir, k), `${JSON.stringify(record)}\n`);
  return record;
}
