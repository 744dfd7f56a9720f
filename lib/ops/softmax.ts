/**
 * softmax and logSoftmax along a dim, max-subtracted (stable for logits of
 * +-1e4). Shape: (*) -> (*). The backward uses the output:
 * softmax: gx = y (gy - sum(gy y)); log-softmax: gx = gy - exp(y) sum(gy).
 */
import { defineOp } from '../autograd/op';
import { native } from '../native';
import { normDim, numelOf } from '../shape';
import { Tensor } from '../tensor';
import { checkTensor, cont, fl, floatInput } from './util';

function view3(x: Tensor, d: number): [number, number, number] {
  const s = x._shape;
  if (s.length === 0) return [1, 1, 1];
  return [numelOf(s.slice(0, d)), s[d], numelOf(s.slice(d + 1))];
}

function softmaxOp(name: string, log: boolean) {
  const op = defineOp(name, {
    forward(ctx, x: Tensor, d: number) {
      const xc = cont(floatInput(x));
      const [o, n, i] = view3(xc, d);
      const y = Tensor._empty(xc._shape, xc.dtype);
      native.softmax(fl(xc), o, n, i, fl(y), log);
      ctx.save(y);
      ctx.d = d;
      return y;
    },
    backward(ctx, g) {
      const [y] = ctx.saved;
      const [o, n, i] = view3(y, ctx.d as number);
      const gc = cont(g);
      const gx = Tensor._empty(y._shape, y.dtype);
      native.softmaxBackward(fl(y), fl(gc), o, n, i, fl(gx), log);
      return [gx];
    },
  });
  return (x: Tensor, dim: number): Tensor => {
    checkTensor(name, 'input', x);
    if (dim === undefined || dim === null)
      throw new TypeError(`${name}: dim is required (PyTorch's implicit dim choice is deprecated); e.g. ${name}(x, -1)`);
    return op(x, x.ndim === 0 ? 0 : normDim(name, dim, x.ndim));
  };
}

/** exp(x) / sum(exp(x)) along dim. */
export const softmax = softmaxOp('softmax', false);
/** x - logsumexp(x) along dim. */
export const logSoftmax = softmaxOp('logSoftmax', true);
