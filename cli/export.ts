// `spatialgen export lerobot DIR --out DIR2 [--version v2.1|v3.0]`: a dataset's stage-2 episodes as a LeRobot
// dataset (lerobot/export.ts). Bad input is one line naming the place and the problem; nothing is left at --out.
import { type Command, InvalidArgumentError, Option } from 'commander';
import { intArg, pathArg } from './args.js';
import { VLM_COORDS, VLM_STYLES, type VlmOptions, exportVlm } from '../vlm/export.js';
import { exportLerobot } from '../lerobot/export.js';
import { LEROBOT_VERSIONS } from '../lerobot/layout.js';

interface ExportFlags {
  out: string;
  version: string;
  progress: boolean;
}

async function exportCommand(dir: string, flags: ExportFlags): Promise<void> {
  const started = Date.now();
  const r = await exportLerobot(dir, flags.out, {
    version: flags.version,
    onEpisode: flags.progress && process.stderr.isTTY ? (n) => process.stderr.write(`\repisode ${n}`) : undefined,
  });
  if (flags.progress && process.stderr.isTTY) process.stderr.write('\n');
  process.stdout.write(`exported ${dir} → ${r.outDir} (LeRobot ${r.version}): ${r.episodes} episodes, ${r.frames} frames, ${r.tasks} tasks in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

interface VlmFlags {
  out: string;
  imageSize?: [number, number];
  coordFormat?: VlmOptions['coordFormat'];
  style: VlmOptions['style'];
  weights?: number[];
  caps?: number[];
  samples?: number;
  seed: number;
  splits: string[];
  progress: boolean;
}

const sizeArg = (v: string): [number, number] => {
  const m = /^(\d{1,5})x(\d{1,5})$/.exec(v.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new InvalidArgumentError('--image-size is WxH in pixels, e.g. 448x448');
  return [Number(m[1]), Number(m[2])];
};
const listArg = (name: string, integer: boolean) => (v: string): number[] => {
  const xs = v.split(',').map((x) => x.trim());
  const ns = xs.map(Number);
  if (xs.some((x) => x === '') || ns.some((n) => !Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n)))) {
    throw new InvalidArgumentError(`${name} is a comma-separated list of ${integer ? 'whole numbers' : 'numbers'} >= 0, one per dataset`);
  }
  return ns;
};
const splitsArg = (v: string): string[] => {
  const xs = v.split(',').map((x) => x.trim());
  if (xs.some((x) => !/^[a-z][a-z0-9_]*$/.test(x))) throw new InvalidArgumentError('--splits is a comma-separated list of split names, e.g. train,validation');
  return xs;
};

async function vlmCommand(dirs: string[], flags: VlmFlags): Promise<void> {
  const started = Date.now();
  const tty = flags.progress && process.stderr.isTTY;
  const r = await exportVlm(dirs, flags.out, {
    imageSize: flags.imageSize, coordFormat: flags.coordFormat, style: flags.style, weights: flags.weights, caps: flags.caps,
    samples: flags.samples, seed: flags.seed, splits: flags.splits,
    onSample: tty ? (n, total) => { if (n % 500 === 0 || n === total) process.stderr.write(`\rsample ${n}/${total}`); } : undefined,
  });
  if (tty) process.stderr.write('\n');
  const by = Object.entries(r.byTaskType).map(([k, v]) => `${k} ${v}`).join(', ');
  process.stdout.write(`exported ${dirs.join(', ')} → ${r.outDir} (VLM, ${flags.style}): ${r.samples} samples (${by}), ${r.images} images in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

export function registerExport(program: Command): void {
  const exp = program.command('export').description('export a dataset to another format');
  exp
    .command('lerobot')
    .description('stage-2 episodes as a LeRobot dataset (parquet + h264 mp4 per camera) that LeRobotDataset(repo_id, root=OUT) loads')
    .argument('<dir>', 'a spatialgen dataset directory (from build)', pathArg('DIR'))
    .requiredOption('--out <dir>', 'the LeRobot dataset directory to write (must be new or empty)', pathArg('--out'))
    // not `.choices()`: a bad version must be one line, like every other bad input
    .option('--version <v>', `LeRobot format: ${LEROBOT_VERSIONS.join(' or ')}`, 'v3.0')
    .option('--no-progress', 'no progress output')
    .addHelpText('after', '\nExamples:\n  spatialgen export lerobot out/demo --out out/demo-lerobot\n  spatialgen export lerobot out/demo --out out/demo-lerobot-v21 --version v2.1')
    .action((dir: string, flags: ExportFlags) => exportCommand(dir, flags));
  exp
    .command('vlm')
    .description('stage-1 samples of one or more datasets (a weighted mix) as images + JSONL for VLM trainers (InternVLA-M1, starVLA, LLaMA-Factory, ms-swift, TRL)')
    .argument('<dir...>', 'spatialgen dataset directories (builds and converted recordings)', (v: string, prev: string[] = []) => [...prev, pathArg('DIR')(v)])
    .requiredOption('--out <dir>', 'the folder to write (must be new or empty)', pathArg('--out'))
    .option('--image-size <WxH>', 'resize every image to exactly W×H and every coordinate with it', sizeArg)
    .addOption(new Option('--coord-format <f>', 'answer coordinates: abs (pixels of the exported image), norm1000 or norm1 (default: each sample\'s own kind)').choices([...VLM_COORDS]))
    .addOption(new Option('--style <s>', 'sample layout: conversations (from/value) or messages (role/content)').choices([...VLM_STYLES]).default('conversations'))
    .option('--weights <w,…>', 'mixture weights, one per dataset (with --samples)', listArg('--weights', false))
    .option('--samples <n>', 'the mixture\'s size (with --weights)', intArg('--samples', 1))
    .option('--caps <n,…>', 'at most this many samples per dataset, one per dataset', listArg('--caps', true))
    .option('--seed <s>', 'seed of the mixture\'s draws', intArg('--seed', 0, 2 ** 32 - 1), 0)
    .option('--splits <a,b>', 'the splits exported', splitsArg, ['train'])
    .option('--no-progress', 'no progress output')
    .addHelpText('after', '\nExamples:\n  spatialgen export vlm out/demo --out out/demo-vlm --image-size 224x224\n' +
      '  spatialgen export vlm out/demo out/bridge --out out/mix --samples 100000 --weights 3,1 --image-size 448x448 --coord-format abs\n' +
      '  spatialgen export vlm out/demo --out out/demo-qwen3 --coord-format norm1000 --style messages')
    .action((dirs: string[], flags: VlmFlags) => vlmCommand(dirs, flags));
}
