// `spatialgen train`: a training command on a finished dataset, as a job on the queues (workers/train-jobs.ts) that a
// `spatialgen worker --queues train --gpus …` on a GPU machine runs. `build --train-cmd` enqueues the same job as its
// build's parent (cli/build.ts); `status` and `cancel` (cli/control.ts) take training ids as well as build ids.
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { intArg, pathArg, textArg } from './args.js';
import { connectQueues, queueOptions, type QueueFlags } from './control.js';
import { UserError } from './errors.js';
import { MAX_TRAIN_GPUS, TRAIN_NAME, trainQueueName } from '../workers/train-jobs.js';
import { datasetKind, enqueueTrain, followTrain } from '../workers/train-queue.js';

export interface TrainOptions {
  gpus: number;
  name: string;
  retries: number;
  runDir?: string;
}

interface TrainFlags extends QueueFlags, TrainOptions {
  cmd: string;
  detach?: boolean;
}

const nameArg = (v: string): string => {
  if (!TRAIN_NAME.test(v)) throw new InvalidArgumentError(`--name must match ${TRAIN_NAME} (letters, digits, _ and .)`);
  return v;
};

/** The options `train` and `build --train-cmd` share (`prefix`: '' or 'train-'). */
export function trainOptions(c: Command, prefix: '' | 'train-'): Command {
  return c
    .option(`--${prefix}gpus <n>`, 'GPUs the job needs; it runs on a worker with that many free', intArg(`--${prefix}gpus`, 0, MAX_TRAIN_GPUS), 1)
    .option(`--${prefix}name <name>`, 'a name for status and the run folder', nameArg, 'train')
    .option(`--${prefix}retries <n>`, 'runs again after a failure (non-zero exit, lost worker) up to n times', intArg(`--${prefix}retries`, 0, 100), 0)
    .option('--run-dir <dir>', 'the run folder, the same path on every GPU machine (default: <dataset folder>/runs/<id>)', pathArg('--run-dir'));
}

async function train(dir: string, flags: TrainFlags): Promise<void> {
  const dataset = resolve(dir);
  try {
    datasetKind(dataset);
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  const q = await connectQueues(flags);
  try {
    const rec = await enqueueTrain(q, { dataset, cmd: flags.cmd, gpus: flags.gpus, name: flags.name, retries: flags.retries, ...(flags.runDir ? { runDir: flags.runDir } : {}) });
    let workers = -1;
    try {
      workers = await q.queue(trainQueueName(flags.gpus)).getWorkersCount();
    } catch {
      /* CLIENT LIST may be disabled on managed Redis */
    }
    process.stderr.write(`queued training ${rec.trainId} on ${flags.gpus} GPU${flags.gpus === 1 ? '' : 's'}; run folder ${rec.runDir}\n`);
    if (workers === 0) process.stderr.write(`spatialgen: no worker serves ${flags.gpus}-GPU jobs right now; it waits for \`spatialgen worker --queues train --gpus …\` with ${flags.gpus} free\n`);
    if (flags.detach) {
      process.stdout.write(`${rec.trainId}\n`);
      return;
    }
    const onSigint = () => {
      process.stderr.write(`\nspatialgen: stopped following; training ${rec.trainId} goes on (spatialgen status ${rec.trainId} / cancel ${rec.trainId})\n`);
      process.exit(130);
    };
    process.once('SIGINT', onSigint);
    const s = await followTrain(q, rec.trainId, (l) => process.stdout.write(l));
    process.off('SIGINT', onSigint);
    const took = s.elapsed_s !== null ? ` in ${s.elapsed_s} s` : '';
    if (s.state === 'done') {
      process.stderr.write(`training ${rec.trainId} done${took} on ${s.host}; run folder ${s.run_dir}\n`);
      return;
    }
    process.stderr.write(`spatialgen: training ${rec.trainId} ${s.state}${took}${s.error ? `: ${s.error}` : ''}\n`);
    process.exitCode = s.exit_code !== null && s.exit_code > 0 && s.exit_code < 256 ? s.exit_code : 1;
  } finally {
    await q.close();
  }
}

export function registerTrain(program: Command): void {
  const c = program
    .command('train')
    .description('enqueue a training command on a dataset; a `worker --queues train --gpus …` runs it')
    .argument('<dir>', 'the dataset (a build, a conversion, or an `export lerobot`/`export vlm` folder), the same path on the GPU machines', pathArg('DIR'))
    .requiredOption('--cmd <command>', 'shell command; {dataset}, {run_dir}, {gpus}, {id} are filled in (also $SPATIALGEN_DATASET, $SPATIALGEN_RUN_DIR, $CUDA_VISIBLE_DEVICES)', textArg('--cmd', 'command'))
    .option('--detach', 'enqueue, print the training id and return (default: follow its log and exit with its exit code)');
  queueOptions(trainOptions(c, ''))
    .addHelpText('after', [
      '\nExamples:',
      '  spatialgen train /mnt/data/demo --redis redis://queue-host:6379 --gpus 1 \\',
      '    --cmd "/opt/spatialgen/python/.venv/bin/python /opt/spatialgen/python/examples/train_min.py {dataset} --out {run_dir}"',
      '  spatialgen train /mnt/data/demo-lerobot --redis redis://queue-host:6379 --gpus 2 --name act --detach \\',
      '    --cmd "lerobot-train --dataset.repo_id=local/demo --dataset.root={dataset} --policy.type=act --output_dir={run_dir}/out"',
    ].join('\n'))
    .action((dir: string, flags: TrainFlags) => train(dir, flags));
}
