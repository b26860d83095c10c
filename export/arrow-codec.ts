// Plain JS records ↔ Arrow record batches and IPC stream bytes, driven only by the Arrow schema.
//
// A "plain record" maps column name → plain value: null, number (ints included: int64 columns are converted to and
// from BigInt here, so callers never see BigInt), string, boolean, Uint8Array, arrays (lists) and objects (structs).
// Every column is built with an explicit type, never inferred: inference would dictionary-encode strings and pick
// float64, which is not the SPEC's type. The IPC *stream* format is what SPEC asks for (HF memory-maps it).
import {
  DataType,
  Field,
  RecordBatch,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  makeBuilder,
  makeData,
  tableFromIPC,
  type Data,
  type Table,
} from 'apache-arrow';

export type PlainRecord = Record<string, unknown>;

/** Plain value → what apache-arrow's builders take for this type; checks fixed-size list lengths (no silent padding). */
function toArrow(type: DataType, v: unknown, where: string): unknown {
  if (v === null || v === undefined) return null;
  if (DataType.isInt(type) && type.bitWidth === 64) {
    if (typeof v === 'bigint') return v;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`${where}: expected an integer, got ${String(v)}`);
    return BigInt(v);
  }
  if (DataType.isStruct(type)) {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(type.children.map((c: Field) => [c.name, toArrow(c.type, o[c.name], `${where}.${c.name}`)]));
  }
  if (DataType.isList(type) || DataType.isFixedSizeList(type)) {
    const arr = Array.from(v as ArrayLike<unknown>);
    if (DataType.isFixedSizeList(type) && arr.length !== type.listSize) {
      throw new Error(`${where}: expected ${type.listSize} values, got ${arr.length}`);
    }
    const child = type.children[0].type;
    return arr.map((x, i) => toArrow(child, x, `${where}[${i}]`));
  }
  return v;
}

/** Arrow value (as apache-arrow's `get` returns it) → plain value; binary is copied out of the IPC buffer. */
function fromArrow(type: DataType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (DataType.isStruct(type)) {
    const row = v as Record<string, unknown>;
    return Object.fromEntries(type.children.map((c: Field) => [c.name, fromArrow(c.type, row[c.name])]));
  }
  if (DataType.isList(type) || DataType.isFixedSizeList(type)) {
    const child = type.children[0].type;
    return Array.from(v as Iterable<unknown>, (x) => fromArrow(child, x));
  }
  if (v instanceof Uint8Array) return v.slice();
  return v;
}

function buildColumn(f: Field, records: readonly PlainRecord[]): Data {
  const builder = makeBuilder({ type: f.type, nullValues: [null, undefined] });
  for (let i = 0; i < records.length; i++) builder.append(toArrow(f.type, records[i][f.name], `${f.name} row ${i}`));
  return builder.finish().flush();
}

/** One record batch of these records; `schema` must be the exact Schema object used for the whole stream. */
export function toRecordBatch(schema: Schema, records: readonly PlainRecord[]): RecordBatch {
  const children = schema.fields.map((f) => buildColumn(f, records));
  const data = makeData({ type: new Struct(schema.fields), length: records.length, nullCount: 0, children });
  return new RecordBatch(schema, data);
}

/** IPC stream bytes of these batches (a schema-only stream when there are none). */
export function toIpcStream(schema: Schema, batches: readonly RecordBatch[]): Uint8Array {
  const writer = new RecordBatchStreamWriter();
  // reset() writes the schema message now, so a stream with no batches still carries the schema
  writer.reset(undefined, schema);
  for (const b of batches) writer.write(b);
  writer.finish();
  return writer.toUint8Array(true);
}

/** Records → IPC stream bytes, in batches of at most `batchRows` rows. */
export function recordsToIpc(schema: Schema, records: readonly PlainRecord[], batchRows = 1024): Uint8Array {
  const batches: RecordBatch[] = [];
  for (let i = 0; i < records.length; i += batchRows) batches.push(toRecordBatch(schema, records.slice(i, i + batchRows)));
  return toIpcStream(schema, batches);
}

/** IPC stream (or file) bytes → schema and plain records. */
export function ipcToRecords(bytes: Uint8Array): { schema: Schema; records: PlainRecord[] } {
  const table = tableFromIPC(bytes);
  return { schema: table.schema, records: tableRecords(table) };
}

/** Rows of a decoded table as plain records, of every column or only of those `keep` accepts (a viewer skips images). */
export function tableRecords(table: Table, keep: (name: string) => boolean = () => true, from = 0, to = table.numRows): PlainRecord[] {
  const columns = table.schema.fields.filter((f) => keep(f.name)).map((f) => ({ f, vector: table.getChild(f.name)! }));
  const records: PlainRecord[] = [];
  for (let i = from; i < to; i++) {
    const rec: PlainRecord = {};
    for (const { f, vector } of columns) rec[f.name] = fromArrow(f.type, vector.get(i));
    records.push(rec);
  }
  return records;
}
