/**
 * torchlet: PyTorch's training experience for Node.js.
 *
 *   import * as torch from 'torchlet';
 *   const { nn, optim, data } = torch;
 */
export {
  Tensor, tensor, fromTypedArray, empty, zeros, ones, full, zerosLike, onesLike, fullLike, arange, linspace, eye,
  rand, randn, randint, randperm, manualSeed, getRngState, setRngState, isTensor,
} from './tensor';
export type { NestedArray, TensorOptions, TensorOrScalar } from './tensor';
export type { DType, TypedArray } from './dtype';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './autograd/grad_mode';
export { memory, emptyCache, setCacheLimit } from './memory';
export type { MemoryReport } from './memory';

export { neg, exp, log, log1p, expm1, abs, sqrt, tanh, sigmoid, relu, sign, square, reciprocal, sin, cos, clamp } from './ops/unary';
export { add, sub, mul, div, pow, maximum, minimum, eq, ne, lt, le, gt, ge, where } from './ops/binary';
export { sum, mean, prod, norm, logsumexp } from './ops/reduce';
export { matmul, mm, bmm, dot } from './ops/matmul';
export { softmax, logSoftmax } from './ops/softmax';
export { cat, stack, reshape, flatten, transpose, permute, squeeze, unsqueeze, narrow, indexSelect } from './ops/shape';

import { Tensor } from './tensor';
import * as R from './ops/reduce';
/** Largest element (torch.max(x)). */
export function max(x: Tensor): Tensor { return R.maxAll(x); }
/** Smallest element (torch.min(x)). */
export function min(x: Tensor): Tensor { return R.minAll(x); }
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor { return R.argReduce(x, dim, keepdim, true); }
export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor { return R.argReduce(x, dim, keepdim, false); }

export * as autograd from './autograd';
export * as nn from './nn';
export * as optim from './optim';
export * as data from './data';
export * as utils from './utils';
export * as io from './io';
export { save, load } from './io/checkpoint';

import { native } from './native';
/** Instruction sets: the active one, and all this CPU can run. */
export const backend = {
  activeIsa: (): string => native.activeIsa(),
  detectedIsa: (): string => native.detectedIsa(),
  availableIsas: (): string[] => native.availableIsas(),
  /** Forces a (supported) instruction set, e.g. 'scalar' to compare against the reference kernels. */
  setIsa: (name: string): void => native.setIsa(name),
  /** Measured float32 FMA peak in GFLOP/s (what `npm run bench` compares GEMM against). */
  fmaPeak: (isa = native.activeIsa(), threads = 1, seconds = 0.2): number => native.fmaPeak(isa, threads, seconds),
};

/** Threads the native kernels use (torch.get_num_threads); default: the CPUs this process may run on. */
export function getNumThreads(): number {
  return native.getNumThreads();
}
/**
 * Sets the threads the native kernels use (torch.set_num_threads). Results do
 * not depend on it: kernels split their work by sizes, never by thread count.
 */
export function setNumThreads(n: number): void {
  if (typeof n !== 'number') throw new TypeError(`setNumThreads: n must be a number, got ${typeof n}`);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads: n must be a positive integer, got ${n}`);
  native.setNumThreads(Math.min(n, 256));
}
/**
 * Flush denormals to zero inside the kernels (torch.set_flush_denormal); on by
 * default, since denormal arithmetic can cost a training epoch nearly 2x.
 * JavaScript arithmetic is never affected. Returns true (x86 supports it).
 */
export function setFlushDenormal(on: boolean): boolean {
  if (typeof on !== 'boolean') throw new TypeError(`setFlushDenormal: expects a boolean, got ${typeof on}`);
  native.setFlushDenormal(on);
  return true;
}
export function getFlushDenormal(): boolean {
  return native.getFlushDenormal();
}
