// Which stage-1 samples of each source an export takes. A stage-1 mixture (the paper's co-training data is one) is
// set per source by a weight or a cap:
//   --samples N --weights w1,w2…   source i gives round(N · wi / Σw) samples (rounded so they sum to N)
//   --caps c1,c2…                  source i gives at most ci samples (all when it has fewer)
//   neither                        every sample of every source
// A source asked for more than it has gives all of them, repeated, plus a seeded subset of the rest (upsampling);
// one asked for fewer gives a seeded subset. Chosen rows keep their stored order, so a source's rows are read once,
// in order. Same seed, same sources → same selection.
import { Rng, deriveSeed } from '../core/random.js';

export interface MixOptions {
  seed: number;
  /** total samples, with `weights` */
  samples?: number;
  weights?: number[];
  caps?: number[];
}

/** How many samples each source gives, from how many it has. */
export function quotas(available: readonly number[], o: MixOptions): number[] {
  if (o.weights) {
    const total = o.samples!;
    const sum = o.weights.reduce((a, b) => a + b, 0);
    const exact = o.weights.map((w) => (total * w) / sum);
    const q = exact.map(Math.floor);
    // largest remainders first, ties to the earlier source, so the quotas sum to the total exactly
    const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
    for (let k = 0; k < total - q.reduce((a, b) => a + b, 0); k++) q[order[k].i]++;
    return q;
  }
  if (o.caps) return available.map((n, i) => Math.min(n, o.caps![i]));
  return [...available];
}

/** Row index → how many times it is taken, for a source with `n` rows giving `k`. */
export function chooseRows(n: number, k: number, seed: number, source: number): Map<number, number> {
  const times = new Map<number, number>();
  if (n === 0 || k === 0) return times;
  const whole = Math.floor(k / n);
  const rest = k - whole * n;
  const rng = new Rng(deriveSeed(seed, 'vlm-mixture', source));
  const extra = new Set(rng.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, rest));
  for (let i = 0; i < n; i++) {
    const t = whole + (extra.has(i) ? 1 : 0);
    if (t > 0) times.set(i, t);
  }
  return times;
}
