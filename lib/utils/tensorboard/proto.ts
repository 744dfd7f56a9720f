/**
 * A minimal protocol-buffer encoder: just what the TensorBoard event messages
 * need (varints, 64-bit doubles, 32-bit floats, length-delimited bytes,
 * strings and sub-messages, packed doubles). Fields are written in the order
 * they are called; callers call them in field-number order, as the official
 * serializers do, so the bytes match PyTorch's for the same message.
 * Wire types: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32.
 */
export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private length = 0;

  private push(b: Uint8Array): void {
    this.parts.push(b);
    this.length += b.length;
  }

  private rawVarint(v: bigint): void {
    const out: number[] = [];
    let x = BigInt.asUintN(64, v); // negative int64: ten bytes of two's complement, as protobuf does
    do {
      let byte = Number(x & 0x7fn);
      x >>= 7n;
      if (x) byte |= 0x80;
      out.push(byte);
    } while (x);
    this.push(Uint8Array.from(out));
  }
  private key(field: number, wire: number): void {
    this.rawVarint(BigInt(field * 8 + wire));
  }

  /** int32/int64/uint64/enum/bool field (wire type 0). */
  varint(field: number, v: number | bigint | boolean): this {
    this.key(field, 0);
    this.rawVarint(typeof v === 'boolean' ? (v ? 1n : 0n) : BigInt(v));
    return this;
  }
  /** double field (wire type 1, little-endian). */
  double(field: number, v: number): this {
    this.key(field, 1);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    this.push(b);
    return this;
  }
  /** float field (wire type 5): v rounded to float32. */
  float(field: number, v: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.push(b);
    return this;
  }
  /** bytes field (wire type 2). */
  bytes(field: number, b: Uint8Array): this {
    this.key(field, 2);
    this.rawVarint(BigInt(b.length));
    this.push(b);
    return this;
  }
  /** string field, UTF-8. */
  string(field: number, s: string): this {
    return this.bytes(field, Buffer.from(s, 'utf8'));
  }
  /** Embedded message field. */
  message(field: number, m: ProtoWriter | Uint8Array): this {
    return this.bytes(field, m instanceof ProtoWriter ? m.finish() : m);
  }
  /** repeated double, packed (one length-delimited field). */
  packedDoubles(field: number, vs: ArrayLike<number>): this {
    const b = new Uint8Array(8 * vs.length);
    const dv = new DataView(b.buffer);
    for (let i = 0; i < vs.length; i++) dv.setFloat64(8 * i, vs[i], true);
    return this.bytes(field, b);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}
