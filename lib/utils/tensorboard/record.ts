/**
 * TFRecord framing, the container of TensorBoard event files:
 *   uint64 length (little-endian) | uint32 masked CRC-32C of those 8 bytes |
 *   data | uint32 masked CRC-32C of the data
 */
import { maskedCrc32c } from './crc32c';

/** One framed record around `data`. */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(data.length), true);
  dv.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  dv.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}
