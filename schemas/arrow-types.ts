// Arrow type constructors shared by the stage-1, stage-2 and episodes schemas. SPEC: every field nullable and list
// children named `item` — exactly what pyarrow / HF `datasets` build for `pa.list_(t)` and `pa.list_(t, n)`, so that
// `Features.from_arrow_schema` accepts our `huggingface` metadata (it compares fields with `==`, names included).
import { Binary, Bool, DataType, Field, FixedSizeList, Float32, Float64, Int32, Int64, List, Struct, Utf8 } from 'apache-arrow';

/** A nullable field: SPEC makes every field nullable, including list items and struct children. */
export function field(name: string, type: DataType): Field {
  return new Field(name, type, true);
}

export const utf8 = (): Utf8 => new Utf8();
export const int64 = (): Int64 => new Int64();
export const int32 = (): Int32 => new Int32();
export const float32 = (): Float32 => new Float32();
export const float64 = (): Float64 => new Float64();
export const bool = (): Bool => new Bool();
export const binary = (): Binary => new Binary();

/** Variable-length list with the child named `item` (pyarrow's and HF's name). */
export function listOf(type: DataType): List {
  return new List(field('item', type));
}

/** `float32[n]`: a fixed-size list with the child named `item`. */
export function fixedOf(type: DataType, n: number): FixedSizeList {
  return new FixedSizeList(n, field('item', type));
}

export const f32x = (n: number): FixedSizeList => fixedOf(float32(), n);

export function struct(children: [string, DataType][]): Struct {
  return new Struct(children.map(([name, type]) => field(name, type)));
}

/** HF `Image` storage: struct {bytes: binary, path: utf8}, in this order (HF's `Image.pa_type`). */
export function image(): Struct {
  return struct([
    ['bytes', binary()],
    ['path', utf8()],
  ]);
}

/** True for the HF Image storage struct; the HF features writer maps such columns to `{"_type": "Image"}`. */
export function isImageType(type: DataType): boolean {
  if (!DataType.isStruct(type) || type.children.length !== 2) return false;
  const [b, p] = type.children;
  return b.name === 'bytes' && DataType.isBinary(b.type) && p.name === 'path' && DataType.isUtf8(p.type);
}

/** A stored referring expression (records.ts ReferringRecord), for stage-1 `referring` and episodes `language`. */
export function referringType(): Struct {
  return struct([
    ['object_id', int64()],
    ['text', utf8()],
    ['frame', utf8()],
    ['noun', utf8()],
    ['color', utf8()],
    ['size', utf8()],
    ['position', utf8()],
    ['relation', utf8()],
    ['reference_id', int64()],
    ['reference_noun', utf8()],
    ['reference_color', utf8()],
  ]);
}
