import { native } from '../native';
import type { FloatArray } from '../native';
import { Tensor } from '../tensor';
import { checkBool, checkHyper, Optimizer, ParamGroup, ParamsArg } from './optimizer';

export interface RMSpropOptions {
  lr: number;
  /** Smoothing constant of the running average of the squared gradient. */
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  /** Normalise by an estimate of the gradient's variance instead of its second moment. */
  centered: boolean;
  maximize: boolean;
}

/**
 * RMSprop (Hinton's lecture 6e), PyTorch 1.13's torch.optim.RMSprop rule. For
 * a parameter p with gradient grad:
 *   g = maximize ? -grad : grad
 *   g = g + weightDecay * p                                  (L2 penalty, skipped when weightDecay = 0)
 *   v = alpha * v + (1 - alpha) * g * g                      (state square_avg)
 *   centered: gAvg = alpha * gAvg + (1 - alpha) * g          (state grad_avg)
 *             avg = sqrt(v - gAvg * gAvg) + eps
 *   else:     avg = sqrt(v) + eps
 *   momentum > 0: buf = momentum * buf + g / avg             (state momentum_buffer)
 *                 p = p - lr * buf
 *   else:         p = p - lr * g / avg
 * Defaults: lr 1e-2, alpha 0.99, eps 1e-8, weightDecay 0, momentum 0, centered false, maximize false.
 * Note: as in PyTorch, eps is added outside the square root (some papers and
 * TensorFlow put it inside), the running averages start at zero without bias
 * correction, and state 'step' is a plain number (PyTorch 1.13 keeps an int).
 * The ranges are PyTorch's: lr, eps, alpha, momentum and weightDecay must be >= 0.
 * A step is one native call per parameter group (rmspropStepMany).
 * @example new optim.RMSprop(net.parameters(), { lr: 1e-3, momentum: 0.9, centered: true })
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsArg<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    const { lr = 1e-2, alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0, centered = false, maximize = false } = options ?? {};
    super(params, { lr, alpha, eps, weightDecay, momentum, centered, maximize }, options);
  }

  protected validate(g: ParamGroup<RMSpropOptions>): void {
    checkHyper('RMSprop', 'lr', g.lr, 0);
    checkHyper('RMSprop', 'eps', g.eps, 0);
    checkHyper('RMSprop', 'momentum', g.momentum, 0);
    checkHyper('RMSprop', 'weightDecay', g.weightDecay, 0);
    checkHyper('RMSprop', 'alpha', g.alpha, 0);
    checkBool('RMSprop', 'centered', g.centered);
    checkBool('RMSprop', 'maximize', g.maximize);
  }

  step(): void {
    for (const g of this.paramGroups) {
      const { params, grads } = this._withGrads(g.params);
      if (params.length === 0) continue;
      const sq: FloatArray[] = [], avg: (FloatArray | null)[] = [], bufs: (FloatArray | null)[] = [];
      for (const p of params) {
        let st = this.state.get(p);
        if (!st) this.state.set(p, (st = { step: 0 }));
        sq.push(this._buffer(st, 'square_avg', p)._flat() as FloatArray);
        bufs.push(g.momentum > 0 ? (this._buffer(st, 'momentum_buffer', p)._flat() as FloatArray) : null);
        avg.push(g.centered ? (this._buffer(st, 'grad_avg', p)._flat() as FloatArray) : null);
      }
      native.rmspropStepMany(params.map((p) => p._flat() as FloatArray), grads.map((t) => t._flat() as FloatArray), sq, avg, bufs,
        g.lr, g.alpha, g.eps, g.weightDecay, g.momentum, g.centered, g.maximize);
      for (const p of params) {
        const st = this.state.get(p)!;
        st.step = (st.step instanceof Tensor ? st.step.item() : typeof st.step === 'number' ? st.step : 0) + 1;
        p._bumpVersion();
      }
    }
  }
}
