// Stage-1 grounding sample columns (SPEC §Stage-1 sample) and the row ↔ plain-record mapping used by the writer.
// Integers are int64 (what pyarrow infers for Python ints), coordinates float32, strings utf8.
import type { Schema } from 'apache-arrow';
import type { Stage1Sample, TaskType } from './records.js';
import { f32x, field, image, int64, listOf, referringType, struct, utf8 } from './arrow-types.js';
import { schemaWithHf } from './hf-features.js';

export const STAGE1_COLUMNS = [
  'id',
  'source',
  'episode_id',
  'frame_index',
  'camera',
  'image',
  'width',
  'height',
  'task_type',
  'conversations',
  'coord_format',
  'boxes',
  'points',
  'trace',
  'template',
  'phrasing_split',
  'referring',
] as const;

let cached: Schema | null = null;

/** The stage-1 Arrow schema (one shared object: a stream's batches must all use the same Schema instance). */
export function stage1Schema(): Schema {
  cached ??= schemaWithHf([
    field('id', utf8()),
    field('source', utf8()),
    field('episode_id', utf8()),
    field('frame_index', int64()),
    field('camera', utf8()),
    field('image', image()),
    field('width', int64()),
    field('height', int64()),
    field('task_type', utf8()),
    field('conversations', listOf(struct([['from', utf8()], ['value', utf8()]]))),
    field('coord_format', utf8()),
    field('boxes', listOf(struct([['label', utf8()], ['bbox_2d', f32x(4)]]))),
    field('points', listOf(struct([['label', utf8()], ['point_2d', f32x(2)]]))),
    field('trace', listOf(f32x(2))),
    field('template', utf8()),
    field('phrasing_split', utf8()),
    field('referring', listOf(referringType())),
  ]);
  return cached;
}

export function stage1ToRecord(s: Stage1Sample): Record<string, unknown> {
  return {
    id: s.id,
    source: s.source,
    episode_id: s.episode_id,
    frame_index: s.frame_index,
    camera: s.camera,
    image: { bytes: s.image.bytes, path: s.image.path },
    width: s.width,
    height: s.height,
    task_type: s.task_type,
    conversations: s.conversations.map((t) => ({ from: t.from, value: t.value })),
    coord_format: s.coord_format,
    boxes: s.boxes.map((b) => ({ label: b.label, bbox_2d: b.bbox_2d })),
    points: s.points.map((p) => ({ label: p.label, point_2d: p.point_2d })),
    trace: s.trace,
    template: s.template,
    phrasing_split: s.phrasing_split,
    referring: s.referring,
  };
}

/** Inverse of stage1ToRecord; null lists read back as empty (the writer never writes null lists). */
export function stage1FromRecord(r: Record<string, unknown>): Stage1Sample {
  const img = r.image as Stage1Sample['image'];
  return {
    id: r.id as string,
    source: r.source as string,
    episode_id: r.episode_id as string,
    frame_index: r.frame_index as number,
    camera: r.camera as string,
    image: { bytes: img.bytes, path: img.path },
    width: r.width as number,
    height: r.height as number,
    task_type: r.task_type as TaskType,
    conversations: (r.conversations as Stage1Sample['conversations'] | null) ?? [],
    coord_format: r.coord_format as string,
    boxes: (r.boxes as Stage1Sample['boxes'] | null) ?? [],
    points: (r.points as Stage1Sample['points'] | null) ?? [],
    trace: (r.trace as Stage1Sample['trace'] | null) ?? [],
    template: r.template as string,
    phrasing_split: r.phrasing_split as string,
    referring: (r.referring as Stage1Sample['referring'] | null) ?? [],
  };
}
