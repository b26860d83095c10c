// manifest.json (SPEC §A dataset directory): what a dataset is. It must be byte-identical for the same config and
// seed, so it holds no timestamps, host names or worker counts — only things fixed by config, code and content.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TaskType } from '../schemas/records.js';
import type { Stage2Layout } from '../schemas/stage2.js';

export const MANIFEST_FORMAT = 'spatialgen-dataset';
export const MANIFEST_VERSION = 1;

export interface CodeVersion {
  name: string;
  version: string;
  /** HEAD of the checkout the code runs from; null outside git. Fixed for a checkout, so repeat builds agree. */
  git_commit: string | null;
}

export interface ShardInfo {
  kind: 'stage1' | 'stage2';
  split: string;
  /** relative to the dataset directory, `/`-separated */
  path: string;
  rows: number;
  bytes: number;
  sha256: string;
}

export interface FileInfo {
  path: string;
  rows?: number;
  bytes: number;
  sha256: string;
}

export interface SplitCounts {
  episodes: number;
  episodes_succeeded: number;
  frames: number;
  stage1_samples: number;
}

export interface Counts {
  episodes_attempted: number;
  episodes_succeeded: number;
  episodes_failed: number;
  frames: number;
  stage1_samples: number;
  stage1_samples_by_task_type: Record<TaskType, number>;
  /** failed episodes per failure_reason, sorted by reason */
  /** failed episodes per failure code (the part of failure_reason before ':') */
  failure_reasons: Record<string, number>;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  format_version: number;
  build_id: string;
  code_version: CodeVersion;
  /** the full resolved config, as the caller passed it */
  config: unknown;
  counts: Counts;
  splits: Record<string, SplitCounts>;
  /** stage-2 columns' cameras and optional images; null when the dataset has no stage-2 frames */
  stage2_layout: Stage2Layout | null;
  shards: ShardInfo[];
  /** episodes.arrow and stats.json */
  files: FileInfo[];
  /** caller's extra fields (skipped assets, source dataset, calibration…) are merged at the top level */
  [extra: string]: unknown;
}

export const RESERVED_MANIFEST_KEYS = [
  'format',
  'format_version',
  'build_id',
  'code_version',
  'config',
  'counts',
  'splits',
  'stage2_layout',
  'shards',
  'files',
] as const;

function findPackageJson(from: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      try {
        if ((JSON.parse(readFileSync(p, 'utf8')) as { name?: string }).name === 'spatialgen') return p;
      } catch {
        /* keep looking */
      }
    }
    if (dirname(dir) === dir) return null;
  }
}

let cachedVersion: CodeVersion | null = null;

/** package.json name/version of this code, plus the git HEAD when it runs from a git checkout. */
export function codeVersion(): CodeVersion {
  if (cachedVersion) return cachedVersion;
  const pkgPath = findPackageJson(dirname(fileURLToPath(import.meta.url)));
  const pkg = pkgPath ? (JSON.parse(readFileSync(pkgPath, 'utf8')) as { name: string; version: string }) : null;
  let commit: string | null = null;
  if (pkgPath) {
    try {
      const out = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dirname(pkgPath), stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
      const s = out.toString().trim();
      commit = /^[0-9a-f]{40,64}$/.test(s) ? s : null;
    } catch {
      commit = null;
    }
  }
  cachedVersion = { name: pkg?.name ?? 'spatialgen', version: pkg?.version ?? '0.0.0', git_commit: commit };
  return cachedVersion;
}

/** Stable manifest text: two-space JSON, trailing newline, key order as built. */
export function manifestJson(m: Manifest): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}
