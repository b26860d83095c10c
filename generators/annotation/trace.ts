// The SPEC trace: the tool-centre point from this frame to the next gripper open/close change (or episode end),
// resampled to a fixed number of points by linear interpolation in time. Shared by synthetic builds and by
// `convert`, so both kinds of dataset mean the same thing by "trace".

export const TRACE_POINTS = 10;

/**
 * Resamples a polyline of equally spaced samples in time (one per recorded frame) to `n` points equally spaced in
 * time between its first and last sample, interpolating linearly. A single sample repeats n times.
 */
export function resampleTrace<T extends number[]>(samples: readonly T[], n = TRACE_POINTS): T[] {
  if (samples.length === 0) throw new Error('resampleTrace: no samples');
  const out: T[] = [];
  const last = samples.length - 1;
  for (let i = 0; i < n; i++) {
    const t = n === 1 ? 0 : (i * last) / (n - 1);
    const k = Math.min(Math.floor(t), Math.max(last - 1, 0));
    const f = last === 0 ? 0 : t - k;
    const a = samples[k];
    const b = samples[Math.min(k + 1, last)];
    out.push(a.map((v, d) => v + (b[d] - v) * f) as T);
  }
  return out;
}

/**
 * For frame `i`, the index of the frame that ends its trace: the first later frame whose gripper state differs
 * from frame i's (the change), or the last frame. `gripperClosed` has one entry per frame.
 */
export function traceEndIndex(gripperClosed: readonly boolean[], i: number): number {
  for (let j = i + 1; j < gripperClosed.length; j++) if (gripperClosed[j] !== gripperClosed[i]) return j;
  return gripperClosed.length - 1;
}

/** Future TCP trace of every frame: positions[i..end(i)] resampled to n points. */
export function futureTraces<T extends number[]>(positions: readonly T[], gripperClosed: readonly boolean[], n = TRACE_POINTS): T[][] {
  if (positions.length !== gripperClosed.length) throw new Error('futureTraces: positions and gripper states differ in length');
  return positions.map((_, i) => resampleTrace(positions.slice(i, traceEndIndex(gripperClosed, i) + 1), n));
}
