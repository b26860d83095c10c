// The SPEC `coord_format` of stage-1 answer text, as a config names it: `abs:<W>x<H>` (integer pixels of the image
// as resized to W×H, Qwen2.5-VL style), `norm1000` (integers 0..1000) or `norm1` (floats 0..1). Here, in the leaf of
// the dependency graph, so the build config, `convert` and the answer writers (generators/language/coords.ts) parse it
// with one definition and a bad one is refused before anything runs.

export type CoordFormat =
  | { kind: 'abs'; width: number; height: number }
  | { kind: 'norm1000' }
  | { kind: 'norm1' };

export const COORD_FORMAT_HELP = 'abs:<W>x<H> (e.g. abs:224x224), norm1000 or norm1';

/** Parses a `coord_format` string; throws an Error whose message says what is accepted. */
export function parseCoordFormat(s: string): CoordFormat {
  const t = s.trim();
  if (t === 'norm1000') return { kind: 'norm1000' };
  if (t === 'norm1') return { kind: 'norm1' };
  const m = /^abs:([1-9]\d{0,5})x([1-9]\d{0,5})$/.exec(t);
  if (m) return { kind: 'abs', width: Number(m[1]), height: Number(m[2]) };
  throw new Error(`unknown coord_format ${JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s)}: expected ${COORD_FORMAT_HELP}`);
}

export function coordFormatName(f: CoordFormat): string {
  return f.kind === 'abs' ? `abs:${f.width}x${f.height}` : f.kind;
}
