// A small protobuf wire-format reader, enough for `tf.train.Example`:
//   Example  { Features features = 1; }
//   Features { map<string, Feature> feature = 1; }          (map entry: key = 1, value = 2)
//   Feature  { oneof kind { BytesList bytes_list = 1; FloatList float_list = 2; Int64List int64_list = 3; } }
//   BytesList { repeated bytes value = 1; }  FloatList { repeated float value = 1; }  Int64List { repeated int64 value = 1; }
// Repeated scalars may arrive packed or one per tag (both are valid protobuf), so both are accepted.

export class WireError extends Error {}

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

export class ProtoReader {
  pos = 0;
  private readonly view: DataView;
  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** A varint as an unsigned 64-bit BigInt. */
  varint64(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new WireError('varint runs past the end of the message');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
      if (shift > 63n) throw new WireError('varint longer than 10 bytes');
    }
  }

  /** A varint that must fit a JS number (tags, lengths). */
  varint(): number {
    let result = 0;
    let mul = 1;
    for (;;) {
      if (this.pos >= this.buf.length) throw new WireError('varint runs past the end of the message');
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * mul;
      if (!(b & 0x80)) break;
      mul *= 128;
      if (mul > 2 ** 49) throw new WireError('varint too large for a length or tag');
    }
    return result;
  }

  tag(): { field: number; wire: number } {
    const t = this.varint();
    return { field: Math.floor(t / 8), wire: t & 7 };
  }

  bytes(): Uint8Array {
    const n = this.varint();
    if (this.pos + n > this.buf.length) throw new WireError(`length-delimited field of ${n} bytes runs past the end`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  float32(): number {
    if (this.pos + 4 > this.buf.length) throw new WireError('fixed32 runs past the end');
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT: this.varint64(); return;
      case WIRE_I64: this.pos += 8; break;
      case WIRE_LEN: this.bytes(); return;
      case WIRE_I32: this.pos += 4; break;
      default: throw new WireError(`unsupported wire type ${wire}`);
    }
    if (this.pos > this.buf.length) throw new WireError('fixed-width field runs past the end');
  }
}

export type Feature =
  | { kind: 'bytes'; value: Uint8Array[] }
  | { kind: 'float'; value: number[] }
  | { kind: 'int64'; value: number[] };

function bytesList(buf: Uint8Array): Uint8Array[] {
  const r = new ProtoReader(buf);
  const out: Uint8Array[] = [];
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_LEN) out.push(r.bytes());
    else r.skip(wire);
  }
  return out;
}

function floatList(buf: Uint8Array): number[] {
  const r = new ProtoReader(buf);
  const out: number[] = [];
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_LEN) {
      const p = new ProtoReader(r.bytes());
      while (!p.done) out.push(p.float32());
    } else if (field === 1 && wire === WIRE_I32) out.push(r.float32());
    else r.skip(wire);
  }
  return out;
}

function int64List(buf: Uint8Array): number[] {
  const r = new ProtoReader(buf);
  const out: number[] = [];
  const signed = (v: bigint) => Number(BigInt.asIntN(64, v));
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_LEN) {
      const p = new ProtoReader(r.bytes());
      while (!p.done) out.push(signed(p.varint64()));
    } else if (field === 1 && wire === WIRE_VARINT) out.push(signed(r.varint64()));
    else r.skip(wire);
  }
  return out;
}

function feature(buf: Uint8Array): Feature {
  const r = new ProtoReader(buf);
  let f: Feature = { kind: 'bytes', value: [] }; // an empty Feature (no kind set) reads as an empty list
  while (!r.done) {
    const { field, wire } = r.tag();
    if (wire !== WIRE_LEN) r.skip(wire);
    else if (field === 1) f = { kind: 'bytes', value: bytesList(r.bytes()) };
    else if (field === 2) f = { kind: 'float', value: floatList(r.bytes()) };
    else if (field === 3) f = { kind: 'int64', value: int64List(r.bytes()) };
    else r.skip(wire);
  }
  return f;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a serialized `tf.train.Example` into its feature map. Throws WireError on malformed bytes. */
export function decodeExample(buf: Uint8Array): Map<string, Feature> {
  const out = new Map<string, Feature>();
  const ex = new ProtoReader(buf);
  while (!ex.done) {
    const { field, wire } = ex.tag();
    if (field !== 1 || wire !== WIRE_LEN) { ex.skip(wire); continue; }
    const features = new ProtoReader(ex.bytes());
    while (!features.done) {
      const t = features.tag();
      if (t.field !== 1 || t.wire !== WIRE_LEN) { features.skip(t.wire); continue; }
      const entry = new ProtoReader(features.bytes());
      let key = '';
      let value: Feature = { kind: 'bytes', value: [] };
      while (!entry.done) {
        const e = entry.tag();
        if (e.field === 1 && e.wire === WIRE_LEN) key = utf8.decode(entry.bytes());
        else if (e.field === 2 && e.wire === WIRE_LEN) value = feature(entry.bytes());
        else entry.skip(e.wire);
      }
      out.set(key, value);
    }
  }
  return out;
}
