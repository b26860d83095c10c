// `spatialgen convert INPUT --out DIR`: recorded robot demos (LeRobot v1 / v2.1 / v3.0, RLDS) → a stage-1 grounding
// dataset in the layout of a build. Bad input (a dataset, video or calibration that does not fit) is one line on
// stderr and a non-zero exit, and leaves no output directory behind.
//
// With --redis (or REDIS_URL) the episodes are jobs on the BullMQ queues of builds (workers/convert-job.ts): the
// input is checked here first, then one job per episode and a finalize that packs are enqueued, N local workers
// serve them (any `spatialgen worker` too), and the command waits with progress, exiting as `build --redis` does.
// The dataset is the embedded one's, byte for byte.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { progress, type Progress } from './progress.js';
import { Command, InvalidArgumentError, Option } from 'commander';
import { intArg, numberArg, pathArg, workersArg } from './args.js';
import { COORD_FORMAT_HELP, parseCoordFormat } from '../schemas/coord-format.js';
import { PHRASING_CHOICES } from '../schemas/config.js';
import type { PhrasingChoice } from '../generators/language/phrasing.js';
import { SOURCE_FORMATS, type SourceFormat } from '../convert/episode.js';
import { type ConvertOptions, DEFAULT_COORD_FORMAT, convertNotes, makeSpec, openSpec, outRules, runConvert } from '../convert/run.js';
import { checkOutDir } from '../export/out-dir.js';
import type { ImageFormat } from '../convert/images.js';
import type { Manifest } from '../export/index.js';
import { startQueuedRun } from '../workers/build-flow.js';
import { convertRunId, prepareStaging, stagingDirOf, type ConvertRecord } from '../workers/convert-job.js';
import { DEFAULT_RETRY } from '../workers/queue-jobs.js';
import { DEFAULT_LOCK_MS } from '../workers/queue-worker.js';
import { waitForRun } from '../workers/queued-run.js';
import { connectQueues, queueOptions, requireTarget } from './control.js';
import { UserError } from './errors.js';

export interface ConvertFlags {
  out: string;
  from: SourceFormat | 'auto';
  calibration?: string;
  coordFormat: string;
  seed: number;
  phrasings: PhrasingChoice;
  workers: number;
  imageFormat: ImageFormat;
  frameStride: number;
  minTracePx: number;
  overwrite: boolean;
  progress: boolean;
  redis?: string;
  prefix?: string;
  lockMs: number;
}

const coordArg = (v: string) => {
  try {
    parseCoordFormat(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
  return v;
};

function summary(m: Manifest, dropped: Record<string, number>, outDir: string, started: number, how = ''): string {
  const c = m.counts;
  const by = Object.entries(c.stage1_samples_by_task_type).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ');
  const drops = Object.entries(dropped).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ');
  const source = m.source as { name: string; format: string };
  return `converted ${source.name} (${source.format}) → ${outDir}: ${c.episodes_attempted} episodes, ${c.stage1_samples} stage-1 samples` +
    `${by ? ` (${by})` : ''}; dropped ${drops || 'none'}; ${((Date.now() - started) / 1000).toFixed(1)} s${how}\n`;
}

const optionsOf = (flags: ConvertFlags): ConvertOptions => ({
  from: flags.from,
  calibration: flags.calibration ?? null,
  coordFormat: flags.coordFormat,
  seed: flags.seed,
  phrasings: flags.phrasings,
  imageFormat: flags.imageFormat,
  frameStride: flags.frameStride,
  minTracePx: flags.minTracePx,
  overwrite: flags.overwrite,
});

export async function convert(input: string, flags: ConvertFlags): Promise<void> {
  if (flags.redis || process.env.REDIS_URL) return queuedConvert(input, flags);
  if (flags.workers < 1) throw new UserError('--workers must be an integer >= 1 (0 only with --redis: remote workers convert)');
  const started = Date.now();
  let bar: Progress | undefined;
  const r = await runConvert(input, flags.out, {
    ...optionsOf(flags),
    concurrency: flags.workers,
    onProgress: (done, total) => {
      bar ??= progress('episodes', total, flags.progress);
      bar.update({ done });
    },
  });
  bar?.stop();
  for (const n of r.notes) process.stderr.write(`note: ${n}\n`);
  process.stdout.write(summary(r.manifest, { ...r.dropped }, r.outDir, started));
}

/** `convert --redis`: the input and the output directory are checked here before anything is enqueued. */
async function queuedConvert(input: string, flags: ConvertFlags): Promise<void> {
  requireTarget(flags);
  const started = Date.now();
  const spec = makeSpec(input, optionsOf(flags));
  // every worker machine must see the input and the output at the same absolute paths
  const outDir = checkOutDir(flags.out, outRules(spec, flags.overwrite)).path;
  const opened = await openSpec(spec);
  const total = opened.dataset.episodeCount;
  const rec: ConvertRecord = { spec, overwrite: flags.overwrite };
  const id = convertRunId(rec, outDir);
  const q = await connectQueues(flags);
  try {
    const r = await startQueuedRun(q, {
      kind: 'convert', id, outDir, configJson: JSON.stringify(rec), total, retry: DEFAULT_RETRY,
      plan: async () => {
        await prepareStaging(outDir, id);
        return { items: Array.from({ length: total }, (_, i) => i), committed: [], failed: [] };
      },
    });
    process.stderr.write(r.attached
      ? `convert ${id} is already running (run ${r.run}); waiting for it\n`
      : `queued convert ${id} (run ${r.run}): ${r.enqueued} episode${r.enqueued === 1 ? '' : 's'}, staged in ${stagingDirOf(outDir, id)}\n`);
    const bar = progress('episodes', total, flags.progress);
    const result = await waitForRun(q, id, {
      total, workers: flags.workers, lockMs: flags.lockMs, what: `convert ${id}`,
      onProgress: (p) => bar.update(p),
      onNote: (l) => process.stderr.write(`spatialgen: ${l}\n`),
    });
    bar.stop();
    if (result.state === 'fatal') throw new UserError(`this machine cannot run convert jobs (${result.error}); convert ${id} stays queued for other workers`);
    if (result.state === 'cancelled') throw new UserError(`convert ${id} was cancelled; run the same convert again to redo it`);
    if (result.state === 'failed') throw new UserError((result.error ?? 'failed').replace(/^finalize: /, '').replace(/^(?!convert )/, `convert ${id} failed: `));
  } finally {
    await q.close();
  }
  for (const n of convertNotes(opened)) process.stderr.write(`note: ${n}\n`);
  const m = JSON.parse(readFileSync(resolve(outDir, 'manifest.json'), 'utf8')) as Manifest & { conversion: { dropped: Record<string, number> } };
  process.stdout.write(summary(m, m.conversion.dropped, outDir, started, ' (queued)'));
}

export function registerConvert(program: Command): void {
  const cmd = program
    .command('convert')
    .description('recorded robot demos (LeRobot v1/v2.1/v3.0, RLDS) → stage-1 grounding dataset (same layout as a build)')
    .argument('<input>', 'the dataset folder', pathArg('INPUT'))
    .requiredOption('--out <dir>', 'output dataset directory (must be new or empty)', pathArg('--out'))
    .addOption(new Option('--from <format>', 'source format').choices(['auto', ...SOURCE_FORMATS]).default('auto'))
    .option('--calibration <file>', 'camera calibration JSON (SPEC format); without it only episodes and statistics are written', pathArg('--calibration'))
    .option('--coord-format <f>', `answer text coordinates: ${COORD_FORMAT_HELP}`, coordArg, DEFAULT_COORD_FORMAT)
    .option('--seed <s>', 'seed for question phrasing', intArg('--seed', 0, 2 ** 32 - 1), 0)
    .addOption(new Option('--phrasings <split>', 'question phrasings: train, the held-out test (every fifth of each bank), or all').choices([...PHRASING_CHOICES]).default('train'))
    .option('--workers <n>', 'episodes converted at once (with --redis: local worker processes besides remote ones; 0 = none)', workersArg('--workers', 0), 2)
    .addOption(new Option('--image-format <f>', 'how frames decoded from video are stored').choices(['jpeg', 'png']).default('jpeg'))
    .option('--frame-stride <n>', 'trace samples on every n-th frame', intArg('--frame-stride', 1), 1)
    .option('--min-trace-px <px>', 'drop traces that move less than this (robot still)', numberArg('--min-trace-px', 0), 2)
    .option('--overwrite', 'replace --out when it holds a dataset spatialgen wrote (nothing else is ever replaced)', false)
    .option('--no-progress', 'no progress output')
    .option('--lock-ms <ms>', 'with --redis: job lock duration of the local workers', intArg('--lock-ms', 1000), DEFAULT_LOCK_MS);
  queueOptions(cmd, 'run one job per episode on BullMQ queues at this Redis, redis:// or rediss:// (default: $REDIS_URL; none: embedded)')
    .addHelpText('after', '\nExamples:\n  spatialgen convert data/pusht --out out/pusht --calibration pusht.json\n' +
      '  spatialgen convert data/bridge_dataset/1.0.0 --out out/bridge --coord-format norm1000\n' +
      '  spatialgen convert /mnt/data/bridge_dataset/1.0.0 --out /mnt/datasets/bridge --redis redis://queue-host:6379 --workers 0')
    .action((input: string, flags: ConvertFlags) => convert(input, flags));
}
