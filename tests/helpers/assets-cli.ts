// Runs `spatialgen assets …` in this process (commander program with registerAssets), capturing stdout/stderr and
// the exit status, the way cli/main.ts runs it: a thrown error is one line on stderr and exit 1.
import { Command, CommanderError } from 'commander';
import { registerAssets } from '../../cli/assets.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runAssetsCli(args: string[]): Promise<CliRun> {
  const p = new Command('spatialgen').exitOverride();
  registerAssets(p);
  p.commands.forEach((c) => c.exitOverride().commands.forEach((s) => s.exitOverride()));
  let stdout = '';
  let stderr = '';
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => ((stdout += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((stderr += String(s)), true)) as typeof process.stderr.write;
  const before = process.exitCode;
  process.exitCode = undefined;
  let code = 0;
  try {
    await p.parseAsync(['node', 'spatialgen', 'assets', ...args]);
    code = Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) code = e.exitCode;
    else {
      stderr += `spatialgen: ${(e as Error).message.split('\n')[0]}\n`;
      code = 1;
    }
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
    process.exitCode = before;
  }
  return { code, stdout, stderr };
}
