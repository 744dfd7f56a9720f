/**
 * autograd.Function: an op written by hand, as in the course's exercise of
 * coding Linear and MSE with their own backward.
 *
 *   class MyLinear extends autograd.Function {
 *     static forward(ctx: Ctx, x: Tensor, w: Tensor) { ctx.saveForBackward(x, w); return x.matmul(w.t()); }
 *     static backward(ctx: Ctx, g: Tensor) { const [x, w] = ctx.savedTensors; return [g.matmul(w), g.t().matmul(x)]; }
 *   }
 *   const y = MyLinear.apply(x, w);
 *
 * forward runs without recording; backward returns one gradient (or null)
 * per tensor argument of forward, in order.
 */
import { Tensor } from '../tensor';
import { attach } from './op';
import { isGradEnabled, setGradEnabled } from './grad_mode';
import { Ctx } from './node';

export class Function {
  static forward(_ctx: Ctx, ..._args: any[]): Tensor {
    throw new Error(`${this.name}.forward is not implemented: subclasses of autograd.Function define static forward(ctx, ...args)`);
  }

  static backward(_ctx: Ctx, _gOut: Tensor): (Tensor | null | undefined)[] | Tensor {
    throw new Error(`${this.name}.backward is not implemented: subclasses of autograd.Function define static backward(ctx, gOut)`);
  }

  static apply(...args: any[]): Tensor {
    const inputs = args.filter((a): a is Tensor => a instanceof Tensor);
    const record = isGradEnabled() && inputs.some((t) => t.requiresGrad);
    const ctx = new Ctx();
    ctx.needsInputGrad = inputs.map((t) => record && t.requiresGrad);
    const prev = isGradEnabled();
    setGradEnabled(false);
    let out: Tensor;
    try {
      out = this.forward(ctx, ...args);
    } finally {
      setGradEnabled(prev);
    }
    if (!(out instanceof Tensor)) throw new TypeError(`${this.name}.forward must return a Tensor`);
    if (!record) return out;
    const cls = this;
    return attach(out, `${this.name}Backward`, inputs, ctx, (c, g) => {
      const r = cls.backward(c, g);
      const grads = r instanceof Tensor ? [r] : r;
      if (!Array.isArray(grads))
        throw new TypeError(`${cls.name}.backward must return a Tensor or an array of Tensor | null`);
      if (grads.length < inputs.length)
        throw new RangeError(`${cls.name}.backward returned ${grads.length} gradients but forward had ${inputs.length} tensor inputs`);
      grads.forEach((gr, i) => {
        if (gr && !(gr instanceof Tensor)) throw new TypeError(`${cls.name}.backward: gradient ${i} is not a Tensor`);
      });
      return grads;
    }, false);
  }
}
