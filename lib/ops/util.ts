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

/** How a value reads in an error: 'boolean false', 'string "sum"', 'a Tensor of shape [3]', 'an array'. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Tensor) return `a Tensor of shape [${v.shape.join(', ')}]`;
  if (Array.isArray(v)) return 'an array';
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (typeof v === 'string') return `string ${JSON.stringify(v)}`;
  if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v} ${v}`;
  if (typeof v === 'object') return Object.getPrototypeOf(v) === Object.prototype ? 'an object' : `a ${v.constructor?.name ?? 'object'}`;
  return typeof v;
}

/** A plain object ({ ... }): not a Tensor, an array, a Map or any other class's instance. */
export function isOptionsObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * An options object, checked as PyTorch checks keyword arguments: undefined is
 * {}, anything but a plain object (a positional argument such as
 * Linear(4, 4, false) or mseLoss(a, b, 'sum')) is a TypeError, and so is an
 * unknown key ({ bais: false }, { label_smoothing: 0.1 }) instead of being
 * silently ignored. `example` shows the right form in the first error.
 */
export function checkOptions<T extends object>(op: string, opts: T | undefined, keys: readonly string[], example?: string): T {
  if (opts === undefined) return {} as T;
  if (!isOptionsObject(opts))
    throw new TypeError(`${op}: options must be an object${example ? ` like ${example}` : ''} (valid options: ${keys.join(', ')}), got ${describeValue(opts)}`);
  for (const k of Object.keys(opts)) {
    if (keys.includes(k)) continue;
    // label_smoothing -> labelSmoothing: PyTorch's snake_case name of a camelCase option.
    const camel = k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const hint = camel !== k && keys.includes(camel) ? ` (did you mean '${camel}'?)` : '';
    throw new TypeError(`${op}: unknown option '${k}'${hint}; valid options: ${keys.map((x) => `'${x}'`).join(', ')}`);
  }
  return opts;
}
