// `spatialgen build`: resolve the config (file or preset, then flags), check the output directory, run the build
// embedded, or on BullMQ queues with --redis (cli/control.ts waits for those), show progress, and exit 0 only for a
// complete, valid dataset.
import type { Command } from 'commander';
import { defaultWorkers, intArg, pathArg, textArg, workersArg } from './args.js';
import { type BuildConfig, loadBuildConfigFile, parseBuildConfig } from '../schemas/config.js';
import { PRESET_NAMES, presetConfig } from '../schemas/presets.js';
import { buildId } from '../schemas/identity.js';
import { preflightBuild } from '../generators/preflight.js';
import { runEmbeddedBuild } from '../workers/embedded.js';
import { checkOutDir } from '../export/out-dir.js';
import { verifyDataset } from '../export/verify.js';
import { UserError } from './errors.js';
import { progress } from './progress.js';
import { connectQueues, queueOptions, requireTarget, waitForBuild } from './control.js';
import { startBuildRun } from '../workers/build-flow.js';
import { forgetTrain, recordBuildTrain } from '../workers/train-queue.js';
import { trainOptions } from './train.js';
import { DEFAULT_RETRY } from '../workers/queue-jobs.js';
import { DEFAULT_LOCK_MS } from '../workers/queue-worker.js';

export interface BuildFlags {
  preset?: string;
  out: string;
  episodes?: number;
  seed?: number;
  workers: number;
  redis?: string;
  prefix?: string;
  lockMs: number;
  detach?: boolean;
  progress: boolean;
  trainCmd?: string;
  trainGpus: number;
  trainName: string;
  trainRetries: number;
  runDir?: string;
}

export function resolveConfig(file: string | undefined, flags: Pick<BuildFlags, 'preset' | 'episodes' | 'seed'>): BuildConfig {
  if (file && flags.preset) throw new UserError('give either a CONFIG.yaml or --preset, not both');
  if (!file && !flags.preset) throw new UserError(`give a CONFIG.yaml or --preset NAME (${PRESET_NAMES.join(', ')})`);
  const base = file ? loadBuildConfigFile(file) : presetConfig(flags.preset!);
  const place = file ?? `preset ${flags.preset}`;
  return parseBuildConfig({ ...base, ...(flags.episodes !== undefined && { episodes: flags.episodes }), ...(flags.seed !== undefined && { seed: flags.seed }) }, place);
}

export async function build(file: string | undefined, flags: BuildFlags): Promise<void> {
  if (flags.trainCmd && !(flags.redis || process.env.REDIS_URL)) throw new UserError('--train-cmd needs --redis: training jobs run on queue workers (`spatialgen worker --queues train --gpus …`)');
  const config = resolveConfig(file, flags);
  const id = buildId(config);
  preflightBuild(config);
  // new, empty, or an unfinished run of this very build (then it resumes); never the config, `/`, home or here
  const outDir = checkOutDir(flags.out, { resumeBuild: id, inputs: file ? [file] : [] }).path;
  if (flags.redis || process.env.REDIS_URL) return queuedBuild(config, outDir, flags);
  if (flags.workers < 1) throw new UserError('--workers must be >= 1 without --redis (0 only with --redis: remote workers build)');
  const bar = progress('episodes', config.episodes, flags.progress);
  const started = Date.now();
  let result;
  try {
    result = await runEmbeddedBuild(config, outDir, { workers: flags.workers, onProgress: (p) => bar.update(p) });
  } finally {
    bar.stop();
  }
  await verifyDataset(outDir);
  const c = result.manifest.counts;
  process.stdout.write(
    `built ${flags.out}: ${c.episodes_succeeded}/${c.episodes_attempted} episodes succeeded, ${c.frames} frames, ` +
      `${c.stage1_samples} stage-1 samples, ${result.manifest.shards.length} shards in ${((Date.now() - started) / 1000).toFixed(1)} s (build ${result.manifest.build_id})\n`,
  );
}

/** `build --redis`: everything is checked before the one transaction that enqueues the build, then we wait. */
async function queuedBuild(config: BuildConfig, outDir: string, flags: BuildFlags): Promise<void> {
  requireTarget(flags);
  // every worker machine must see the dataset at the same absolute path (outDir is absolute)
  const q = await connectQueues(flags);
  try {
    const train = flags.trainCmd
      ? await recordBuildTrain(q, { dataset: outDir, cmd: flags.trainCmd, gpus: flags.trainGpus, name: flags.trainName, retries: flags.trainRetries, build: buildId(config), ...(flags.runDir ? { runDir: flags.runDir } : {}) })
      : undefined;
    const r = await startBuildRun(q, config, outDir, DEFAULT_RETRY, 0, train).catch(async (e: unknown) => {
      if (train) await forgetTrain(q, train);
      throw e;
    });
    if (train && r.attached) {
      await forgetTrain(q, train);
      process.stderr.write(`spatialgen: build ${r.buildId} was already running, so --train-cmd was not attached; run \`spatialgen train ${outDir} --cmd …\` when it completes\n`);
    } else if (train) {
      process.stderr.write(`training ${train} starts when the build completes (spatialgen status ${train})\n`);
    }
    process.stderr.write(r.attached
      ? `build ${r.buildId} is already running (run ${r.run}); waiting for it\n`
      : `queued build ${r.buildId} (run ${r.run}): ${r.enqueued} episode${r.enqueued === 1 ? '' : 's'}${r.committed ? `, ${r.committed} already committed` : ''}\n`);
    if (flags.detach) {
      process.stdout.write(`${r.buildId}\n`);
      return;
    }
    await waitForBuild(q, r.buildId, { config, outDir, workers: flags.workers, lockMs: flags.lockMs, progress: flags.progress });
  } finally {
    await q.close();
  }
}

export function registerBuild(program: Command): void {
  const cmd = program
    .command('build')
    .description('build a dataset from a CONFIG.yaml or a preset')
    .argument('[config]', 'CONFIG.yaml', pathArg('CONFIG.yaml'))
    .option('--preset <name>', `a named config: ${PRESET_NAMES.join(', ')}`)
    .requiredOption('--out <dir>', 'output dataset directory (new, empty, or an unfinished run of this build)', pathArg('--out'))
    .option('--episodes <n>', 'override the number of episodes', intArg('--episodes', 1, 10_000_000))
    .option('--seed <s>', 'override the build seed', intArg('--seed', 0, 2 ** 32 - 1))
    .option('--workers <n>', 'local worker processes, each rendering its own episodes (one per CPU core by default; with --redis: besides remote workers, 0 = none)', workersArg('--workers', 0), defaultWorkers())
    .option('--lock-ms <ms>', 'with --redis: job lock duration of the local workers', intArg('--lock-ms', 1000), DEFAULT_LOCK_MS)
    .option('--detach', 'with --redis: enqueue, print the build id and return')
    .option('--no-progress', 'no progress output')
    .option('--train-cmd <command>', 'with --redis: a training job that starts when the dataset is complete and valid (as `spatialgen train`; {dataset} is --out)', textArg('--train-cmd', 'command'));
  trainOptions(cmd, 'train-');
  queueOptions(cmd, 'run on BullMQ queues at this Redis, redis:// or rediss:// (default: $REDIS_URL; none: embedded)')
    .addHelpText('after', '\nExamples:\n  spatialgen build --preset demo --out out/demo\n  spatialgen build my.yaml --out out/ds --episodes 1000 --seed 7 --workers 2\n  spatialgen build my.yaml --out /mnt/shared/ds --redis redis://queue-host:6379 --workers 0\n  spatialgen build my.yaml --out /mnt/shared/ds --redis redis://queue-host:6379 --train-gpus 1 \\\n    --train-cmd "/opt/spatialgen/python/.venv/bin/python /opt/spatialgen/python/examples/train_min.py {dataset} --out {run_dir}"')
    .action((file: string | undefined, flags: BuildFlags) => build(file, flags));
}

