// stats.json: min/max/mean/std/q01/q99 (and count) of every numeric stage-2 feature, per vector element, LeRobot-like:
//   { "action": { "min": [..7], "max": [..], "mean": [..], "std": [..], "q01": [..], "q99": [..], "count": [..] }, ... }
//
// Which columns: every numeric scalar (as a length-1 vector, like LeRobot), fixed-size or variable list of numbers
// (per index; a variable list's element i counts the rows that have one), and list of fixed-size numeric lists
// (traces: per component, over all points of all rows). Images, strings and struct lists (boxes) are not numeric.
// Nulls and non-finite values are skipped. std is the population std (numpy's default, as LeRobot).
// Quantiles: numpy's default "linear" method, exact while an element has at most `maxSamples` values; past that the
// kept values are thinned deterministically (every 2nd kept value is dropped and the stride doubles), so very large
// datasets get quantiles from a systematic 1-in-2^k subsample in row order. min/max/mean/std are always exact.
// Computed over every packed stage-2 row of all splits (LeRobot computes dataset-wide stats too). Rows arrive in the
// packed order (split, episode_index, frame), so the result is the same whatever the worker count.
import { DataType, type Field, type Schema } from 'apache-arrow';

export interface FeatureStats {
  min: number[];
  max: number[];
  mean: number[];
  std: number[];
  q01: number[];
  q99: number[];
  count: number[];
}

export type DatasetStats = Record<string, FeatureStats>;

export const DEFAULT_MAX_SAMPLES = 1 << 17;

class ElementStats {
  n = 0;
  mean = 0;
  m2 = 0;
  min = Infinity;
  max = -Infinity;
  private seen = 0;
  private stride = 1;
  private kept: Float64Array = new Float64Array(64);
  private nKept = 0;

  constructor(private readonly maxSamples: number) {}

  add(x: number): void {
    if (!Number.isFinite(x)) return;
    this.n++;
    // Welford: stable, and deterministic for a fixed order
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    if (this.seen++ % this.stride !== 0) return;
    if (this.nKept === this.maxSamples) {
      for (let i = 0; i < this.nKept / 2; i++) this.kept[i] = this.kept[2 * i];
      this.nKept = Math.ceil(this.nKept / 2);
      this.stride *= 2;
      if ((this.seen - 1) % this.stride !== 0) return;
    }
    if (this.nKept === this.kept.length) {
      const grown = new Float64Array(Math.min(this.kept.length * 2, this.maxSamples));
      grown.set(this.kept);
      this.kept = grown;
    }
    this.kept[this.nKept++] = x;
  }

  quantiles(qs: number[]): number[] {
    const s = this.kept.slice(0, this.nKept).sort();
    return qs.map((q) => {
      if (s.length === 0) return NaN;
      const h = (s.length - 1) * q;
      const lo = Math.floor(h);
      const hi = Math.min(lo + 1, s.length - 1);
      return s[lo] + (h - lo) * (s[hi] - s[lo]);
    });
  }
}

type Shape = 'scalar' | 'vector' | 'points';

function numeric(t: DataType): boolean {
  return DataType.isInt(t) || DataType.isFloat(t);
}

/** How a column is flattened into per-element values, or null when it has no numeric stats. */
export function statsShape(f: Field): Shape | null {
  const t = f.type;
  if (numeric(t)) return 'scalar';
  if (DataType.isList(t) || DataType.isFixedSizeList(t)) {
    const c = t.children[0].type;
    if (numeric(c)) return 'vector';
    if (DataType.isList(t) && DataType.isFixedSizeList(c) && numeric(c.children[0].type)) return 'points';
  }
  return null;
}

export class StatsAccumulator {
  private readonly columns: { name: string; shape: Shape; elems: ElementStats[] }[] = [];

  constructor(schema: Schema, private readonly maxSamples = DEFAULT_MAX_SAMPLES) {
    for (const f of schema.fields) {
      const shape = statsShape(f);
      if (shape) this.columns.push({ name: f.name, shape, elems: [] });
    }
  }

  private elem(col: { elems: ElementStats[] }, i: number): ElementStats {
    while (col.elems.length <= i) col.elems.push(new ElementStats(this.maxSamples));
    return col.elems[i];
  }

  /** Adds one row as a plain record (column name → value, as arrow-codec produces). */
  addRecord(rec: Record<string, unknown>): void {
    for (const col of this.columns) {
      const v = rec[col.name];
      if (v === null || v === undefined) continue;
      if (col.shape === 'scalar') this.elem(col, 0).add(v as number);
      else if (col.shape === 'vector') (v as (number | null)[]).forEach((x, i) => x !== null && this.elem(col, i).add(x));
      else {
        for (const p of v as ((number | null)[] | null)[]) p?.forEach((x, i) => x !== null && this.elem(col, i).add(x));
      }
    }
  }

  /** Features with at least one value, in schema order; JSON-safe (an element with no values gets nulls). */
  result(): DatasetStats {
    const out: DatasetStats = {};
    for (const col of this.columns) {
      if (col.elems.every((e) => e.n === 0)) continue;
      const nan = (x: number) => (Number.isFinite(x) ? x : (null as unknown as number));
      const qs = col.elems.map((e) => e.quantiles([0.01, 0.99]));
      out[col.name] = {
        min: col.elems.map((e) => nan(e.min)),
        max: col.elems.map((e) => nan(e.max)),
        mean: col.elems.map((e) => nan(e.n ? e.mean : NaN)),
        std: col.elems.map((e) => nan(e.n ? Math.sqrt(e.m2 / e.n) : NaN)),
        q01: qs.map((q) => nan(q[0])),
        q99: qs.map((q) => nan(q[1])),
        count: col.elems.map((e) => e.n),
      };
    }
    return out;
  }
}
