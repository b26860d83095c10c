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
// Computed over every packed stage-2 row of all splits (LeRobot computes dataset-wide stats too), in parts: each
// shard job accumulates the rows of its group and stores the state (`encodeState`), and finalize merges the states
// in (split, group) order (`mergeState`: Chan's parallel update for mean and variance, kept values concatenated).
// Each part sees its rows in packed order and the merge order is fixed, so stats.json is the same bytes whatever
// the worker count, embedded or queued.
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
  /** kept[j] is the value at position j·stride of this element's stream (a power of two) */
  private stride = 1;
  private kept: Float64Array = new Float64Array(64);
  private nKept = 0;

  constructor(private readonly maxSamples: number) {}

  add(x: number): void {
    if (!Number.isFinite(x)) return;
    const pos = this.n++;
    // Welford: stable, and deterministic for a fixed order
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    if (pos % this.stride !== 0) return;
    if (this.nKept === this.maxSamples) {
      this.halve();
      if (pos % this.stride !== 0) return;
    }
    this.push([x]);
  }

  /** Drops every second kept value; the stride doubles. */
  private halve(): void {
    for (let i = 0; i < this.nKept / 2; i++) this.kept[i] = this.kept[2 * i];
    this.nKept = Math.ceil(this.nKept / 2);
    this.stride *= 2;
  }

  private push(xs: ArrayLike<number>): void {
    if (this.nKept + xs.length > this.kept.length) {
      const grown = new Float64Array(Math.max(this.nKept + xs.length, Math.min(this.kept.length * 2, this.maxSamples)));
      grown.set(this.kept.subarray(0, this.nKept));
      this.kept = grown;
    }
    this.kept.set(xs, this.nKept);
    this.nKept += xs.length;
  }

  /** The kept values thinned to a (larger, power-of-two) stride: positions 0, stride, 2·stride, … of the stream. */
  private keptAt(stride: number): Float64Array {
    const step = stride / this.stride;
    const out = new Float64Array(Math.ceil(this.nKept / step));
    for (let i = 0; i < out.length; i++) out[i] = this.kept[i * step];
    return out;
  }

  /**
   * Adds the values of `o`, as if its stream followed this one. n, mean and m2 by Chan et al.'s parallel update,
   * min and max exactly; the kept values are both sides' brought to the coarser stride, concatenated, then halved
   * while over the cap. So while the total stays within the cap every value is kept and the quantiles are exact;
   * past it they come from a systematic subsample, and the same states merged in the same order give the same bits.
   */
  merge(o: ElementStats): void {
    if (o.n === 0) return;
    if (this.n === 0) {
      // an exact copy: one part merged into an empty accumulator is that part, bit for bit
      [this.n, this.mean, this.m2, this.min, this.max, this.stride, this.nKept] = [o.n, o.mean, o.m2, o.min, o.max, o.stride, 0];
      this.push(o.kept.subarray(0, o.nKept));
      while (this.nKept > this.maxSamples) this.halve();
      return;
    }
    const n = this.n + o.n;
    const d = o.mean - this.mean;
    this.mean += d * (o.n / n);
    this.m2 += o.m2 + d * d * ((this.n * o.n) / n);
    this.n = n;
    if (o.min < this.min) this.min = o.min;
    if (o.max > this.max) this.max = o.max;
    const stride = Math.max(this.stride, o.stride);
    const mine = this.keptAt(stride);
    this.nKept = 0;
    this.stride = stride;
    this.push(mine);
    this.push(o.keptAt(stride));
    while (this.nKept > this.maxSamples) this.halve();
  }

  /** [n, mean, m2, min, max, stride, nKept, ...kept]: everything a merge needs, as float64 (exact). */
  state(): Float64Array {
    const s = new Float64Array(STATE_HEAD + this.nKept);
    s.set([this.n, this.mean, this.m2, this.min, this.max, this.stride, this.nKept]);
    s.set(this.kept.subarray(0, this.nKept), STATE_HEAD);
    return s;
  }

  static fromState(s: Float64Array, maxSamples: number): ElementStats {
    const e = new ElementStats(Math.max(maxSamples, s[6]));
    [e.n, e.mean, e.m2, e.min, e.max, e.stride] = s;
    e.push(s.subarray(STATE_HEAD, STATE_HEAD + s[6]));
    return e;
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

const STATE_HEAD = 7;
const STATE_FORMAT = 'spatialgen-stats-state';

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

  /**
   * The accumulator's whole state, to be merged elsewhere (`mergeState`): a u32 (LE) header length, a JSON header
   * naming the columns and their element counts, zero padding to 8 bytes, then each element's `state()` as float64
   * LE. Binary, because a part keeps up to `maxSamples` values per element (a megabyte each) and every bit of
   * mean and m2 must survive.
   */
  encodeState(): Uint8Array {
    const cols = this.columns.map((c) => ({ name: c.name, elems: c.elems.map((e) => e.state()) }));
    const head = new TextEncoder().encode(JSON.stringify({ format: STATE_FORMAT, columns: cols.map((c) => ({ name: c.name, elems: c.elems.length })) }));
    const bodyAt = Math.ceil((4 + head.byteLength) / 8) * 8;
    const out = new Uint8Array(bodyAt + 8 * cols.reduce((n, c) => n + c.elems.reduce((m, e) => m + e.length, 0), 0));
    const view = new DataView(out.buffer);
    view.setUint32(0, head.byteLength, true);
    out.set(head, 4);
    let o = bodyAt;
    for (const c of cols) {
      for (const e of c.elems) {
        for (const v of e) {
          view.setFloat64(o, v, true);
          o += 8;
        }
      }
    }
    return out;
  }

  /** Merges a state written by `encodeState` (of rows that follow the ones added so far) into this accumulator. */
  mergeState(bytes: Uint8Array): void {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headLen = view.getUint32(0, true);
    const head = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headLen))) as { format: string; columns: { name: string; elems: number }[] };
    if (head.format !== STATE_FORMAT) throw new Error(`not a stats state (format ${JSON.stringify(head.format)})`);
    let o = Math.ceil((4 + headLen) / 8) * 8;
    const read = (n: number) => {
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++, o += 8) a[i] = view.getFloat64(o, true);
      return a;
    };
    for (const c of head.columns) {
      const col = this.columns.find((x) => x.name === c.name);
      if (!col) throw new Error(`stats state has column ${c.name}, which this dataset's stage-2 schema lacks`);
      for (let i = 0; i < c.elems; i++) {
        const top = read(STATE_HEAD);
        const kept = read(top[6]);
        const s = new Float64Array(STATE_HEAD + kept.length);
        s.set(top);
        s.set(kept, STATE_HEAD);
        this.elem(col, i).merge(ElementStats.fromState(s, this.maxSamples));
      }
    }
    if (o !== bytes.byteLength) throw new Error(`stats state: ${bytes.byteLength - o} bytes left over`);
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
