// Parquet files with the column types LeRobot's own files have (what HF `datasets` writes for its features):
// float32 vectors as list<float>, scalars as float / double / int64, strings as utf8. Columns are given by name, kind
// and values, so callers never spell the parquet schema tree by hand.
import { writeFileSync } from 'node:fs';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { type DataType, Field, FixedSizeList, Float32, Float64, Int64, List, Schema, Table, Utf8, tableToIPC } from 'apache-arrow';

/** `f64list3`: a list of lists of lists of doubles, an image stat's [3][1][1] */
export type ColumnKind = 'f32list' | 'f64list' | 'f64list3' | 'i64list' | 'f32' | 'f64' | 'i64' | 'utf8' | 'utf8list';

export interface Column {
  name: string;
  kind: ColumnKind;
  /** one value per row: number[] for f32list, number for f32/f64/i64 (ints as numbers), string, string[] */
  values: readonly unknown[];
}

type SchemaElement = Record<string, unknown> & { name: string };

/** The parquet schema elements of one column (after the root), for files that add columns of other shapes. */
export function schemaOf(c: Pick<Column, 'name' | 'kind'>): SchemaElement[] {
  const opt = { repetition_type: 'OPTIONAL' as const };
  const list = (element: SchemaElement, name = c.name): SchemaElement[] => [
    { name, ...opt, converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    element,
  ];
  const double = { name: 'element', type: 'DOUBLE', ...opt };
  switch (c.kind) {
    case 'f32list': return list({ name: 'element', type: 'FLOAT', ...opt });
    case 'f64list': return list(double);
    case 'f64list3': {
      const level = (name: string): SchemaElement[] => [
        { name, ...opt, converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      ];
      return [...level(c.name), ...level('element'), ...level('element'), double];
    }
    case 'i64list': return list({ name: 'element', type: 'INT64', ...opt });
    case 'utf8list': return list({ name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', ...opt });
    case 'f32': return [{ name: c.name, type: 'FLOAT', ...opt }];
    case 'f64': return [{ name: c.name, type: 'DOUBLE', ...opt }];
    case 'i64': return [{ name: c.name, type: 'INT64', ...opt }];
    case 'utf8': return [{ name: c.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', ...opt }];
  }
}

/** Parquet bytes of these columns (all the same length); `kv` lands in the footer's key-value metadata. */
export function parquetBytes(columns: readonly Column[], kv?: Record<string, string>): Uint8Array {
  const rows = columns[0]?.values.length ?? 0;
  for (const c of columns) if (c.values.length !== rows) throw new Error(`parquet column ${c.name} has ${c.values.length} values, expected ${rows}`);
  const columnData = columns.map((c) => ({
    name: c.name,
    data: c.kind === 'i64' ? c.values.map((v) => BigInt(v as number))
      : c.kind === 'i64list' ? c.values.map((v) => (v as number[]).map((x) => BigInt(x)))
      : (c.values as unknown[]),
  }));
  const schema = [{ name: 'root', num_children: columns.length }, ...columns.flatMap(schemaOf)];
  const kvMetadata = kv ? Object.entries(kv).map(([key, value]) => ({ key, value })) : undefined;
  return new Uint8Array(parquetWriteBuffer({ columnData, schema: schema as never, kvMetadata }));
}

export function writeParquet(path: string, columns: readonly Column[], kv?: Record<string, string>): void {
  writeFileSync(path, parquetBytes(columns, kv));
}

/**
 * The `huggingface` footer metadata HF `datasets` writes and LeRobot reads back with its data files, so that
 * fixed-size vectors stay fixed-size (`Sequence(length=n)`) instead of becoming variable lists. Every row of an
 * `f32list` column has the first row's length (the features are fixed-size).
 */
export function hfFeaturesKv(columns: readonly Column[]): Record<string, string> {
  return { ...huggingfaceKv(columns), 'ARROW:schema': arrowSchemaBase64(columns) };
}

/**
 * `ARROW:schema`: the Arrow schema pyarrow stores beside a parquet file's own (base64 of its IPC schema message), from
 * which it restores fixed-size lists — parquet has none — and which HF `datasets` must see equal to the `huggingface`
 * features to keep them.
 */
function arrowSchemaBase64(columns: readonly Column[]): string {
  const item = (t: DataType) => new Field('item', t, true);
  const type = (c: Column): DataType => {
    switch (c.kind) {
      case 'f32list': return new FixedSizeList((c.values[0] as number[] | undefined)?.length ?? 0, item(new Float32()));
      case 'utf8list': return new List(item(new Utf8()));
      case 'f64list': return new List(item(new Float64()));
      case 'f64list3': return new List(item(new List(item(new List(item(new Float64()))))));
      case 'i64list': return new List(item(new Int64()));
      case 'f32': return new Float32();
      case 'f64': return new Float64();
      case 'i64': return new Int64();
      case 'utf8': return new Utf8();
    }
  };
  const schema = new Schema(columns.map((c) => new Field(c.name, type(c), true)));
  // an IPC stream of the schema alone: the schema message, then the 8-byte end-of-stream marker, which is dropped
  const stream = tableToIPC(new Table(schema), 'stream');
  return Buffer.from(stream.subarray(0, stream.byteLength - 8)).toString('base64');
}

function huggingfaceKv(columns: readonly Column[]): Record<string, string> {
  const value = (dtype: string) => ({ dtype, _type: 'Value' });
  const feature = (c: Column) => {
    switch (c.kind) {
      case 'f32list': return { feature: value('float32'), length: (c.values[0] as number[] | undefined)?.length ?? -1, _type: 'Sequence' };
      case 'utf8list': return { feature: value('string'), _type: 'Sequence' };
      case 'f64list': return { feature: value('float64'), _type: 'Sequence' };
      case 'f64list3': return { feature: { feature: { feature: value('float64'), _type: 'Sequence' }, _type: 'Sequence' }, _type: 'Sequence' };
      case 'i64list': return { feature: value('int64'), _type: 'Sequence' };
      case 'f32': return value('float32');
      case 'f64': return value('float64');
      case 'i64': return value('int64');
      case 'utf8': return value('string');
    }
  };
  return { huggingface: JSON.stringify({ info: { features: Object.fromEntries(columns.map((c) => [c.name, feature(c)])) } }) };
}
