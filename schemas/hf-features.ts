// HF `datasets` features JSON, stored in the Arrow schema metadata key `huggingface` (SPEC §A dataset directory).
//
// We write the form `datasets` 2.x/3.x writes (`Features.to_dict()` = its `asdict`, which drops defaults), because
// 2.x/3.x only know `Sequence` and 4.x still reads it (`generate_from_dict` keeps `Sequence` for backward compatibility):
//   scalar            {"dtype": "float32", "_type": "Value"}
//   image struct      {"_type": "Image"}
//   list<T>           {"feature": T, "_type": "Sequence"}
//   T[n]              {"feature": T, "length": n, "_type": "Sequence"}
//   list<struct{..}>  [{...}]   — a Python list; `Sequence({...})` would mean a struct OF lists (the TFDS quirk)
//   struct{..}        {"a": ..., "b": ...}
// `Features.from_arrow_schema` uses a column's metadata feature only when the Arrow type built from it equals the
// column's type, so the features are derived FROM the Arrow schema here rather than written by hand, and the JSON is
// laid out like Python's `json.dumps` (", " and ": ") so it reads the same as a file `datasets` wrote.
import { DataType, Field, Schema } from 'apache-arrow';
import { isImageType } from './arrow-types.js';

export type HfFeature = { [key: string]: HfFeature | string | number } | HfFeature[];

/** `datasets` Value dtype name for a scalar Arrow type. */
export function hfDtype(type: DataType): string {
  if (DataType.isUtf8(type)) return 'string';
  if (DataType.isBool(type)) return 'bool';
  if (DataType.isBinary(type)) return 'binary';
  if (DataType.isInt(type)) return `${type.isSigned ? 'int' : 'uint'}${type.bitWidth}`;
  if (DataType.isFloat(type)) return ['float16', 'float32', 'float64'][type.precision];
  throw new Error(`no HF Value dtype for Arrow type ${String(type)}`);
}

export function hfFeature(type: DataType): HfFeature {
  if (isImageType(type)) return { _type: 'Image' };
  if (DataType.isStruct(type)) {
    return Object.fromEntries(type.children.map((c: Field) => [c.name, hfFeature(c.type)]));
  }
  if (DataType.isList(type)) {
    const child = type.children[0].type;
    // list of dicts: the Python-list form keeps it a list<struct> in every `datasets` version
    if (DataType.isStruct(child) && !isImageType(child)) return [hfFeature(child)];
    return { feature: hfFeature(child), _type: 'Sequence' };
  }
  if (DataType.isFixedSizeList(type)) {
    return { feature: hfFeature(type.children[0].type), length: type.listSize, _type: 'Sequence' };
  }
  return { dtype: hfDtype(type), _type: 'Value' };
}

export function hfFeatures(fields: readonly Field[]): Record<string, HfFeature> {
  return Object.fromEntries(fields.map((f) => [f.name, hfFeature(f.type)]));
}

/** JSON with Python `json.dumps` separators; key order is insertion order, as in Python dicts. */
export function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

/** The `huggingface` metadata value for these fields. */
export function hfMetadataJson(fields: readonly Field[]): string {
  return pythonJson({ info: { features: hfFeatures(fields) } });
}

/** A schema of these fields carrying the `huggingface` metadata key. */
export function schemaWithHf(fields: Field[]): Schema {
  return new Schema(fields, new Map([['huggingface', hfMetadataJson(fields)]]));
}
