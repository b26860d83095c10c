// Progress on stderr: a live bar on a terminal, a line every few seconds otherwise (logs, CI), nothing when disabled.
import { Presets, SingleBar } from 'cli-progress';

export interface Progress {
  update(done: number, extra?: Record<string, string | number>): void;
  stop(): void;
}

export function progress(label: string, total: number, enabled: boolean, extraFormat = ''): Progress {
  if (!enabled) return { update: () => {}, stop: () => {} };
  if (process.stderr.isTTY) {
    const bar = new SingleBar({ format: `${label} {bar} {value}/{total}${extraFormat} | {eta_formatted} left`, stream: process.stderr, hideCursor: true }, Presets.shades_classic);
    bar.start(total, 0);
    return { update: (done, extra) => bar.update(done, extra), stop: () => bar.stop() };
  }
  // logs get a line at most every 2 s, and the last one
  let last = 0;
  return {
    update: (done, extra) => {
      const now = Date.now();
      if (done < total && now - last < 2000) return;
      last = now;
      const more = extra ? ` (${Object.entries(extra).map(([k, v]) => `${v} ${k}`).join(', ')})` : '';
      process.stderr.write(`${label} ${done}/${total}${more}\n`);
    },
    stop: () => {},
  };
}
