/** Helpers the ops share: operand coercion, dtype checks, output allocation. */
import { DType, isFloat, promoteTypes } from '../dtype';
import { Tensor, scalarTensor } from '../tensor';
import type { FloatArray } from '../native';

/** A contiguous tensor's elements as the float array kernels take. */
export function fl(t: Tensor): FloatArray {
  return t._flat() as FloatArray;
}

/** The tensor itself when contiguous, else a contiguous copy (the kernels' input). */
export function cont(t: Tensor): Tensor {
  return t.isContiguous() ? t : t.contiguous();
}

/** Casts an int tensor to float32 for ops defined on floats only (exp, log, ...). */
export function floatInput(t: Tensor): Tensor {
  return isFloat(t.dtype) ? t : t.to('float32');
}

/** A boolean flag: anything else ('no', 1) is a TypeError, never read as truthy or falsy. */
export function checkBool(op: string, name: string, v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  const shown = typeof v === 'string' ? `${JSON.stringify(v)} (a string)` : typeof v === 'number' ? `${v} (a number)` : v === null ? 'null' : typeof v;
  throw new TypeError(`${op}: ${name} must be a boolean (true or false), got ${shown}`);
}

export function checkTensor(op: string, name: string, x: unknown): Tensor {
  if (!(x instanceof Tensor))
    throw new TypeError(`${op}: argument '${name}' must be a Tensor, got ${x === null ? 'null' : typeof x}`);
  x._live(op);
  return x;
}

/** The result dtype of a binary op between a and b (PyTorch's rules for our three dtypes). */
export function resultType(a: Tensor | number, b: Tensor | number): DType {
  if (a instanceof Tensor && b instanceof Tensor) {
    // A 0-d tensor does not promote a tensor of the same category (PyTorch).
    if (a.ndim === 0 && b.ndim > 0 && isFloat(a.dtype) === isFloat(b.dtype)) return b.dtype;
    if (b.ndim === 0 && a.ndim > 0 && isFloat(a.dtype) === isFloat(b.dtype)) return a.dtype;
    return promoteTypes(a.dtype, b.dtype);
  }
  const t = (a instanceof Tensor ? a : b) as Tensor;
  const s = (a instanceof Tensor ? b : a) as number;
  if (t.dtype === 'int32' && !Number.isInteger(s)) return 'float32';
  return t.dtype;
}

/** Both operands as tensors of dtype `dt` (numbers become 0-d tensors). */
export function asOperand(x: Tensor | number, dt: DType): Tensor {
  if (typeof x === 'number') return scalarTensor(x, dt);
  return x.dtype === dt ? x : x.to(dt);
}
