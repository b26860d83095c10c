// The supervisor of one training command (spawned by workers/train-process.ts, one per job attempt). It exists so that
// a training command never outlives its job: a worker that is SIGKILLed cannot stop anything, and its job is then
// failed or retried elsewhere; left alone, the command would go on holding the GPUs the retry is given.
//
// The command runs in a process group of its own (`sh -c`, detached), so everything it starts can be signalled at
// once. The supervisor ends that group (SIGTERM, then SIGKILL after the grace period) when
//   - the worker asks (IPC {stop: graceMs}: a cancel, a stopping worker, a lost lock),
//   - the worker dies (its IPC channel closes),
//   - the command's shell exits while processes of its group live on (a trainer still checkpointing after its shell
//     was killed, a data-loader or logger it left behind): they get SIGTERM and the grace period, so a job ends with
//     nothing left holding a GPU or the output pipes.
// Only then does it report how the command's shell ended (IPC {code, signal}) and exit. The command's stdout and
// stderr are the worker's pipes, inherited: the supervisor never copies output.
//
// argv: <command> <grace ms> <cwd>
import { spawn } from 'node:child_process';

const [command, graceArg, cwd] = process.argv.slice(2);
const defaultGraceMs = Number(graceArg);

// signals are for the command, through the worker's {stop}; the supervisor stays to end the group and report
process.on('SIGTERM', () => {});
process.on('SIGINT', () => {});

const child = spawn('/bin/sh', ['-c', command], { cwd, detached: true, stdio: ['ignore', 'inherit', 'inherit'] });
const group = child.pid!;

function signalGroup(sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-group, sig);
    return true;
  } catch {
    return false; // no process of the group is left
  }
}

let ending: Promise<void> | undefined;
/** SIGTERM to the group, SIGKILL once the grace period has passed; resolves when the group is empty. */
function endGroup(graceMs: number): Promise<void> {
  ending ??= (async () => {
    if (!signalGroup(graceMs > 0 ? 'SIGTERM' : 'SIGKILL')) return;
    const deadline = Date.now() + graceMs;
    while (signalGroup(0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    signalGroup('SIGKILL');
  })();
  return ending;
}

process.on('message', (m: { stop?: number }) => {
  if (typeof m?.stop === 'number') void endGroup(m.stop);
});
process.on('disconnect', () => void endGroup(defaultGraceMs));

function report(r: { code: number | null; signal: NodeJS.Signals | null; error?: string }): void {
  if (process.connected) process.send!(r, () => process.exit(0));
  else process.exit(0);
}

child.on('error', (e) => report({ code: 127, signal: null, error: e.message }));
child.on('exit', (code, signal) => {
  // what the shell left behind ends too, with the same grace a cancel gives (at once if nothing is left)
  void endGroup(defaultGraceMs).then(() => report({ code, signal }));
});
