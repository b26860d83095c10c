// The `spatialgen` command line. Every failure the user can act on is one line on stderr and a non-zero exit;
// a stack trace only with SPATIALGEN_DEBUG=1.
import { existsSync, readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerBuild } from './build.js';
import { registerConvert } from './convert.js';
import { registerAssets } from './assets.js';
import { registerWorker } from './worker.js';
import { registerControl } from './control.js';
import { registerDashboard } from './dashboard.js';
import { registerTrain } from './train.js';
import { registerView } from './view.js';
import { registerExport } from './export.js';
import { filterProcessStderr, flushStderrFilter } from '../generators/rendering/driver-noise.js';

// the same file from dist/cli (built) and cli/ (run from source with tsx)
const pkgUrl = [new URL('../../package.json', import.meta.url), new URL('../package.json', import.meta.url)].find((u) => existsSync(u))!;
const pkg = JSON.parse(readFileSync(pkgUrl, 'utf8')) as { version: string };

export function program(): Command {
  const p = new Command('spatialgen')
    .description('synthetic spatial-grounding and robot-episode data for spatially guided VLA training')
    .version(pkg.version)
    // program options only before a subcommand, so `export lerobot --version v2.1` is the export's own option
    .enablePositionalOptions()
    // commander's own errors (unknown option, bad value) in the one-line form of every other error
    .configureOutput({ outputError: (str, write) => write(`spatialgen: ${str.replace(/^error: /, '').trim()} (see --help)\n`) });
  registerBuild(p);
  registerConvert(p);
  registerExport(p);
  registerAssets(p);
  registerWorker(p);
  registerControl(p);
  registerDashboard(p);
  registerTrain(p);
  registerView(p);
  return p;
}

async function main(): Promise<void> {
  const p = program().exitOverride();
  try {
    await p.parseAsync(process.argv);
    process.exitCode ??= 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode;
      return;
    }
    const err = e as Error;
    process.stderr.write(`spatialgen: ${err.message.split('\n')[0]}\n`);
    if (process.env.SPATIALGEN_DEBUG) process.stderr.write(`${err.stack}\n`);
    process.exitCode = 1;
  }
}

/** Resolves once everything written to `s` so far has left the process (a pipe's reader may be slow). */
function drained(s: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (s.destroyed || !s.writable) return resolve();
    s.write('', () => resolve());
  });
}

// a reader that stops early (`… | head`) closes the pipe: that ends the command quietly, not with a stack trace
for (const s of [process.stdout, process.stderr]) s.on('error', (e: NodeJS.ErrnoException) => e.code === 'EPIPE' && process.exit(process.exitCode ?? 0));
filterProcessStderr();
await main();
flushStderrFilter();
// Dawn and child processes can keep handles open, so a finished command exits explicitly, but only once its output
// has drained: `process.exit` drops what a pipe has not taken yet (a slow reader got 64 KiB of 190)
await Promise.all([drained(process.stdout), drained(process.stderr)]);
process.exit(process.exitCode ?? 0);
