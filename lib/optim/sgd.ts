import { native } from '../native';
import { Tensor } from '../tensor';
import type { FloatArray } from '../native';
import { checkGrad, checkHyper, Optimizer, ParamGroup, ParamsArg } from './optimizer';

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
    if (typeof g.nesterov !== 'boolean') throw new TypeError(`SGD: nesterov must be a boolean, got ${typeof g.nesterov}`);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0))
      throw new RangeError('SGD: Nesterov momentum requires a momentum > 0 and zero dampening');
  }

  step(): void {
    for (const g of this.paramGroups) {
      const params: FloatArray[] = [], grads: FloatArray[] = [], bufs: (FloatArray | null)[] = [], firsts: boolean[] = [];
      const stepped: Tensor[] = [];
      for (const p of g.params) {
        if (p._grad === null) continue;
        p._live('SGD.step');
        if (!p.isContiguous()) throw new Error('SGD: parameters must be contiguous tensors');
        let grad = checkGrad('SGD', p);
        if (g.maximize) grad = grad.neg();
        let buf: Tensor | null = null;
        let first = false;
        if (g.momentum !== 0) {
          let st = this.state.get(p);
          if (!st) this.state.set(p, (st = {}));
          if (!(st.momentum_buffer instanceof Tensor)) {
            st.momentum_buffer = Tensor._empty(p.shape, p.dtype);
            first = true;
          }
          buf = st.momentum_buffer as Tensor;
        }
        params.push(p._flat() as FloatArray);
        grads.push(grad._flat() as FloatArray);
        bufs.push(buf ? (buf._flat() as FloatArray) : null);
        firsts.push(first);
        stepped.push(p);
      }
      if (stepped.length === 0) continue;
      const dtypes = [...new Set(stepped.map((p) => p.dtype))];
      if (dtypes.length > 1) throw new TypeError(`SGD: the parameters of one group must share a dtype; got ${dtypes.join(' and ')}`);
      native.sgdStepMany(params, grads, bufs, firsts, g.lr, g.momentum, g.dampening, g.weightDecay, g.nesterov);
      for (const p of stepped) p._bumpVersion();
    }
  }
}
