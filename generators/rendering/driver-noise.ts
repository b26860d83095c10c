// Dawn writes two lines to stderr whenever it opens a Mesa lavapipe adapter (lavapipe reports 1 000 000 dynamic
// buffers per pipeline layout; Dawn clamps that to 16 and says so):
//   Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.
//   Warning: maxDynamicStorageBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.
// They come from the adapter's limits, not from what we request (a device asking for nothing prints them too), and
// Dawn writes them natively to file descriptor 2, where no JavaScript can catch them. So the CLI never opens a GPU
// adapter in its own process: episodes and thumbnails render in child processes whose stderr it reads, and it drops
// exactly these lines from its stderr. Every other line, from Dawn, the driver or anything else, passes unchanged and
// at once.
import type { ChildProcess } from 'node:child_process';

/** Exactly the lines dropped; nothing else matches. */
export const DAWN_LIMIT_WARNING = /^Warning: maxDynamic(Uniform|Storage)BuffersPerPipelineLayout artificially reduced from \d+ to \d+ to fit dynamic offset allocation limit\.\r?$/;
// a line still being written is held back only while it could become one of them
const PREFIX = 'Warning: maxDynamic';

/** A line filter over a stream of text chunks that may split lines anywhere: `push` returns what may be shown now. */
export function noiseFilter(): { push(chunk: string): string; flush(): string } {
  let held = '';
  return {
    push(chunk: string): string {
      const text = held + chunk;
      held = '';
      const lines = text.split('\n');
      const tail = lines.pop()!;
      const kept = lines.filter((l) => !DAWN_LIMIT_WARNING.test(l));
      let out = kept.length > 0 ? `${kept.join('\n')}\n` : '';
      if (tail.startsWith(PREFIX) || (tail.length > 0 && PREFIX.startsWith(tail))) held = tail;
      else out += tail;
      return out;
    },
    flush(): string {
      const rest = held;
      held = '';
      return DAWN_LIMIT_WARNING.test(rest) ? '' : rest;
    },
  };
}

let installed: ReturnType<typeof noiseFilter> | null = null;

/**
 * Drops the two lines from everything this process writes to stderr, its children's piped output included (BullMQ's
 * job processes reach the terminal through `process.stderr.write`). `flushStderrFilter` writes out a held line.
 */
export function filterProcessStderr(): void {
  if (installed) return;
  const filter = (installed = noiseFilter());
  const write = process.stderr.write.bind(process.stderr) as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = filter.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    // callers pass (chunk, cb) or (chunk, encoding, cb): the callback must still run when nothing is written
    if (text.length === 0) {
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      if (cb) process.nextTick(cb);
      return true;
    }
    return write(text, ...rest.filter((r) => typeof r === 'function'));
  }) as typeof process.stderr.write;
}

export function flushStderrFilter(): void {
  const rest = installed?.flush();
  if (rest) process.stderr.write(rest);
}

/** A child's stderr into this process's stderr, through the filter (the child must be forked with stderr 'pipe'). */
export function pipeChildStderr(child: ChildProcess): void {
  filterProcessStderr();
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(d));
}
