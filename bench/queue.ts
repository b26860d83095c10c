// Queue benchmark (issue 5): what BullMQ costs per episode, set against the episode's own time.
//
//   node --import tsx bench/queue.ts [--noop 300] [--sleep-ms 500] [--enqueue 20000] [--episodes 8] [--preset bench]
//
// 1. Overhead alone: a build of `--noop` episodes whose job processor (this file, loaded by the sandboxed child)
//    returns at once, through the real worker, flow, sandbox and state path, on a private Redis. Reports the wall
//    milliseconds per episode (one worker, one job at a time), the Redis round trips per episode (socket writes of
//    this process to Redis: producer and workers together, the benchmark's own polling taken out), the commands
//    Redis executed per episode (counting those inside BullMQ's Lua scripts) and its CPU time per episode.
// 2. Scaling of the queue itself: 1 vs 2 workers on episodes that sleep `--sleep-ms` (as if a GPU did the work), so
//    this machine's CPU does not cap what a second worker adds.
// 3. Enqueueing at scale: one flow of `--enqueue` episodes, nobody working: seconds and Redis memory per episode.
// 4. Real episodes: the same config built embedded with one worker, then queued with one worker and with two
//    (1 and 2 sandboxed job processes), on that Redis, each after a warm-up build (renderers made, job processes
//    started, as in long-running workers); the three datasets must be byte-identical.
//
// Results go to stdout as a Markdown table and JSON; BENCHMARKS.md § Queue keeps the figures of a run.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, Socket, type AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SandboxedJob } from 'bullmq';
import { Redis } from 'ioredis';
import { parseBuildConfig, type BuildConfig } from '../schemas/config.js';
import { presetConfig } from '../schemas/presets.js';
import { runEmbeddedBuild } from '../workers/embedded.js';
import { QueueClient, startBuildRun } from '../workers/build-flow.js';
import { readBuildState } from '../workers/build-registry.js';
import { DEFAULT_RETRY } from '../workers/queue-jobs.js';
import { QueueWorker } from '../workers/queue-worker.js';
import { type QueueTarget, queueTarget } from '../workers/queue-connection.js';

/** The job processor of parts 1 and 2, loaded by BullMQ's sandboxed child: returns at once, or after
 * SG_BENCH_EPISODE_MS (an episode that keeps a GPU, not this machine's CPU, busy). */
export default async function noopProcessor(job: SandboxedJob<{ payload: { index?: number } }>): Promise<unknown> {
  const ms = Number(process.env.SG_BENCH_EPISODE_MS ?? 0);
  if (job.name === 'episode' && ms > 0) await new Promise((res) => setTimeout(res, ms));
  return job.name === 'episode' ? { index: job.data.payload.index, success: true } : {};
}

// a private Redis on a port free at start, so nothing else's commands are counted
let PORT = 0;
const here = fileURLToPath(import.meta.url);

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
}

async function startRedis(dir: string): Promise<ChildProcess> {
  PORT = await new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
  const p = spawn('redis-server', ['--port', String(PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  const r = new Redis(`redis://127.0.0.1:${PORT}`, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  r.on('error', () => {});
  for (let i = 0; i < 100; i++) {
    try {
      await r.connect();
      await r.ping();
      r.disconnect();
      return p;
    } catch {
      r.disconnect();
      await new Promise((res) => setTimeout(res, 100));
    }
  }
  throw new Error(`redis-server on ${PORT} did not start`);
}

// every write of this process to the Redis port is one request on the wire: a command, a pipeline or a MULTI block
let writes = 0;
const origWrite = Socket.prototype.write;
Socket.prototype.write = function (this: Socket, ...a: unknown[]) {
  if (this.remotePort === PORT) writes++;
  return (origWrite as (...x: unknown[]) => boolean).apply(this, a);
} as typeof Socket.prototype.write;

async function commandStats(r: Redis): Promise<{ calls: number; usec: number; byCommand: Record<string, number> }> {
  const info = await r.info('commandstats');
  let calls = 0;
  let usec = 0;
  const byCommand: Record<string, number> = {};
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    if (m[1] === 'info' || m[1] === 'config') continue;
    calls += Number(m[2]);
    usec += Number(m[3]);
    byCommand[m[1]] = Number(m[2]);
  }
  return { calls, usec, byCommand };
}

let polls = 0;
async function waitDone(q: QueueClient, buildId: string): Promise<void> {
  for (;;) {
    polls++;
    const { state } = await readBuildState(q.redis, q.target.prefix, buildId);
    if (state === 'done') return;
    if (state === 'failed' || state === 'cancelled') throw new Error(`build ${buildId} ${state}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

/**
 * A queued build through `workers` workers of one job process each; seconds from enqueue to done. With `warm`, the
 * workers first build that config (one episode per worker), so job processes are started and renderers made, as in
 * long-running workers: what is timed is then the steady state.
 */
async function queued(
  target: QueueTarget, config: BuildConfig, outDir: string, workers: number, processorPath?: string, warm?: BuildConfig, beforeTimed?: () => Promise<void>,
): Promise<number> {
  const ws = Array.from({ length: workers }, () => new QueueWorker(target, { concurrency: 1, queues: ['episodes', 'builds'], lockMs: 30_000, processorPath, log: () => {} }));
  await Promise.all(ws.map((w) => w.ready()));
  const q = new QueueClient(target);
  try {
    if (warm) await waitDone(q, (await startBuildRun(q, warm, `${outDir}-warm`, DEFAULT_RETRY)).buildId);
    await beforeTimed?.();
    const t0 = performance.now();
    const r = await startBuildRun(q, config, outDir, DEFAULT_RETRY);
    await waitDone(q, r.buildId);
    return (performance.now() - t0) / 1000;
  } finally {
    await q.close();
    await Promise.all(ws.map((w) => w.close()));
  }
}

function sameFiles(a: string, b: string): boolean {
  const files = (d: string) => ['episodes.arrow', 'stats.json', ...['stage1', 'stage2'].flatMap((k) => readdirSync(join(d, k)).sort().map((f) => `${k}/${f}`))];
  const fa = files(a);
  return JSON.stringify(fa) === JSON.stringify(files(b)) && fa.every((f) => readFileSync(join(a, f)).equals(readFileSync(join(b, f))));
}

async function main(): Promise<void> {
  const noopN = Number(arg('noop', '300'));
  const realN = Number(arg('episodes', '8'));
  const preset = arg('preset', 'bench');
  const root = mkdtempSync(join(tmpdir(), 'spatialgen-bench-queue-'));
  const loadStart = loadavg()[0];
  const server = await startRedis(root);
  const admin = new Redis(`redis://127.0.0.1:${PORT}`);
  try {
    // 1. overhead alone
    const noopConfig = parseBuildConfig({ ...presetConfig('smoke'), episodes: noopN, name: 'queue-overhead' }, 'bench');
    const target: QueueTarget = queueTarget(`redis://127.0.0.1:${PORT}`, 'bench-noop')!;
    // warmed up first (job processes started, scripts loaded), as long-running workers are; counted from then on
    const noopS = await queued(target, noopConfig, join(root, 'noop'), 1, here, parseBuildConfig({ ...noopConfig, episodes: 3, name: 'warm' }, 'bench'), async () => {
      await admin.config('RESETSTAT');
      writes = 0;
      polls = 0;
    });
    const stats = await commandStats(admin);
    const trips = writes - polls;
    const polled = polls;
    const overhead = {
      episodes: noopN,
      ms_per_episode: (noopS * 1000) / noopN,
      round_trips_per_episode: trips / noopN,
      redis_commands_per_episode: (stats.calls - polled) / noopN,
      redis_cpu_us_per_episode: stats.usec / noopN,
      top_commands: Object.entries(stats.byCommand).sort(([, x], [, y]) => y - x).slice(0, 8).map(([c, n]) => `${c} ${(n / noopN).toFixed(2)}`),
    };
    process.stderr.write(`overhead: ${JSON.stringify(overhead)}\n`);

    // 2. scaling of the queue with GPU-like episodes (job processes fork after this, so they see the variable)
    const sleepMs = Number(arg('sleep-ms', '500'));
    process.env.SG_BENCH_EPISODE_MS = String(sleepMs);
    const sleepConfig = parseBuildConfig({ ...noopConfig, episodes: 24, name: 'queue-scaling' }, 'bench');
    const s1 = await queued({ ...target, prefix: 'bench-sleep1' }, sleepConfig, join(root, 'sleep1'), 1, here, parseBuildConfig({ ...sleepConfig, episodes: 1, seed: 1 }, 'warm'));
    const s2 = await queued({ ...target, prefix: 'bench-sleep2' }, sleepConfig, join(root, 'sleep2'), 2, here, parseBuildConfig({ ...sleepConfig, episodes: 2, seed: 1 }, 'warm'));
    delete process.env.SG_BENCH_EPISODE_MS;
    const scaling = { episode_ms: sleepMs, episodes: 24, per_min_1: (24 / s1) * 60, per_min_2: (24 / s2) * 60, speedup: s1 / s2 };
    process.stderr.write(`scaling: ${JSON.stringify(scaling)}\n`);

    // 3. enqueueing at scale
    const bigN = Number(arg('enqueue', '20000'));
    const mem0 = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))![1]);
    const bigQ = new QueueClient({ ...target, prefix: 'bench-enqueue' });
    const tq = performance.now();
    await startBuildRun(bigQ, parseBuildConfig({ ...noopConfig, episodes: bigN, name: 'enqueue' }, 'bench'), join(root, 'enqueue'), DEFAULT_RETRY);
    const enqueue = { episodes: bigN, seconds: (performance.now() - tq) / 1000, redis_bytes_per_episode: 0 };
    enqueue.redis_bytes_per_episode = (Number(/used_memory:(\d+)/.exec(await admin.info('memory'))![1]) - mem0) / bigN;
    await bigQ.close();
    await admin.flushall();
    process.stderr.write(`enqueue: ${JSON.stringify(enqueue)}\n`);

    // 4. real episodes
    const config = parseBuildConfig({ ...presetConfig(preset), episodes: realN }, `preset ${preset}`);
    const warm = (n: number) => parseBuildConfig({ ...config, episodes: n, seed: config.seed + 1000 }, 'warm-up');
    await runEmbeddedBuild(warm(1), join(root, 'embedded-warm'), { workers: 1 });
    const t0 = performance.now();
    await runEmbeddedBuild(config, join(root, 'embedded'), { workers: 1 });
    const embeddedS = (performance.now() - t0) / 1000;
    process.stderr.write(`embedded, 1 worker: ${embeddedS.toFixed(1)} s\n`);
    const q1 = await queued({ ...target, prefix: 'bench-q1' }, config, join(root, 'q1'), 1, undefined, warm(1));
    process.stderr.write(`queued, 1 worker: ${q1.toFixed(1)} s\n`);
    const q2 = await queued({ ...target, prefix: 'bench-q2' }, config, join(root, 'q2'), 2, undefined, warm(2));
    process.stderr.write(`queued, 2 workers: ${q2.toFixed(1)} s\n`);
    const identical = sameFiles(join(root, 'embedded'), join(root, 'q1')) && sameFiles(join(root, 'embedded'), join(root, 'q2'));
    const episodeMs = (embeddedS * 1000) / realN;
    const result = {
      overhead,
      scaling,
      enqueue,
      real: {
        preset, episodes: realN,
        embedded_1_worker_s: embeddedS, queued_1_worker_s: q1, queued_2_workers_s: q2,
        episode_ms: episodeMs,
        episodes_per_min: { embedded_1: (realN / embeddedS) * 60, queued_1: (realN / q1) * 60, queued_2: (realN / q2) * 60 },
        speedup_2_vs_1: q1 / q2,
        overhead_share_of_episode: overhead.ms_per_episode / episodeMs,
        byte_identical: identical,
      },
    };
    const f = (x: number, d = 1) => x.toFixed(d);
    process.stdout.write([
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}; load average (1 min) ${f(loadStart)} at the start, ${f(loadavg()[0])} at the end.`,
      '',
      '| measure | value |', '|---|---|',
      `| queue overhead per episode (no-op processor, 1 worker, ${noopN} episodes) | ${f(overhead.ms_per_episode)} ms |`,
      `| Redis round trips per episode (producer + worker) | ${f(overhead.round_trips_per_episode)} |`,
      `| Redis commands executed per episode | ${f(overhead.redis_commands_per_episode)} |`,
      `| Redis CPU time per episode | ${f(overhead.redis_cpu_us_per_episode, 0)} µs |`,
      `| throughput, ${sleepMs} ms GPU-like episodes: 1 worker → 2 workers | ${f(scaling.per_min_1)} → ${f(scaling.per_min_2)} episodes/min (×${f(scaling.speedup, 2)}) |`,
      `| enqueueing ${bigN} episodes (one flow) | ${f(enqueue.seconds)} s, ${f(enqueue.redis_bytes_per_episode, 0)} bytes of Redis memory per episode |`,
      `| episode's own time (${preset} preset, embedded, 1 worker) | ${f(episodeMs, 0)} ms |`,
      `| overhead / episode time | ${f(100 * result.real.overhead_share_of_episode, 2)} % |`,
      `| ${realN} episodes, warm: embedded 1 worker / queued 1 worker / queued 2 workers | ${f(embeddedS)} s / ${f(q1)} s / ${f(q2)} s |`,
      `| throughput, real episodes: queued 1 worker → 2 workers | ${f(result.real.episodes_per_min.queued_1)} → ${f(result.real.episodes_per_min.queued_2)} episodes/min (×${f(result.real.speedup_2_vs_1, 2)}) |`,
      `| datasets byte-identical (embedded, queued ×1, queued ×2) | ${identical ? 'yes' : 'NO'} |`,
      '', '```json', JSON.stringify(result, null, 2), '```', '',
    ].join('\n'));
    if (!identical) process.exitCode = 1;
  } finally {
    admin.disconnect();
    server.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  }
}

// run as a script, not when BullMQ's sandboxed child loads this file as the no-op processor
if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  await main();
  setImmediate(() => process.exit(process.exitCode ?? 0));
} else {
  process.on('disconnect', () => process.exit(0));
}
