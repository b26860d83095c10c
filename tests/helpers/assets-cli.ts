// Runs `spatialgen assets …` in this process (commander program with registerAssets), capturing its output lines
// and the exit status, the way cli/main.ts runs it: a thrown error is one line on stderr and exit 1.
import { Command, CommanderError } from 'commander';
import { registerAssets } from '../../cli/assets.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runAssetsCli(args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const p = new Command('spatialgen').exitOverride().configureOutput({ writeOut: (s) => (stdout += s), writeErr: (s) => (stderr += s) });
  registerAssets(p, { out: (s) => (stdout += `${s}\n`), err: (s) => (stderr += `${s}\n`) });
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const c of all(p)) c.exitOverride().configureOutput({ writeOut: (s) => (stdout += s), writeErr: (s) => (stderr += s) });
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
    process.exitCode = before;
  }
  return { code, stdout, stderr };
}
