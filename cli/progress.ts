// Progress on stderr, the same for every command that waits on many items (build, convert, assets import, resume):
// on a terminal a live bar — done/total, failed, rate, ETA —; in a pipe or a CI log a line when another tenth of the
// items is done or 10 s have passed, and the last one; nothing when disabled. The rate counts only what was done
// while this command watched (a resumed build starts with its committed episodes), unless the caller knows better.
import { Presets, SingleBar } from 'cli-progress';

export interface Tally {
  done: number;
  failed?: number;
  /** items per minute, when the caller measures it (a queued build's watcher does); else taken from this clock */
  perMinute?: number;
  /** seconds left, likewise */
  etaSeconds?: number | null;
}

export interface Progress {
  update(t: Tally): void;
  stop(): void;
}

/** `42 s`, `7 min`, `2.5 h`, or `--` when unknown. */
export function formatEta(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '--';
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

const LOG_EVERY_MS = 10_000;

export function progress(label: string, total: number, enabled: boolean): Progress {
  if (!enabled) return { update: () => {}, stop: () => {} };
  const started = Date.now();
  let first: number | null = null;
  // rate and ETA from this command's own clock, counted from the first update (what was done before it is not ours)
  const measure = (t: Tally) => {
    const minutes = (Date.now() - started) / 60_000;
    const perMinute = t.perMinute ?? (minutes > 0 ? (t.done - (first ?? t.done)) / minutes : 0);
    const eta = t.etaSeconds !== undefined ? t.etaSeconds : perMinute > 0 ? ((total - t.done) / perMinute) * 60 : null;
    return { perMinute, eta };
  };
  if (process.stderr.isTTY) {
    const bar = new SingleBar(
      { format: `${label} {bar} {value}/{total} | failed {failed} | {rate}/min | ETA {eta_text}`, stream: process.stderr, hideCursor: true },
      Presets.shades_classic,
    );
    bar.start(total, 0, { failed: 0, rate: '0.0', eta_text: '--' });
    return {
      update: (t) => {
        first ??= t.done;
        const m = measure(t);
        bar.update(t.done, { failed: t.failed ?? 0, rate: m.perMinute.toFixed(1), eta_text: formatEta(m.eta) });
      },
      stop: () => bar.stop(),
    };
  }
  let lastAt = started;
  let lastTenth = 0;
  let finished = false;
  return {
    update: (t) => {
      first ??= t.done;
      const tenth = total > 0 ? Math.floor((10 * t.done) / total) : 10;
      const now = Date.now();
      if (finished || (t.done < total && tenth === lastTenth && now - lastAt < LOG_EVERY_MS)) return;
      finished = t.done >= total;
      lastAt = now;
      lastTenth = tenth;
      const m = measure(t);
      process.stderr.write(`${label} ${t.done}/${total} (${t.failed ?? 0} failed, ${m.perMinute.toFixed(1)}/min, ETA ${formatEta(m.eta)})\n`);
    },
    stop: () => {},
  };
}
