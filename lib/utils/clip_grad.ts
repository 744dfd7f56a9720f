/** Gradient clipping (nn.utils.clipGradNorm / clipGradValue). */
import { noGrad } from '../autograd/grad_mode';
import { Tensor } from '../tensor';

function typeOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function gradsOf(op: string, params: Tensor[] | Tensor, floatOnly = false): Tensor[] {
  const list = params instanceof Tensor ? [params] : params;
  if (!Array.isArray(list)) throw new TypeError(`${op}: expects a Tensor or an array of Tensors`);
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new TypeError(`${op}: parameter ${i} is not a Tensor`);
    const g = p._grad;
    if (g === null) return;
    if (g.isDisposed) throw new Error(`${op}: the gradient of parameter ${i} was disposed`);
    if (floatOnly && g.dtype !== 'float32' && g.dtype !== 'float64')
      throw new TypeError(`${op}: gradients must be float32 or float64, got ${g.dtype} (parameter ${i})`);
  });
  return list.filter((p) => p._grad !== null).map((p) => p._grad!);
}

export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or infinite, before touching any gradient. Default false. */
  errorIfNonfinite?: boolean;
  /** PyTorch's choice of implementation; accepted for its signature, torchlet has one (null: PyTorch's default). */
  foreach?: boolean | null;
}

/**
 * Scales all gradients together so that their total normType-norm is at most
 * maxNorm: g *= min(1, maxNorm / (total + 1e-6)), as PyTorch's
 * clip_grad_norm_. The total is the norm of the per-gradient norms (normType
 * Infinity: the largest |g|; 0: the number of gradients with a non-zero).
 *
 * Returns the total norm before clipping as a JS number (PyTorch 1.13 returns a
 * 0-d tensor; a number is what a training loop logs or compares, and
 * `torch.tensor(total)` gives the tensor back).
 *
 * Non-finite gradients behave as PyTorch: a NaN total scales every gradient by
 * NaN, an infinite total scales them by 0 (inf * 0 gives NaN where a gradient
 * is infinite). With errorIfNonfinite the call throws instead, before touching
 * any gradient.
 *
 * errorIfNonfinite and foreach come positionally as in PyTorch's
 * clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach),
 * or as an options object in the fourth place.
 * @example clipGradNorm(params, 1, 2, true)  // same as clipGradNorm(params, 1, 2, { errorIfNonfinite: true })
 */
export function clipGradNorm(params: Tensor[] | Tensor, maxNorm: number, normType = 2,
                             errorIfNonfinite: boolean | ClipGradNormOptions = false, foreach: boolean | null = null): number {
  if (typeof maxNorm !== 'number') throw new TypeError(`clipGradNorm: maxNorm must be a number, got ${typeOf(maxNorm)}`);
  if (!(maxNorm >= 0)) throw new RangeError(`clipGradNorm: maxNorm must be >= 0, got ${maxNorm}`);
  if (typeof normType !== 'number') throw new TypeError(`clipGradNorm: normType must be a number (or Infinity), got ${typeOf(normType)}`);
  if (!(normType >= 0)) throw new RangeError(`clipGradNorm: normType must be a number >= 0 (or Infinity), got ${normType}`);
  const opts: ClipGradNormOptions = errorIfNonfinite !== null && typeof errorIfNonfinite === 'object' ? errorIfNonfinite : { errorIfNonfinite, foreach };
  for (const k of Object.keys(opts))
    if (k !== 'errorIfNonfinite' && k !== 'foreach') throw new TypeError(`clipGradNorm: unknown option '${k}' (expected 'errorIfNonfinite', 'foreach')`);
  const raise = opts.errorIfNonfinite ?? false;
  if (typeof raise !== 'boolean')
    throw new TypeError(`clipGradNorm: errorIfNonfinite must be a boolean, got ${typeOf(raise)}`);
  for (const f of [opts.foreach, foreach])
    if (f != null && typeof f !== 'boolean') throw new TypeError(`clipGradNorm: foreach must be a boolean or null, got ${typeOf(f)}`);
  const grads = gradsOf('clipGradNorm', params, true);
  if (grads.length === 0) return 0;
  return noGrad(() => {
    let total: number;
    if (normType === Infinity) total = Math.max(...grads.map((g) => g.abs().max().item()));
    else if (normType === 0) {
      // The "0-norm" counts non-zeros: per gradient, then over the gradients (PyTorch's formula).
      total = grads.filter((g) => g.ne(0).sum().item() > 0).length;
    } else {
      let acc = 0;
      for (const g of grads) acc += g.norm(normType).item() ** normType;
      total = acc ** (1 / normType);
    }
    if (raise && !Number.isFinite(total))
      throw new Error(
        `clipGradNorm: the total norm of order ${normType} for gradients is non-finite (${total}), so it cannot be clipped. ` +
          'To scale the gradients by the non-finite norm anyway, set errorIfNonfinite: false.',
      );
    const coef = maxNorm / (total + 1e-6);
    // clamp(coef, max = 1) with NaN kept (PyTorch); multiplying by exactly 1 is skipped.
    const clamped = Number.isNaN(coef) ? NaN : Math.min(coef, 1);
    if (clamped !== 1) for (const g of grads) g.mul_(clamped);
    return total;
  });
}

/** Clamps every gradient element to [-clipValue, clipValue]. */
export function clipGradValue(params: Tensor[] | Tensor, clipValue: number): void {
  if (typeof clipValue !== 'number') throw new TypeError(`clipGradValue: clipValue must be a number, got ${typeOf(clipValue)}`);
  if (!(clipValue >= 0)) throw new RangeError(`clipGradValue: clipValue must be >= 0, got ${clipValue}`);
  noGrad(() => {
    for (const g of gradsOf('clipGradValue', params)) g.clamp_(-clipValue, clipValue);
  });
}
