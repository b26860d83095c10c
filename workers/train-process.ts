// A training command under its supervisor (workers/train-supervisor.ts): started with its environment in its run
// folder, its output delivered as chunks (for the log file) and lines (for the job log), and ended as a process
// group — SIGTERM to every process of it, SIGKILL after a grace period — by the supervisor, on request.
import { spawn, type ChildProcess } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';

const fromSource = import.meta.url.endsWith('.ts');
const SUPERVISOR = fileURLToPath(new URL(`./train-supervisor${fromSource ? '.ts' : '.js'}`, import.meta.url));

export interface TrainExit {
  /** the command's exit code, null when a signal ended it */
  code: number | null;
  signal: string | null;
  /** the command could not be started at all */
  error?: string;
}

export interface TrainProcessOptions {
  command: string;
  cwd: string;
  env: Record<string, string>;
  /** between SIGTERM and SIGKILL, here and in the supervisor (when the worker dies) */
  graceMs: number;
  onOutput: (chunk: Buffer) => void;
  /** each line of output, split at \n and at \r (a progress bar's redraws are lines too), without the break */
  onLine: (line: string) => void;
}

export class TrainProcess {
  readonly pid: number;
  /** resolves once the command has exited and its output is read to the end */
  readonly exited: Promise<TrainExit>;
  private readonly child: ChildProcess;
  private done = false;

  constructor(o: TrainProcessOptions) {
    const tsx = SUPERVISOR.endsWith('.ts') && !process.execArgv.some((a) => a.includes('tsx')) ? ['--import', 'tsx'] : [];
    // the supervisor starts where we run (so `--import tsx` resolves); the command starts in its run folder
    const child = (this.child = spawn(process.execPath, [...process.execArgv, ...tsx, SUPERVISOR, o.command, String(o.graceMs), o.cwd], {
      env: { ...process.env, ...o.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    }));
    this.pid = child.pid!;
    let report: TrainExit | undefined;
    child.on('message', (m: TrainExit) => (report = m));
    for (const stream of [child.stdout!, child.stderr!]) {
      const decoder = new StringDecoder('utf8');
      let partial = '';
      const emit = (text: string, final: boolean) => {
        const parts = (partial + text).split(/\r\n|\n|\r/);
        partial = final ? '' : parts.pop()!;
        for (const line of parts) if (line.length > 0) o.onLine(line);
      };
      stream.on('data', (d: Buffer) => {
        o.onOutput(d);
        emit(decoder.write(d), false);
      });
      stream.on('end', () => emit(decoder.end() + (partial ? '\n' : ''), true));
    }
    this.exited = new Promise((resolve) => {
      child.on('close', (code, signal) => {
        this.done = true;
        // the supervisor reports how the command ended once its whole group is gone, then exits
        resolve(report ?? { code, signal, error: `the supervisor ended without a report (${signal ?? `exit ${code}`})` });
      });
    });
  }

  /** Ends the command's process group: SIGTERM, then SIGKILL after graceMs (0: SIGKILL at once). */
  terminate(graceMs: number): void {
    if (this.done || !this.child.connected) return;
    this.child.send({ stop: graceMs }, () => {});
  }
}
