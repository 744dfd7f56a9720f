import { AdamFamily, AdamOptions, validateAdam } from './adam';
import { ParamGroup, ParamsArg } from './optimizer';

export type AdamWOptions = AdamOptions;

/**
 * AdamW (Loshchilov & Hutter, 2019), PyTorch 1.13's torch.optim.AdamW rule:
 * Adam with the weight decay decoupled from the gradient. At step t of a
 * parameter p with gradient grad:
 *   g = maximize ? -grad : grad
 *   p = p * (1 - lr * weightDecay)                           (decoupled decay, before the update)
 *   m = beta1 * m + (1 - beta1) * g                          (state exp_avg)
 *   v = beta2 * v + (1 - beta2) * g * g                      (state exp_avg_sq)
 *   amsgrad: vMax = max(vMax, v), used in place of v        (state max_exp_avg_sq)
 *   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0.01 (not 0 as Adam's), amsgrad false, maximize false.
 * Note: as in PyTorch the decay is multiplied by lr (the paper's schedule
 * multiplier), so a learning-rate schedule scales it too; parameters without
 * a gradient are not decayed.
 * A step is one native call per parameter group (adamStepMany).
 * @example new optim.AdamW(net.parameters(), { lr: 1e-3, weightDecay: 0.05 })
 */
export class AdamW extends AdamFamily {
  constructor(params: ParamsArg<AdamWOptions>, options: Partial<AdamWOptions> = {}) {
    const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 1e-2, amsgrad = false, maximize = false } = options ?? {};
    super(params, { lr, betas, eps, weightDecay, amsgrad, maximize }, options);
  }

  protected validate(g: ParamGroup<AdamWOptions>): void {
    validateAdam('AdamW', g);
  }

  protected _decoupled(): boolean {
    return true;
  }
}
