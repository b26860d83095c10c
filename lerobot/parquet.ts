// Parquet files with the column types LeRobot's own files have (what HF `datasets` writes for its features):
// float32 vectors as list<float>, scalars as float / double / int64, strings as utf8. Columns are given by name, kind
// and values, so callers never spell the parquet schema tree by hand.
import { writeFileSync } from 'node:fs';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { type DataType, Schema, Table, tableToIPC } from 'apache-arrow';
import { field, fixedOf, float32, float64, int64, listOf, utf8 } from '../schemas/arrow-types.js';
import { hfMetadataJson } from '../schemas/hf-features.js';

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

/** The Arrow type a column is read back as: what its parquet type is, with fixed-size vectors fixed-size. */
function arrowType(c: Column): DataType {
  switch (c.kind) {
    case 'f32list': return fixedOf(float32(), (c.values[0] as number[] | undefined)?.length ?? 0);
    case 'utf8list': return listOf(utf8());
    case 'f64list': return listOf(float64());
    case 'f64list3': return listOf(listOf(listOf(float64())));
    case 'i64list': return listOf(int64());
    case 'f32': return float32();
    case 'f64': return float64();
    case 'i64': return int64();
    case 'utf8': return utf8();
  }
}

/**
 * The footer metadata HF `datasets` writes and LeRobot reads back with its data files, so that fixed-size vectors
 * stay fixed-size (every row of an `f32list` column has the first row's length: the features are fixed-size):
 *   `huggingface`   the features JSON, derived from the Arrow schema as for our shards (schemas/hf-features.ts)
 *   `ARROW:schema`  that Arrow schema as pyarrow stores it (base64 of its IPC schema message): pyarrow restores the
 *                   fixed-size lists parquet has none of from it, and HF keeps its features only when they equal it
 */
export function hfFeaturesKv(columns: readonly Column[]): Record<string, string> {
  const fields = columns.map((c) => field(c.name, arrowType(c)));
  // an IPC stream of the schema alone: the schema message, then the 8-byte end-of-stream marker, which is dropped
  const stream = tableToIPC(new Table(new Schema(fields)), 'stream');
  return { huggingface: hfMetadataJson(fields), 'ARROW:schema': Buffer.from(stream.subarray(0, stream.byteLength - 8)).toString('base64') };
}
