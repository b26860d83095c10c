// Answer text for stage-1 samples in the SPEC `coord_format` conventions. Structured answers stay in float pixels of
// the stored image; only the text a model is trained to emit is converted here, so every task family (synthetic
// builds and `convert`) writes numbers the same way.
//   abs:<W>x<H>  integer pixels of the image as resized to W×H (Qwen2.5-VL style)
//   norm1000     integers 0..1000 of the image's width / height
//   norm1        floats 0..1, 3 decimals
// Rounding is to nearest; points are clamped inside the image (a point is a pixel: 0..W-1), box corners to its edges
// (a box corner is an edge: 0..W), so an answer never names a place outside the picture.
import type { LabeledBox, LabeledPoint, Stage1Sample } from '../../schemas/records.js';
import type { CoordFormat } from '../../schemas/coord-format.js';

/** Image size in stored pixels, the frame the structured answers are in. */
export interface ImageSize {
  width: number;
  height: number;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** One coordinate of the stored image converted to the format; `edge` allows the far edge (box corners). */
function convert(v: number, size: number, f: CoordFormat, axis: 0 | 1, edge: boolean): number {
  const r = v / size; // fraction of the image
  switch (f.kind) {
    case 'abs': {
      const n = axis === 0 ? f.width : f.height;
      return clamp(Math.round(r * n), 0, edge ? n : n - 1);
    }
    case 'norm1000':
      return clamp(Math.round(r * 1000), 0, 1000);
    case 'norm1':
      return clamp(round3(r), 0, 1);
  }
}

export function formatPoint(p: readonly [number, number], img: ImageSize, f: CoordFormat): [number, number] {
  return [convert(p[0], img.width, f, 0, false), convert(p[1], img.height, f, 1, false)];
}

export function formatBox(b: readonly [number, number, number, number], img: ImageSize, f: CoordFormat): [number, number, number, number] {
  return [
    convert(b[0], img.width, f, 0, true),
    convert(b[1], img.height, f, 1, true),
    convert(b[2], img.width, f, 0, true),
    convert(b[3], img.height, f, 1, true),
  ];
}

// JSON is written by hand so that the text has one stable shape (key order, ", " separators) a model can learn.
const list = (ns: readonly number[]) => `[${ns.join(', ')}]`;

/** `[{"bbox_2d": [x1, y1, x2, y2], "label": "red mug"}, …]` */
export function boxesAnswer(boxes: readonly LabeledBox[], img: ImageSize, f: CoordFormat): string {
  return `[${boxes.map((b) => `{"bbox_2d": ${list(formatBox(b.bbox_2d, img, f))}, "label": ${JSON.stringify(b.label)}}`).join(', ')}]`;
}

/** `[{"point_2d": [x, y], "label": "grasp point"}, …]` */
export function pointsAnswer(points: readonly LabeledPoint[], img: ImageSize, f: CoordFormat): string {
  return `[${points.map((p) => `{"point_2d": ${list(formatPoint(p.point_2d, img, f))}, "label": ${JSON.stringify(p.label)}}`).join(', ')}]`;
}

/** `[[x, y], [x, y], …]` */
export function traceAnswer(trace: readonly (readonly [number, number])[], img: ImageSize, f: CoordFormat): string {
  return `[${trace.map((p) => list(formatPoint(p, img, f))).join(', ')}]`;
}

/** A short phrase telling the model which convention to answer in, for question templates. */
export function describeCoordFormat(f: CoordFormat): string {
  switch (f.kind) {
    case 'abs':
      return `pixel coordinates of a ${f.width}x${f.height} image`;
    case 'norm1000':
      return 'coordinates normalized to 0-1000';
    case 'norm1':
      return 'coordinates normalized to 0-1';
  }
}

/**
 * The answer text of a stage-1 sample re-rendered from its structured answer in another convention: a trace as a
 * trace, points as points, else boxes (what each task type answers with). Exports use it to change the convention
 * or the image size without touching the stored text.
 */
export function answerText(s: Pick<Stage1Sample, 'task_type' | 'boxes' | 'points' | 'trace'>, img: ImageSize, f: CoordFormat): string {
  if (s.task_type === 'trace') return traceAnswer(s.trace, img, f);
  if (s.points.length > 0) return pointsAnswer(s.points, img, f);
  return boxesAnswer(s.boxes, img, f);
}
