import { native } from '../native';
import type { FloatArray } from '../native';
import { Tensor } from '../tensor';
import { checkBool, checkHyper, checkInRange, Optimizer, ParamGroup, ParamsArg } from './optimizer';

export interface AdamOptions {
  lr: number;
  /** Decay rates of the running averages of the gradient and of its square. */
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

/** Checks Adam's / AdamW's options with PyTorch's ranges. */
export function validateAdam(name: string, g: ParamGroup<AdamOptions>): void {
  checkHyper(name, 'lr', g.lr, 0);
  checkHyper(name, 'eps', g.eps, 0);
  const b = g.betas as unknown;
  if (!Array.isArray(b) || b.length !== 2)
    throw new TypeError(`${name}: betas must be an array of two numbers, got ${Array.isArray(b) ? `an array of length ${b.length}` : b === null ? 'null' : typeof b}`);
  checkInRange(name, 'betas[0]', b[0], 0, 1);
  checkInRange(name, 'betas[1]', b[1], 0, 1);
  checkHyper(name, 'weightDecay', g.weightDecay, 0);
  checkBool(name, 'amsgrad', g.amsgrad);
  checkBool(name, 'maximize', g.maximize);
}

/**
 * @internal What Adam and AdamW share: the per-parameter state (step as a
 * float32 0-d tensor, exp_avg, exp_avg_sq, max_exp_avg_sq with amsgrad),
 * created on a parameter's first step, and a step that updates each group by
 * one native call (adamStepMany). The subclasses differ in the weight decay.
 */
export abstract class AdamFamily extends Optimizer<AdamOptions> {
  /** AdamW's decoupled weight decay (p *= 1 - lr * weightDecay) instead of Adam's L2 term. */
  protected abstract _decoupled(): boolean;

  step(): void {
    for (const g of this.paramGroups) {
      const { params, grads } = this._withGrads(g.params);
      if (params.length === 0) continue;
      const ms: FloatArray[] = [], vs: FloatArray[] = [], xs: (FloatArray | null)[] = [], steps: number[] = [];
      const counters: Tensor[] = [];
      for (const p of params) {
        let st = this.state.get(p);
        if (!st) this.state.set(p, (st = {}));
        // PyTorch 1.13 keeps the count as torch.tensor(0.): a float32 0-d tensor.
        if (!(st.step instanceof Tensor)) st.step = Tensor._empty([], 'float32').fill_(typeof st.step === 'number' ? st.step : 0);
        const counter = st.step;
        counters.push(counter);
        steps.push(Math.fround(counter.item() + 1));  // step_t += 1 on a float32 tensor
        ms.push(this._buffer(st, 'exp_avg', p)._flat() as FloatArray);
        vs.push(this._buffer(st, 'exp_avg_sq', p)._flat() as FloatArray);
        xs.push(g.amsgrad ? (this._buffer(st, 'max_exp_avg_sq', p)._flat() as FloatArray) : null);
      }
      native.adamStepMany(params.map((p) => p._flat() as FloatArray), grads.map((t) => t._flat() as FloatArray), ms, vs, xs, steps,
        g.lr, g.betas[0], g.betas[1], g.eps, g.weightDecay, g.amsgrad, g.maximize, this._decoupled());
      // The counts move once the update is done (a refused call changes nothing).
      counters.forEach((c, i) => { c._flat()[0] = steps[i]; c._bumpVersion(); });
      for (const p of params) p._bumpVersion();
    }
  }
}

/**
 * Adam (Kingma & Ba, 2014), PyTorch 1.13's torch.optim.Adam rule. At step t
 * of a parameter p with gradient grad:
 *   g = maximize ? -grad : grad
 *   g = g + weightDecay * p                                  (L2 penalty, skipped when weightDecay = 0)
 *   m = beta1 * m + (1 - beta1) * g                          (state exp_avg)
 *   v = beta2 * v + (1 - beta2) * g * g                      (state exp_avg_sq)
 *   amsgrad: vMax = max(vMax, v), used in place of v        (state max_exp_avg_sq)
 *   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0, amsgrad false, maximize false.
 * Note: as in PyTorch, eps is added after the bias correction of sqrt(v)
 * (the paper adds it to sqrt(v̂)), and the step count t is per parameter
 * (state 'step', a float32 0-d tensor like PyTorch 1.13's), so a parameter
 * that had no gradient at some steps gets its own bias corrections. The
 * weight decay here is an L2 term in the gradient, which Adam then rescales;
 * for decay decoupled from the gradient use AdamW.
 * A step is one native call per parameter group (adamStepMany).
 * @example new optim.Adam(net.parameters(), { lr: 1e-3, betas: [0.9, 0.999] })
 */
export class Adam extends AdamFamily {
  constructor(params: ParamsArg<AdamOptions>, options: Partial<AdamOptions> = {}) {
    const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0, amsgrad = false, maximize = false } = options ?? {};
    super(params, { lr, betas, eps, weightDecay, amsgrad, maximize }, options);
  }

  protected validate(g: ParamGroup<AdamOptions>): void {
    validateAdam('Adam', g);
  }

  protected _decoupled(): boolean {
    return false;
  }
}
