// Parquet files with the column types LeRobot's own files have (what HF `datasets` writes for its features):
// float32 vectors as list<float>, scalars as float / double / int64, strings as utf8. Columns are given by name, kind
// and values, so callers never spell the parquet schema tree by hand.
import { writeFileSync } from 'node:fs';
import { parquetWriteBuffer } from 'hyparquet-writer';

export type ColumnKind = 'f32list' | 'f32' | 'f64' | 'i64' | 'utf8' | 'utf8list';

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
  const list = (element: SchemaElement): SchemaElement[] => [
    { name: c.name, ...opt, converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    element,
  ];
  switch (c.kind) {
    case 'f32list': return list({ name: 'element', type: 'FLOAT', ...opt });
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
    data: c.kind === 'i64' ? c.values.map((v) => BigInt(v as number)) : (c.values as unknown[]),
  }));
  const schema = [{ name: 'root', num_children: columns.length }, ...columns.flatMap(schemaOf)];
  const kvMetadata = kv ? Object.entries(kv).map(([key, value]) => ({ key, value })) : undefined;
  return new Uint8Array(parquetWriteBuffer({ columnData, schema: schema as never, kvMetadata }));
}

export function writeParquet(path: string, columns: readonly Column[], kv?: Record<string, string>): void {
  writeFileSync(path, parquetBytes(columns, kv));
}
