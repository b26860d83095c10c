// An Arrow IPC *stream* file read by record batch, without loading it: what lets `spatialgen view` open a 100 GB
// dataset in seconds. A stream has no footer, so opening walks its message headers once (two small reads per batch:
// the 8-byte prefix and the flatbuffer metadata, whose bodyLength says where the next message starts) and keeps
// their offsets. Then a batch is read on demand (the schema message + that one message, decoded by apache-arrow),
// and a single string column can be read from a batch's buffers alone — the episode ids of a stage-2 shard without
// its images.
//
// Stream framing (Arrow columnar format, "Encapsulated message format"): 0xFFFFFFFF, int32 metadata length,
// flatbuffer Message (padded to 8 bytes), body of bodyLength bytes; 0xFFFFFFFF 0x00000000 ends the stream. Our
// writers never use dictionaries or compression; a file that does is refused, not misread.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { DataType, Message, tableFromIPC, type Field, type Schema, type Table } from 'apache-arrow';

interface BatchRef {
  /** where the message starts (its 0xFFFFFFFF prefix) */
  offset: number;
  /** prefix + metadata + body */
  bytes: number;
  bodyOffset: number;
  rows: number;
  /** buffers of the batch body, in the schema's depth-first field order */
  buffers: { offset: number; length: number }[];
}

const EOS = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

/** Buffers a field of this type takes in a record batch body (validity first; Arrow columnar format, "Buffer layout"). */
function bufferCount(type: DataType): number {
  if (DataType.isStruct(type)) return 1 + type.children.reduce((n, c) => n + bufferCount(c.type), 0);
  if (DataType.isList(type)) return 2 + bufferCount(type.children[0].type);
  if (DataType.isFixedSizeList(type)) return 1 + bufferCount(type.children[0].type);
  if (DataType.isUtf8(type) || DataType.isBinary(type) || DataType.isLargeUtf8(type) || DataType.isLargeBinary(type)) return 3;
  if (DataType.isNull(type)) return 0;
  return 2;
}

export class ArrowStreamFile {
  readonly schema: Schema;
  /** rows of every batch before batch i: rowStart[i]; rowStart[batches] = rows */
  readonly rowStart: number[];
  private readonly schemaBytes: Uint8Array;
  private readonly batches: BatchRef[] = [];

  private constructor(readonly path: string, fd: number) {
    const size = fstatSync(fd).size;
    let pos = 0;
    let schemaBytes: Uint8Array | null = null;
    while (pos + 8 <= size) {
      const prefix = read(path, fd, pos, 8);
      const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
      if (view.getUint32(0, true) !== 0xffffffff) throw new Error(`${path}: not an Arrow IPC stream (no continuation marker at byte ${pos})`);
      const metaLen = view.getInt32(4, true);
      if (metaLen === 0) break; // end of stream
      const msg = Message.decode(read(path, fd, pos + 8, metaLen));
      const bodyOffset = pos + 8 + metaLen;
      const bytes = 8 + metaLen + msg.bodyLength;
      if (msg.isSchema()) {
        schemaBytes = read(path, fd, pos, bytes);
      } else if (msg.isRecordBatch()) {
        const h = msg.header();
        if (h.compression) throw new Error(`${path}: compressed record batches are not supported`);
        this.batches.push({ offset: pos, bytes, bodyOffset, rows: h.length, buffers: h.buffers.map((b) => ({ offset: Number(b.offset), length: Number(b.length) })) });
      } else {
        throw new Error(`${path}: dictionary batches are not supported`);
      }
      pos += bytes;
    }
    if (!schemaBytes) throw new Error(`${path}: no schema message`);
    this.schemaBytes = schemaBytes;
    this.schema = tableFromIPC(Uint8Array.from([...schemaBytes, ...EOS])).schema;
    this.rowStart = [0];
    for (const b of this.batches) this.rowStart.push(this.rowStart[this.rowStart.length - 1] + b.rows);
  }

  /** Walks the file's message headers; no file descriptor is kept (a dataset may have thousands of shards). */
  static open(path: string): ArrowStreamFile {
    return withFd(path, (fd) => new ArrowStreamFile(path, fd));
  }

  get batchCount(): number {
    return this.batches.length;
  }

  get rows(): number {
    return this.rowStart[this.rowStart.length - 1];
  }

  /** The batch holding row `row` of the file, and the row's index inside it. */
  locate(row: number): { batch: number; row: number } {
    let lo = 0;
    let hi = this.batches.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.rowStart[mid] <= row) lo = mid;
      else hi = mid - 1;
    }
    return { batch: lo, row: row - this.rowStart[lo] };
  }

  /** One record batch as a table (only its bytes are read). */
  readBatch(i: number): Table {
    const b = this.batches[i];
    // one buffer, the message read straight into it: a stage-2 batch is tens of MB, a second copy is felt
    const bytes = new Uint8Array(this.schemaBytes.length + b.bytes + EOS.length);
    bytes.set(this.schemaBytes, 0);
    withFd(this.path, (fd) => read(this.path, fd, b.offset, b.bytes, bytes.subarray(this.schemaBytes.length, this.schemaBytes.length + b.bytes)));
    bytes.set(EOS, this.schemaBytes.length + b.bytes);
    return tableFromIPC(bytes);
  }

  /** A top-level string column of one batch, read from its offsets and data buffers only (nulls as ''). */
  readStrings(i: number, name: string): string[] {
    const fields = this.schema.fields;
    const at = fields.findIndex((f) => f.name === name);
    if (at < 0 || !DataType.isUtf8(fields[at].type)) throw new Error(`${this.path}: no string column ${name}`);
    const first = fields.slice(0, at).reduce((n, f: Field) => n + bufferCount(f.type), 0);
    const b = this.batches[i];
    const offsetsRegion = b.buffers[first + 1];
    const dataRegion = b.buffers[first + 2];
    const [raw, data] = withFd(this.path, (fd) => [
      read(this.path, fd, b.bodyOffset + offsetsRegion.offset, offsetsRegion.length),
      read(this.path, fd, b.bodyOffset + dataRegion.offset, dataRegion.length),
    ]);
    const offsets = new Int32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + (b.rows + 1) * 4));
    const dec = new TextDecoder();
    const out: string[] = [];
    for (let r = 0; r < b.rows; r++) out.push(dec.decode(data.subarray(offsets[r], offsets[r + 1])));
    return out;
  }

}

function withFd<T>(path: string, fn: (fd: number) => T): T {
  const fd = openSync(path, 'r');
  try {
    return fn(fd);
  } finally {
    closeSync(fd);
  }
}

function read(path: string, fd: number, pos: number, length: number, into?: Uint8Array): Uint8Array {
  const buf = into ?? Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, pos + got);
    if (n === 0) throw new Error(`${path}: cut off at byte ${pos + got} (expected ${length - got} more)`);
    got += n;
  }
  return buf;
}
