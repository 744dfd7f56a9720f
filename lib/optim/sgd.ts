import { native } from '../native';
import { Tensor } from '../tensor';
import type { FloatArray } from '../native';
import { checkBool, checkHyper, Optimizer, ParamGroup, ParamsArg } from './optimizer';

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

/**
 * Stochastic gradient descent, PyTorch's torch.optim.SGD rule:
 *   g = grad + weightDecay * p                        (L2 penalty)
 *   if momentum != 0:
 *     buf = g on the first step, else momentum * buf + (1 - dampening) * g
 *     g = nesterov ? g + momentum * buf : buf
 *   p = p - lr * g
 * Note: like PyTorch (and unlike Sutskever et al.), lr multiplies the whole
 * update, the momentum buffer holds gradients rather than velocities.
 * A step is one native call per parameter group (sgdStepMany) that updates
 * every parameter in place, its work split across the native threads.
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsArg<SGDOptions>, options: Partial<SGDOptions> = {}) {
    const { lr = 1e-3, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false, maximize = false } = options ?? {};
    super(params, { lr, momentum, dampening, weightDecay, nesterov, maximize }, options);
  }

  protected validate(g: ParamGroup<SGDOptions>): void {
    checkHyper('SGD', 'lr', g.lr, 0);
    checkHyper('SGD', 'momentum', g.momentum, 0);
    checkHyper('SGD', 'weightDecay', g.weightDecay, 0);
    checkHyper('SGD', 'dampening', g.dampening);
    checkBool('SGD', 'nesterov', g.nesterov);
    checkBool('SGD', 'maximize', g.maximize);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0))
      throw new RangeError('SGD: Nesterov momentum requires a momentum > 0 and zero dampening');
  }

  step(): void {
    for (const g of this.paramGroups) {
      const { params, grads } = this._withGrads(g.params);
      if (params.length === 0) continue;
      const bufs: (FloatArray | null)[] = [], firsts: boolean[] = [];
      // A parameter's first buffer joins the state only once the update has
      // filled it (buf = g): a refused step leaves no half-made state behind.
      const fresh: [Tensor, Tensor][] = [];
      for (const p of params) {
        const st = this.state.get(p);
        let buf: Tensor | null = null, first = false;
        if (g.momentum !== 0) {
          if (st?.momentum_buffer !== undefined) buf = this._buffer(st, 'momentum_buffer', p);
          else {
            buf = Tensor._empty(p.shape, p.dtype);
            fresh.push([p, buf]);
            first = true;
          }
        }
        bufs.push(buf ? (buf._flat() as FloatArray) : null);
        firsts.push(first);
      }
      native.sgdStepMany(params.map((p) => p._flat() as FloatArray), grads.map((t) => (g.maximize ? t.neg() : t)._flat() as FloatArray),
        bufs, firsts, g.lr, g.momentum, g.dampening, g.weightDecay, g.nesterov);
      for (const [p, b] of fresh) {
        let st = this.state.get(p);
        if (!st) this.state.set(p, (st = {}));
        st.momentum_buffer = b;
      }
      for (const p of params) p._bumpVersion();
    }
  }
}
