// The embedded runner: a whole build in this process and N local child processes, no Redis — the same stages as a
// queued build's flow. Episodes are handed out by index to the children (each keeps its own renderer and physics;
// this process never opens the GPU, so it can filter the children's stderr, generators/rendering/driver-noise.ts);
// a shard group is packed here (workers/shard-job.ts) as soon as its last episode is committed, one group at a
// time, while the children render on; finalize runs once every group has committed. The same jobs in the same
// dependency order as the queue, so the bytes are the same.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { BuildConfig } from '../schemas/config.js';
import { buildId } from '../schemas/identity.js';
import type { PackResult } from '../export/assemble.js';
import type { FragmentInfo } from '../export/fragment.js';
import { finalizeBuild } from './finalize-job.js';
import { pipeChildStderr } from '../generators/rendering/driver-noise.js';
import { shardGroups, type ShardGroup } from '../schemas/identity.js';
import { packShardGroup } from './shard-job.js';
import { workDirOf, writeBuildMarker } from './work-dir.js';

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
  const child: ChildProcess = fork(childPath, [], { stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
  pipeChildStderr(child);
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

/** Packs each shard group once its last episode is committed, one group at a time, in completion order. */
function groupPacker(config: BuildConfig, outDir: string) {
  const left = new Map<ShardGroup, number>(shardGroups(config).map((g) => [g, g.indices.length]));
  const groupOf = new Map<number, ShardGroup>();
  for (const g of left.keys()) for (const i of g.indices) groupOf.set(i, g);
  let chain = Promise.resolve();
  let error: unknown = null;
  return {
    get failed() {
      return error !== null;
    },
    committed(index: number): void {
      const g = groupOf.get(index)!;
      const n = left.get(g)! - 1;
      left.set(g, n);
      if (n > 0) return;
      // caught at once (an unhandled rejection would end the process) and rethrown by `done`
      chain = chain.then(async () => {
        if (error === null) await packShardGroup(config, outDir, g);
      }).catch((e: unknown) => void (error ??= e));
    },
    async done(): Promise<void> {
      await chain;
      if (error !== null) throw error;
    },
  };
}

export async function runEmbeddedBuild(config: BuildConfig, outDir: string, opts: EmbeddedOptions): Promise<PackResult> {
  const workDir = workDirOf(outDir);
  await mkdir(workDir, { recursive: true });
  await writeBuildMarker(outDir, buildId(config));
  const total = config.episodes;
  const progress: BuildProgress = { done: 0, failed: 0, total };
  const runners = Array.from({ length: Math.max(1, opts.workers) }, () => childRunner(config, workDir));
  const groups = groupPacker(config, outDir);
  let next = 0;
  try {
    await Promise.all(runners.map(async (r) => {
      // a group that cannot be packed fails the build: no point rendering on
      while (next < total && !groups.failed) {
        const index = next++;
        const info = await r.run(index);
        progress.done++;
        if (!info.episode.success) progress.failed++;
        opts.onProgress?.({ ...progress });
        groups.committed(index);
      }
    }));
  } finally {
    for (const r of runners) r.close();
  }
  await groups.done();
  const result = await finalizeBuild(config, outDir);
  if (!opts.keepWork) await rm(workDir, { recursive: true, force: true });
  return result;
}
