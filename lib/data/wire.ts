/**
 * What crosses between a worker and the main thread: tensors and images as
 * their bytes (transferred, not copied twice), everything else by
 * structured clone. A Tensor arrives as a new Tensor with its own storage.
 */
import { Tensor, fromTypedArray } from '../tensor';
import { arrayCtor, DType, TypedArray } from '../dtype';
import { Image } from './image';

interface WireTensor { __tl: 'tensor'; dtype: DType; shape: number[]; data: TypedArray }
interface WireImage { __tl: 'image'; h: number; w: number; c: number; data: Uint8Array }

export function encode(x: unknown, transfer: ArrayBuffer[]): unknown {
  if (x instanceof Tensor) {
    const src = x.contiguous().data;
    const data = new (arrayCtor(x.dtype))(src.length);
    data.set(src);
    transfer.push(data.buffer as ArrayBuffer);
    return { __tl: 'tensor', dtype: x.dtype, shape: x.shape, data } satisfies WireTensor;
  }
  if (x instanceof Image) {
    const data = Uint8Array.from(x.data);
    transfer.push(data.buffer);
    return { __tl: 'image', h: x.height, w: x.width, c: x.channels, data } satisfies WireImage;
  }
  if (Array.isArray(x)) return x.map((v) => encode(v, transfer));
  if (x !== null && typeof x === 'object' && !ArrayBuffer.isView(x) && !(x instanceof ArrayBuffer)) {
    const proto = Object.getPrototypeOf(x);
    if (proto !== Object.prototype && proto !== null)
      throw new TypeError(`DataLoader worker: cannot send a ${(x as object).constructor?.name ?? 'object'} to the main thread; samples may hold Tensors, Images, numbers, strings, arrays, plain objects and typed arrays`);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) out[k] = encode(v, transfer);
    return out;
  }
  if (typeof x === 'function' || typeof x === 'symbol') throw new TypeError(`DataLoader worker: cannot send a ${typeof x} to the main thread`);
  return x;
}

export function decode(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(decode);
  if (x !== null && typeof x === 'object' && !ArrayBuffer.isView(x)) {
    const t = x as WireTensor | WireImage;
    // Re-viewed with this realm's constructors (messages arrive in Node's main realm; a test runner may have its own).
    if (t.__tl === 'tensor') return fromTypedArray(new (arrayCtor(t.dtype))(t.data.buffer as ArrayBuffer, t.data.byteOffset, t.data.length), t.shape);
    if (t.__tl === 'image') return new Image(new Uint8Array(t.data.buffer as ArrayBuffer, t.data.byteOffset, t.data.length), t.h, t.w, t.c);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) out[k] = decode(v);
    return out;
  }
  return x;
}
