// `spatialgen export lerobot DIR --out DIR2 [--version v2.1|v3.0]`: a dataset's stage-2 episodes as a LeRobot
// dataset (lerobot/export.ts). Bad input is one line naming the place and the problem; nothing is left at --out.
import type { Command } from 'commander';
import { pathArg } from './args.js';
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
}
