// TFRecord framing: each record is
//   uint64 length (little endian) · uint32 masked_crc32c(length bytes) · data[length] · uint32 masked_crc32c(data)
// Both CRCs are checked, and a file that ends inside a record is an error, so a truncated or corrupted shard is
// reported instead of silently yielding fewer episodes.
import { readFileSync } from 'node:fs';
import { InputError } from './errors.js';
import { maskedCrc32c } from './crc32c.js';

/** Every record of a TFRecord file, with its CRCs checked. */
export function readTFRecords(path: string, bytes: Uint8Array = readFileSync(path)): Uint8Array[] {
  const out: Uint8Array[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  while (pos < bytes.length) {
    const where = `${path}#record ${out.length} (byte ${pos})`;
    if (pos + 12 > bytes.length) throw new InputError(where, `truncated TFRecord: ${bytes.length - pos} bytes left, a record header needs 12`);
    const lenBytes = bytes.subarray(pos, pos + 8);
    if (view.getUint32(pos + 8, true) !== maskedCrc32c(lenBytes)) throw new InputError(where, 'corrupted TFRecord: length CRC mismatch');
    const len = view.getBigUint64(pos, true);
    const start = pos + 12;
    if (len > BigInt(bytes.length - start)) {
      throw new InputError(where, `truncated TFRecord: record of ${len} bytes, only ${Math.max(0, bytes.length - start - 4)} left`);
    }
    const end = start + Number(len);
    if (end + 4 > bytes.length) throw new InputError(where, 'truncated TFRecord: data CRC missing');
    const data = bytes.subarray(start, end);
    if (view.getUint32(end, true) !== maskedCrc32c(data)) throw new InputError(where, 'corrupted TFRecord: data CRC mismatch');
    out.push(data);
    pos = end + 4;
  }
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
