// Feature statistics as LeRobot keeps them: per episode (v2.1 `episodes_stats.jsonl`) and over the dataset
// (`meta/stats.json`, what v3.0 loads): min, max, mean, std (population), count, and since LeRobot 0.4 the
// quantiles q01, q10, q50, q90, q99 per element (pi0.5 and others normalise with them and refuse stats without).
// An episode's quantiles are exact (numpy's default linear interpolation); a dataset's are the count-weighted mean of
// its episodes' quantiles, as LeRobot aggregates them. Images are per
// channel, scaled to [0, 1] and shaped [3][1][1] as LeRobot computes them, from a subsample of frames (all up to 100,
// then about n^0.75, LeRobot's own rule) decoded at most 150 px high, which is plenty for a mean and a spread.
import sharp from 'sharp';

export const QUANTILES = { q01: 0.01, q10: 0.1, q50: 0.5, q90: 0.9, q99: 0.99 } as const;
export type QuantileKey = keyof typeof QUANTILES;
const QUANTILE_KEYS = Object.keys(QUANTILES) as QuantileKey[];

export interface Stats {
  min: number[];
  max: number[];
  mean: number[];
  std: number[];
  /** frames (or sampled frames, for images) these come from */
  count: number;
  /** per element */
  quantiles: Record<QuantileKey, number[]>;
}

/** numpy's default (linear) quantile of sorted values. */
function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos), hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** The same over a histogram of byte values (counts per value 0..255), without sorting millions of pixels. */
function quantileOfHistogram(hist: readonly number[], total: number, q: number): number {
  const at = (k: number) => {
    let seen = 0;
    for (let v = 0; v < hist.length; v++) {
      seen += hist[v];
      if (k < seen) return v;
    }
    return hist.length - 1;
  };
  const pos = q * (total - 1);
  const lo = Math.floor(pos);
  return at(lo) + (at(Math.min(total - 1, lo + 1)) - at(lo)) * (pos - lo);
}

/** Per-element stats of equal-length vectors. */
export function vectorStats(rows: readonly (readonly number[])[]): Stats {
  const d = rows[0]?.length ?? 0;
  const s: Stats = {
    min: new Array(d).fill(Infinity), max: new Array(d).fill(-Infinity), mean: new Array(d).fill(0), std: new Array(d).fill(0), count: rows.length,
    quantiles: { q01: [], q10: [], q50: [], q90: [], q99: [] },
  };
  for (const r of rows) for (let j = 0; j < d; j++) {
    s.min[j] = Math.min(s.min[j], r[j]);
    s.max[j] = Math.max(s.max[j], r[j]);
    s.mean[j] += r[j] / rows.length;
  }
  for (const r of rows) for (let j = 0; j < d; j++) s.std[j] += (r[j] - s.mean[j]) ** 2 / rows.length;
  s.std = s.std.map(Math.sqrt);
  const columns = Array.from({ length: d }, (_, j) => Float64Array.from(rows, (r) => r[j]).sort());
  for (const k of QUANTILE_KEYS) s.quantiles[k] = columns.map((c) => quantileSorted(c, QUANTILES[k]));
  return s;
}

/** LeRobot's sample count for image stats of an episode of n frames. */
export function sampleIndices(n: number): number[] {
  const k = n <= 100 ? n : Math.min(n, Math.max(100, Math.floor(n ** 0.75)), 10_000);
  return Array.from({ length: k }, (_, i) => Math.round((i * (n - 1)) / Math.max(1, k - 1)));
}

/** Per-channel stats of encoded RGB images, in [0, 1]. */
/** Per-channel stats of a sample of the images; `fail(i, e)` words the error when image i cannot be decoded. */
export async function imageStats(images: readonly Uint8Array[], fail: (i: number, e: Error) => Error): Promise<Stats> {
  const n = [0, 0, 0];
  const sum = [0, 0, 0];
  const sq = [0, 0, 0];
  const min = [1, 1, 1];
  const max = [0, 0, 0];
  const hist = [0, 1, 2].map(() => new Array<number>(256).fill(0));
  for (const i of sampleIndices(images.length)) {
    let decoded: { data: Buffer; info: { channels: number } };
    try {
      decoded = await sharp(images[i]).resize({ height: 150, withoutEnlargement: true }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    } catch (e) {
      throw fail(i, e as Error);
    }
    const { data, info } = decoded;
    for (let p = 0; p < data.length; p += info.channels) for (let c = 0; c < 3; c++) {
      hist[c][data[p + c]]++;
      const v = data[p + c] / 255;
      n[c]++;
      sum[c] += v;
      sq[c] += v * v;
      if (v < min[c]) min[c] = v;
      if (v > max[c]) max[c] = v;
    }
  }
  const mean = sum.map((s, c) => s / n[c]);
  const quantiles = Object.fromEntries(QUANTILE_KEYS.map((k) => [k, hist.map((h, c) => quantileOfHistogram(h, n[c], QUANTILES[k]) / 255)])) as Stats['quantiles'];
  return { min, max, mean, std: sq.map((s, c) => Math.sqrt(Math.max(0, s / n[c] - mean[c] ** 2))), count: sampleIndices(images.length).length, quantiles };
}

/** Stats of the union of the parts (Chan's parallel combination of mean and variance). */
export function mergeStats(parts: readonly Stats[]): Stats {
  const d = parts[0].mean.length;
  const count = parts.reduce((a, p) => a + p.count, 0);
  const mean = Array.from({ length: d }, (_, j) => parts.reduce((a, p) => a + p.mean[j] * p.count, 0) / count);
  const variance = (j: number) => parts.reduce((a, p) => a + p.count * (p.std[j] ** 2 + (p.mean[j] - mean[j]) ** 2), 0) / count;
  return {
    min: Array.from({ length: d }, (_, j) => Math.min(...parts.map((p) => p.min[j]))),
    max: Array.from({ length: d }, (_, j) => Math.max(...parts.map((p) => p.max[j]))),
    mean,
    std: Array.from({ length: d }, (_, j) => Math.sqrt(variance(j))),
    count,
    quantiles: Object.fromEntries(QUANTILE_KEYS.map((k) => [k, Array.from({ length: d }, (_, j) => parts.reduce((a, p) => a + p.quantiles[k][j] * p.count, 0) / count)])) as Stats['quantiles'],
  };
}

/** LeRobot's JSON form: images as [3][1][1], count as [n]. */
export function statsJson(s: Stats, image: boolean): Record<string, unknown> {
  const shape = (v: number[]) => (image ? v.map((x) => [[x]]) : v);
  return {
    min: shape(s.min), max: shape(s.max), mean: shape(s.mean), std: shape(s.std), count: [s.count],
    ...Object.fromEntries(QUANTILE_KEYS.map((k) => [k, shape(s.quantiles[k])])),
  };
}

export type StatsByFeature = Map<string, { stats: Stats; image: boolean }>;

export function statsByFeatureJson(m: StatsByFeature): Record<string, Record<string, unknown>> {
  return Object.fromEntries([...m].map(([k, v]) => [k, statsJson(v.stats, v.image)]));
}

/** meta/stats.json: every episode's stats merged per feature. */
export function mergeEpisodeStats(episodes: readonly StatsByFeature[]): StatsByFeature {
  const out: StatsByFeature = new Map();
  for (const key of episodes[0]?.keys() ?? []) {
    out.set(key, { stats: mergeStats(episodes.map((e) => e.get(key)!.stats)), image: episodes[0].get(key)!.image });
  }
  return out;
}
