// `spatialgen convert INPUT --out DIR`: recorded robot demos (LeRobot v1 / v2.1 / v3.0, RLDS) → a stage-1 grounding
// dataset in the layout of a build. Bad input (a dataset, video or calibration that does not fit) is one line on
// stderr and a non-zero exit, and leaves no output directory behind.
import { progress, type Progress } from './progress.js';
import { Command, InvalidArgumentError, Option } from 'commander';
import { COORD_FORMAT_HELP, parseCoordFormat } from '../generators/language/coords.js';
import { SOURCE_FORMATS, type SourceFormat } from '../convert/episode.js';
import { DEFAULT_COORD_FORMAT, runConvert } from '../convert/run.js';
import type { ImageFormat } from '../convert/images.js';

export interface ConvertFlags {
  out: string;
  from: SourceFormat | 'auto';
  calibration?: string;
  coordFormat: string;
  seed: number;
  workers: number;
  imageFormat: ImageFormat;
  frameStride: number;
  minTracePx: number;
  overwrite: boolean;
  progress: boolean;
}

const intArg = (name: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
  return n;
};

const coordArg = (v: string) => {
  try {
    parseCoordFormat(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
  return v;
};

const pxArg = (v: string) => {
  const n = Number(v);
  if (!(n >= 0)) throw new InvalidArgumentError('--min-trace-px must be a number >= 0');
  return n;
};

export async function convert(input: string, flags: ConvertFlags): Promise<void> {
  const started = Date.now();
  let bar: Progress | undefined;
  const r = await runConvert(input, flags.out, {
    from: flags.from,
    calibration: flags.calibration ?? null,
    coordFormat: flags.coordFormat,
    seed: flags.seed,
    imageFormat: flags.imageFormat,
    frameStride: flags.frameStride,
    minTracePx: flags.minTracePx,
    concurrency: flags.workers,
    overwrite: flags.overwrite,
    onProgress: (done, total) => {
      bar ??= progress('episodes', total, flags.progress);
      bar.update(done);
    },
  });
  bar?.stop();
  for (const n of r.notes) process.stderr.write(`note: ${n}\n`);
  const c = r.manifest.counts;
  const by = Object.entries(c.stage1_samples_by_task_type).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ');
  const dropped = Object.entries(r.dropped).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ');
  const source = r.manifest.source as { name: string; format: string };
  process.stdout.write(
    `converted ${source.name} (${source.format}) → ${r.outDir}: ${c.episodes_attempted} episodes, ${c.stage1_samples} stage-1 samples` +
      `${by ? ` (${by})` : ''}; dropped ${dropped || 'none'}; ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

export function registerConvert(program: Command): void {
  program
    .command('convert')
    .description('recorded robot demos (LeRobot v1/v2.1/v3.0, RLDS) → stage-1 grounding dataset (same layout as a build)')
    .argument('<input>', 'the dataset folder')
    .requiredOption('--out <dir>', 'output dataset directory (must be new or empty)')
    .addOption(new Option('--from <format>', 'source format').choices(['auto', ...SOURCE_FORMATS]).default('auto'))
    .option('--calibration <file>', 'camera calibration JSON (SPEC format); without it only episodes and statistics are written')
    .option('--coord-format <f>', `answer text coordinates: ${COORD_FORMAT_HELP}`, coordArg, DEFAULT_COORD_FORMAT)
    .option('--seed <s>', 'seed for question phrasing', intArg('--seed', 0), 0)
    .option('--workers <n>', 'episodes converted at once', intArg('--workers', 1), 2)
    .addOption(new Option('--image-format <f>', 'how frames decoded from video are stored').choices(['jpeg', 'png']).default('jpeg'))
    .option('--frame-stride <n>', 'trace samples on every n-th frame', intArg('--frame-stride', 1), 1)
    .option('--min-trace-px <px>', 'drop traces that move less than this (robot still)', pxArg, 2)
    .option('--overwrite', 'replace a non-empty --out', false)
    .option('--no-progress', 'no progress output')
    .addHelpText('after', '\nExamples:\n  spatialgen convert data/pusht --out out/pusht --calibration pusht.json\n' +
      '  spatialgen convert data/bridge_dataset/1.0.0 --out out/bridge --coord-format norm1000')
    .action((input: string, flags: ConvertFlags) => convert(input, flags));
}
