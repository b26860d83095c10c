// Episode fragments: what one episode job commits, so a build can run on any number of workers and be packed later.
//
// Layout under `<workDir>/fragments/`:
//   <episode_id>.stage1.arrow   the episode's stage-1 samples (IPC stream, the stage-1 schema; may have 0 rows)
//   <episode_id>.stage2.arrow   its stage-2 frames (IPC stream, the stage-2 schema of its cameras); absent when the
//                               episode has no frames (a failed episode)
//   <episode_id>.json           FragmentInfo, written LAST: the commit marker. No JSON, no fragment.
// Each file is written atomically; the same EpisodeOutput always gives the same bytes (no timestamps, no worker ids),
// so a retried or duplicated job rewriting a fragment is harmless, and the JSON's sha256s catch a mix of two
// different runs.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { EpisodeOutput, EpisodeRecord, TaskType } from '../schemas/records.js';
import { stage2LayoutOf, type Stage2Layout } from '../schemas/stage2.js';
import { readVerified, sha256Hex, writeFileAtomic } from './atomic.js';
import { stage1FromIpc, stage1ToIpc, stage2FromIpc, stage2ToIpc } from './tables.js';

export const FRAGMENT_FORMAT = 'spatialgen-fragment';
export const FRAGMENT_VERSION = 1;

export interface FragmentFile {
  /** relative to `<workDir>/fragments/` */
  path: string;
  rows: number;
  bytes: number;
  sha256: string;
}

export interface FragmentInfo {
  format: typeof FRAGMENT_FORMAT;
  version: number;
  /** the EpisodeRecord, with content_hash filled in */
  episode: EpisodeRecord;
  /** stage-2 column layout of this episode; null when it has no frames */
  layout: Stage2Layout | null;
  stage1: FragmentFile;
  stage2: FragmentFile | null;
  /** stage-1 sample count per task type (only types present), for the manifest without reading the Arrow */
  stage1_task_types: Partial<Record<TaskType, number>>;
}

const SAFE_ID = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

export function fragmentsDir(workDir: string): string {
  return join(workDir, 'fragments');
}

/** Where a number is not finite in a value (images skipped), e.g. `cameras.base.T_world_to_cam[3]`; null when none is. */
function nonFinitePath(v: unknown, path: string): string | null {
  if (typeof v === 'number') return Number.isFinite(v) ? null : path;
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = nonFinitePath(v[i], `${path}[${i}]`);
      if (p) return p;
    }
    return null;
  }
  for (const [k, x] of Object.entries(v)) {
    const p = nonFinitePath(x, path ? `${path}.${k}` : k);
    if (p) return p;
  }
  return null;
}

/**
 * The first NaN or infinity in an episode's rows, named (`frame 3: cameras.base.trace_2d[0][1]`), or null. A NaN
 * must never reach a shard: a trainer would learn from it silently. The episode job checks this before it commits
 * (then the episode fails with this reason), and `writeFragment` refuses such an output outright.
 */
export function nonFiniteValue(out: EpisodeOutput): string | null {
  for (const f of out.frames) {
    const p = nonFinitePath(f, '');
    if (p) return `frame ${f.frame_index}: ${p} is ${String(lookup(f, p))}`;
  }
  for (const s of out.samples) {
    const p = nonFinitePath(s, '');
    if (p) return `stage-1 sample ${s.id}: ${p} is not finite`;
  }
  return null;
}

function lookup(v: unknown, path: string): unknown {
  let x = v as Record<string, unknown>;
  for (const k of path.split(/[.[\]]+/).filter(Boolean)) x = x[k] as Record<string, unknown>;
  return x;
}

function checkOutput(out: EpisodeOutput): void {
  const bad = nonFiniteValue(out);
  if (bad) throw new Error(`episode ${out.episode.episode_id}: ${bad}`);
  const { episode_id: id, episode_index: index } = out.episode;
  // the id becomes a file name: no separators, no leading dot (that would look like a temp file)
  if (!SAFE_ID.test(id)) throw new Error(`episode_id ${JSON.stringify(id)} must match ${SAFE_ID}`);
  if (!Number.isSafeInteger(index) || index < 0) throw new Error(`episode ${id}: bad episode_index ${index}`);
  for (const f of out.frames) {
    if (f.episode_id !== id || f.episode_index !== index) {
      throw new Error(`episode ${id}: frame ${f.frame_index} belongs to ${f.episode_id}/${f.episode_index}`);
    }
  }
  for (const s of out.samples) {
    if (s.episode_id !== id) throw new Error(`episode ${id}: stage-1 sample ${s.id} belongs to ${s.episode_id}`);
  }
}

/**
 * Commits one episode. `content_hash`: when the caller leaves it empty it is set to
 * sha256(stage1 bytes ‖ stage2 bytes) of the fragment files (stage2 bytes empty when there are no frames), so equal
 * episodes get equal hashes whichever worker made them. A non-empty caller value is kept as given.
 */
export async function writeFragment(workDir: string, output: EpisodeOutput, layout?: Stage2Layout): Promise<FragmentInfo> {
  checkOutput(output);
  const id = output.episode.episode_id;
  const dir = fragmentsDir(workDir);
  const s1 = stage1ToIpc(output.samples);
  const l = output.frames.length > 0 ? (layout ?? stage2LayoutOf(output.frames)) : null;
  const s2 = l ? stage2ToIpc(output.frames, l) : null;
  const file = (name: string, bytes: Uint8Array, rows: number): FragmentFile => ({
    path: name,
    rows,
    bytes: bytes.byteLength,
    sha256: sha256Hex(bytes),
  });
  const taskTypes: Partial<Record<TaskType, number>> = {};
  for (const s of output.samples) taskTypes[s.task_type] = (taskTypes[s.task_type] ?? 0) + 1;
  const info: FragmentInfo = {
    format: FRAGMENT_FORMAT,
    version: FRAGMENT_VERSION,
    episode: { ...output.episode, content_hash: output.episode.content_hash || sha256Hex(s1, s2 ?? new Uint8Array()) },
    layout: l,
    stage1: file(`${id}.stage1.arrow`, s1, output.samples.length),
    stage2: s2 ? file(`${id}.stage2.arrow`, s2, output.frames.length) : null,
    stage1_task_types: Object.fromEntries(Object.entries(taskTypes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
  await writeFileAtomic(join(dir, info.stage1.path), s1);
  if (s2 && info.stage2) await writeFileAtomic(join(dir, info.stage2.path), s2);
  await writeFileAtomic(join(dir, `${id}.json`), `${JSON.stringify(info, null, 2)}\n`);
  return info;
}

/** The committed fragment's info, or null when the episode has not committed. */
export async function readFragmentInfo(workDir: string, episodeId: string): Promise<FragmentInfo | null> {
  let text: string;
  try {
    text = await readFile(join(fragmentsDir(workDir), `${episodeId}.json`), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const info = JSON.parse(text) as FragmentInfo;
  if (info.format !== FRAGMENT_FORMAT || info.version !== FRAGMENT_VERSION) {
    throw new Error(`fragment ${episodeId}: unknown format ${info.format} v${info.version}`);
  }
  return info;
}

/** Every committed fragment under workDir, in episode_index order (never completion order); duplicates are an error. */
export async function listFragments(workDir: string): Promise<FragmentInfo[]> {
  let names: string[];
  try {
    names = await readdir(fragmentsDir(workDir));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const infos: FragmentInfo[] = [];
  for (const n of names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()) {
    const info = await readFragmentInfo(workDir, n.slice(0, -'.json'.length));
    if (info) infos.push(info);
  }
  infos.sort((a, b) => a.episode.episode_index - b.episode.episode_index);
  for (let i = 1; i < infos.length; i++) {
    if (infos[i].episode.episode_index === infos[i - 1].episode.episode_index) {
      throw new Error(
        `episodes ${infos[i - 1].episode.episode_id} and ${infos[i].episode.episode_id} share episode_index ${infos[i].episode.episode_index}`,
      );
    }
  }
  return infos;
}

/** A fragment file's bytes, checked against the fragment's commit record. */
export function readFragmentFile(workDir: string, f: FragmentFile): Promise<Uint8Array> {
  return readVerified(join(fragmentsDir(workDir), f.path), f, `fragment file ${f.path}`);
}

export async function readFragmentStage1(workDir: string, info: FragmentInfo): Promise<EpisodeOutput['samples']> {
  return stage1FromIpc(await readFragmentFile(workDir, info.stage1));
}

export async function readFragmentStage2(workDir: string, info: FragmentInfo): Promise<EpisodeOutput['frames']> {
  return info.stage2 ? stage2FromIpc(await readFragmentFile(workDir, info.stage2)).frames : [];
}

/** The committed episode back as rows, or null when it has not committed. */
export async function readFragment(workDir: string, episodeId: string): Promise<(EpisodeOutput & { info: FragmentInfo }) | null> {
  const info = await readFragmentInfo(workDir, episodeId);
  if (!info) return null;
  return {
    info,
    episode: info.episode,
    samples: await readFragmentStage1(workDir, info),
    frames: await readFragmentStage2(workDir, info),
  };
}
