// `spatialgen view DIR`: the dataset in the browser (viewer/), or `--sheet out.png`: a contact sheet of frames with
// their annotations drawn, without a browser.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { isInside, realPath } from '../core/paths.js';
import type { Command } from 'commander';
import { intArg, pathArg, textArg } from './args.js';
import { UserError } from './errors.js';
import { loadLibrary } from '../assets/library.js';
import { DatasetView, NotADatasetError } from '../viewer/dataset.js';
import { ViewerServer } from '../viewer/server.js';
import { writeSheet } from '../viewer/sheet.js';

interface ViewFlags {
  host: string;
  port: number;
  open?: boolean;
  sheet?: string;
  episodes: number;
  tile: number;
}

/** asset id (`<entry>@<hash>`) → category: the default library's, else the entry's stem (`cube-05` → cube). */
function categoryLookup(): (id: string) => string {
  let byId = new Map<string, string>();
  try {
    byId = new Map(loadLibrary().assets().map((e) => [e.id, e.category]));
  } catch {
    /* no library here: stems */
  }
  return (id) => {
    const entry = id.split('@')[0];
    return byId.get(entry) ?? entry.replace(/^imp-/, '').replace(/-\d+$/, '');
  };
}

async function view(dir: string, flags: ViewFlags): Promise<void> {
  let ds: DatasetView;
  try {
    ds = DatasetView.open(dir);
  } catch (e) {
    if (e instanceof NotADatasetError) throw new UserError(e.message);
    throw e;
  }
  if (flags.sheet) {
    if (isInside(realPath(resolve(flags.sheet)), realPath(ds.dir))) throw new UserError(`--sheet ${flags.sheet} lies inside the dataset ${ds.dir}; a dataset stays as it was built`);
    const r = await writeSheet(ds, flags.sheet, { episodes: flags.episodes, tile: flags.tile });
    process.stdout.write(`${flags.sheet}: ${r.episodes} episodes, ${r.frames} frames, ${r.width}×${r.height}\n`);
    return;
  }
  const server = await new ViewerServer(ds, { categoryOf: categoryLookup() }).listen(flags.host, flags.port).catch((e: NodeJS.ErrnoException) => {
    throw new UserError(`cannot listen on ${flags.host}:${flags.port}: ${e.code ?? e.message}`);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : flags.port;
  const url = `http://${flags.host.includes(':') ? `[${flags.host}]` : flags.host}:${port}/`;
  process.stdout.write(`spatialgen view: ${url} (${ds.dir}); Ctrl-C stops it\n`);
  if (flags.open) {
    const opener = spawn(process.platform === 'darwin' ? 'open' : 'xdg-open', [url], { stdio: 'ignore', detached: true });
    opener.on('error', () => process.stderr.write(`spatialgen view: could not open a browser here; open ${url}\n`));
    opener.unref();
  }
  await new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // keep-alive connections would hold close() open: end them
    process.once('SIGINT', () => server.closeAllConnections());
    process.once('SIGTERM', () => server.closeAllConnections());
  });
}

export function registerView(program: Command): void {
  program
    .command('view')
    .description('browse a dataset in the browser: episodes with every annotation drawn, stage-1 samples, stats')
    .argument('<dir>', 'a dataset: a build, a converted recording', pathArg('DIR'))
    .option('--host <host>', 'address to listen on (loopback by default: the page is for you)', textArg('--host', 'address'), '127.0.0.1')
    .option('--port <port>', 'port (0: any free port)', intArg('--port', 0, 65535), 8080)
    .option('--open', 'open the page in the default browser')
    .option('--sheet <png>', 'write a contact sheet of frames with their overlays instead of serving', pathArg('--sheet'))
    .option('--episodes <n>', 'with --sheet: episodes on the sheet', intArg('--episodes', 1, 100), 6)
    .option('--tile <px>', 'with --sheet: each frame scaled to fit this square', intArg('--tile', 64, 2048), 256)
    .addHelpText('after', '\nExamples:\n  spatialgen view out/demo\n  spatialgen view out/demo --port 0 --open\n  spatialgen view out/demo --sheet docs/demo.png --episodes 3 --tile 192')
    .action((dir: string, flags: ViewFlags) => view(dir, flags));
}
