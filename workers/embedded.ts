// The embedded runner: a whole build in this process and N local child processes, no Redis. Episodes are handed
// out by index; each child keeps its own renderer and physics. Packing happens once every episode is committed.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildConfig } from '../schemas/config.js';
import { buildId } from '../generators/episode.js';
import type { PackResult } from '../export/pack.js';
import { writeFileAtomic } from '../export/atomic.js';
import type { FragmentInfo } from '../export/fragment.js';
import { processEpisode } from './episode-job.js';
import { finalizeBuild, workDirOf } from './finalize-job.js';

export { workDirOf };

export interface BuildProgress {
  done: number;
  failed: number;
  total: number;
}

export interface EmbeddedOptions {
  workers: number;
  onProgress?: (p: BuildProgress) => void;
  /** keep the fragments under DIR/.work after packing (default: removed) */
  keepWork?: boolean;
}

type Runner = (index: number) => Promise<FragmentInfo>;

// Child processes run this same module's sibling `episode-child`; under tsx the sources are .ts, once built .js.
const childPath = fileURLToPath(new URL(`./episode-child${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));

function childRunner(config: BuildConfig, workDir: string): { run: Runner; close: () => void } {
  const child: ChildProcess = fork(childPath, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<number, { resolve: (f: FragmentInfo) => void; reject: (e: Error) => void }>();
  let exited: Error | null = null;
  child.on('message', (m: { index: number; info?: FragmentInfo; error?: string }) => {
    const w = waiting.get(m.index);
    waiting.delete(m.index);
    if (m.info) w?.resolve(m.info);
    else w?.reject(new Error(m.error));
  });
  child.on('exit', (code, signal) => {
    exited = new Error(`episode worker exited (${signal ?? `code ${code}`})`);
    for (const w of waiting.values()) w.reject(exited);
    waiting.clear();
  });
  return {
    run: (index) =>
      new Promise((resolve, reject) => {
        if (exited) return reject(exited);
        waiting.set(index, { resolve, reject });
        child.send({ config, workDir, index });
      }),
    close: () => child.connected && child.disconnect(),
  };
}

/** Names the build an unfinished directory belongs to, so a rerun resumes it and another build refuses it. */
export async function writeBuildMarker(outDir: string, id: string): Promise<void> {
  await writeFileAtomic(join(workDirOf(outDir), 'build.json'), `${JSON.stringify({ build_id: id })}\n`);
}

export async function runEmbeddedBuild(config: BuildConfig, outDir: string, opts: EmbeddedOptions): Promise<PackResult> {
  const workDir = workDirOf(outDir);
  await mkdir(workDir, { recursive: true });
  await writeBuildMarker(outDir, buildId(config));
  const total = config.episodes;
  const progress: BuildProgress = { done: 0, failed: 0, total };
  const runners = opts.workers <= 1
    ? [{ run: ((i: number) => processEpisode(config, i, workDir)) as Runner, close: () => {} }]
    : Array.from({ length: opts.workers }, () => childRunner(config, workDir));
  let next = 0;
  try {
    await Promise.all(runners.map(async (r) => {
      while (next < total) {
        const info = await r.run(next++);
        progress.done++;
        if (!info.episode.success) progress.failed++;
        opts.onProgress?.({ ...progress });
      }
    }));
  } finally {
    for (const r of runners) r.close();
  }
  const result = await finalizeBuild(config, outDir);
  if (!opts.keepWork) await rm(workDir, { recursive: true, force: true });
  return result;
}
