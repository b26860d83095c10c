// Test helper: reads an Arrow IPC stream with flechette, a reader independent of the apache-arrow writer, so tests
// check the files themselves rather than one library agreeing with itself.
import { readFileSync } from 'node:fs';
import { Type, tableFromIPC, type DataType, type Field, type Table } from '@uwdata/flechette';

export interface ArrowStream {
  table: Table;
  fields: Field[];
  /** column names in schema order */
  names: string[];
  numRows: number;
  /** the parsed `huggingface` schema metadata, or null when absent */
  huggingface: { info: { features: Record<string, unknown> } } | null;
  /** column name → pyarrow-style type text, e.g. `list<item: fixed_size_list<item: float>[2]>` (see typeText) */
  types: Record<string, string>;
  /** all rows as plain objects (int64 as number, lists as arrays, binary as Uint8Array, nulls as null) */
  rows(): Record<string, unknown>[];
  column(name: string): unknown[];
}

/** True when the bytes are the IPC stream format (starts with the 0xFFFFFFFF continuation), not the file format. */
export function isIpcStream(bytes: Uint8Array): boolean {
  const magic = new TextDecoder().decode(bytes.subarray(0, 6));
  return magic !== 'ARROW1' && bytes[0] === 0xff && bytes[1] === 0xff && bytes[2] === 0xff && bytes[3] === 0xff;
}

/**
 * pyarrow's `str(type)` spelling with child names and nullability spelled out where they matter: a non-nullable child
 * is marked `not null`, as pyarrow does. float32 is `float`, as in pyarrow.
 */
export function typeText(t: DataType): string {
  const child = (f: Field) => `${f.name}: ${typeText(f.type)}${f.nullable ? '' : ' not null'}`;
  switch (t.typeId) {
    case Type.Int:
      return `${t.signed ? 'int' : 'uint'}${t.bitWidth}`;
    case Type.Float:
      return ['halffloat', 'float', 'double'][t.precision];
    case Type.Utf8:
      return 'string';
    case Type.LargeUtf8:
      return 'large_string';
    case Type.Binary:
      return 'binary';
    case Type.LargeBinary:
      return 'large_binary';
    case Type.Bool:
      return 'bool';
    case Type.List:
      return `list<${child(t.children[0])}>`;
    case Type.LargeList:
      return `large_list<${child(t.children[0])}>`;
    case Type.FixedSizeList:
      return `fixed_size_list<${child(t.children[0])}>[${t.stride}]`;
    case Type.Struct:
      return `struct<${t.children.map(child).join(', ')}>`;
    case Type.Dictionary:
      return `dictionary<${typeText(t.dictionary)}>`;
    default:
      return `type${t.typeId}`;
  }
}

function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return v;
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

export function readArrowBytes(bytes: Uint8Array): ArrowStream {
  const table = tableFromIPC(bytes, { useBigInt: false });
  const fields = table.schema.fields;
  const meta = table.schema.metadata?.get('huggingface');
  return {
    table,
    fields,
    names: fields.map((f) => f.name),
    numRows: table.numRows,
    huggingface: meta ? JSON.parse(meta) : null,
    types: Object.fromEntries(fields.map((f) => [f.name, typeText(f.type)])),
    rows: () => table.toArray().map((r) => plain(r) as Record<string, unknown>),
    column: (name) => Array.from(table.getChild(name).toArray() as ArrayLike<unknown>, plain),
  };
}

/** Reads an Arrow IPC stream file; throws when it is not the stream format (SPEC asks for streams). */
export function readArrowStream(path: string): ArrowStream {
  const bytes = new Uint8Array(readFileSync(path));
  if (!isIpcStream(bytes)) throw new Error(`${path} is not an Arrow IPC stream`);
  return readArrowBytes(bytes);
}
