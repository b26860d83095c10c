// TFRecord framing: each record is
//   uint64 length (little endian) · uint32 masked_crc32c(length bytes) · data[length] · uint32 masked_crc32c(data)
// Both CRCs are checked, and a file that ends inside a record is an error, so a truncated or corrupted shard is
// reported instead of silently yielding fewer episodes. Shards can be far larger than memory: `scanTFRecords` checks
// a file record by record and keeps only where each record is; `readTFRecordAt` reads one back when its episode is due.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { InputError } from './errors.js';
import { maskedCrc32c } from './crc32c.js';

export interface RecordSpan {
  /** byte offset of the record's data */
  offset: number;
  length: number;
}

type Read = (pos: number, n: number) => Uint8Array;

function scan(path: string, size: number, read: Read, keep?: (data: Uint8Array) => void): RecordSpan[] {
  const out: RecordSpan[] = [];
  let pos = 0;
  while (pos < size) {
    const where = `${path}#record ${out.length} (byte ${pos})`;
    if (pos + 12 > size) throw new InputError(where, `truncated TFRecord: ${size - pos} bytes left, a record header needs 12`);
    const head = read(pos, 12);
    const view = new DataView(head.buffer, head.byteOffset, 12);
    if (view.getUint32(8, true) !== maskedCrc32c(head.subarray(0, 8))) throw new InputError(where, 'corrupted TFRecord: length CRC mismatch');
    const len = view.getBigUint64(0, true);
    const start = pos + 12;
    if (len > BigInt(size - start)) {
      throw new InputError(where, `truncated TFRecord: record of ${len} bytes, only ${Math.max(0, size - start - 4)} left`);
    }
    const end = start + Number(len);
    if (end + 4 > size) throw new InputError(where, 'truncated TFRecord: data CRC missing');
    const body = read(start, Number(len) + 4);
    const data = body.subarray(0, Number(len));
    const crc = new DataView(body.buffer, body.byteOffset + Number(len), 4).getUint32(0, true);
    if (crc !== maskedCrc32c(data)) throw new InputError(where, 'corrupted TFRecord: data CRC mismatch');
    keep?.(data);
    out.push({ offset: start, length: Number(len) });
    pos = end + 4;
  }
  return out;
}

function fileReader(fd: number): Read {
  return (pos, n) => {
    const buf = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) {
      const r = readSync(fd, buf, got, n - got, pos + got);
      if (r === 0) break;
      got += r;
    }
    return buf.subarray(0, got);
  };
}

/** Checks every record of a TFRecord file and returns where each one's data is. */
export function scanTFRecords(path: string): RecordSpan[] {
  const fd = openSync(path, 'r');
  try {
    return scan(path, fstatSync(fd).size, fileReader(fd));
  } finally {
    closeSync(fd);
  }
}

/** One record's data, read from its span (its data CRC checked again: the file may have changed since the scan). */
export function readTFRecordAt(path: string, span: RecordSpan, index: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const body = fileReader(fd)(span.offset, span.length + 4);
    const where = `${path}#record ${index} (byte ${span.offset - 12})`;
    if (body.length < span.length + 4) throw new InputError(where, 'truncated TFRecord: the file is shorter than when it was scanned');
    const data = body.subarray(0, span.length);
    if (new DataView(body.buffer, body.byteOffset + span.length, 4).getUint32(0, true) !== maskedCrc32c(data)) {
      throw new InputError(where, 'corrupted TFRecord: data CRC mismatch');
    }
    return data;
  } finally {
    closeSync(fd);
  }
}

/** Every record of a TFRecord file (or of its bytes), with its CRCs checked. */
export function readTFRecords(path: string, bytes: Uint8Array = readFileSync(path)): Uint8Array[] {
  const out: Uint8Array[] = [];
  scan(path, bytes.length, (pos, n) => bytes.subarray(pos, pos + n), (d) => out.push(d));
  return out;
}

/** Frames records as a TFRecord file (used by tests to make bad inputs, and handy for tools). */
export function encodeTFRecords(records: readonly Uint8Array[]): Uint8Array {
  const total = records.reduce((s, r) => s + 16 + r.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let pos = 0;
  for (const r of records) {
    view.setBigUint64(pos, BigInt(r.length), true);
    view.setUint32(pos + 8, maskedCrc32c(out.subarray(pos, pos + 8)), true);
    out.set(r, pos + 12);
    view.setUint32(pos + 12 + r.length, maskedCrc32c(r), true);
    pos += 16 + r.length;
  }
  return out;
}
