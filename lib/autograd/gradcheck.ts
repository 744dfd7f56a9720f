/**
 * gradcheck: compares the analytic gradient (backward) with central finite
 * differences, in float64, for every element of every input that requires
 * grad and every output element. Returns true or throws with the worst entry,
 * like torch.autograd.gradcheck(raise_exception=True).
 */
import { Tensor } from '../tensor';
import { noGrad } from './grad_mode';
import { runBackward } from './engine';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
}

export function gradcheck(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradcheckOptions = {}): boolean {
  const eps = opts.eps ?? 1e-6, atol = opts.atol ?? 1e-5, rtol = opts.rtol ?? 1e-3;
  for (const [i, x] of inputs.entries()) {
    if (!(x instanceof Tensor)) throw new TypeError(`gradcheck: input ${i} is not a Tensor`);
    if (x.requiresGrad && x.dtype !== 'float64')
      throw new TypeError(`gradcheck: input ${i} requires grad but is ${x.dtype}; gradcheck needs float64 inputs`);
  }
  const wrt = inputs.map((x, i) => ({ x, i })).filter((e) => e.x.requiresGrad);
  if (wrt.length === 0) throw new Error('gradcheck: no input requires grad');
  // The inputs' own gradients are put back afterwards (PyTorch's gradcheck leaves .grad alone).
  const saved = wrt.map((e) => [e.x._gradT, e.x._gradPrivate] as const);
  try {
    compare(fn, inputs, wrt, eps, atol, rtol);
  } finally {
    wrt.forEach((e, j) => {
      [e.x._gradT, e.x._gradPrivate] = saved[j];
    });
  }
  return true;
}

function compare(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], wrt: { x: Tensor; i: number }[],
                 eps: number, atol: number, rtol: number): void {
  const m = noGrad(() => fn(...inputs)).numel();
  const outFlat = (): Float64Array => {
    const o = noGrad(() => fn(...inputs));
    return Float64Array.from(o.contiguous().data as ArrayLike<number>);
  };
  for (const { x, i } of wrt) {
    if (!x.isContiguous()) throw new Error(`gradcheck: input ${i} must be contiguous`);
    const n = x.numel();
    const data = x.data as Float64Array;
    // numerical[j][k] = d out_k / d x_j
    const numerical: Float64Array[] = [];
    for (let j = 0; j < n; j++) {
      const orig = data[j];
      data[j] = orig + eps;
      const plus = outFlat();
      data[j] = orig - eps;
      const minus = outFlat();
      data[j] = orig;
      const col = new Float64Array(m);
      for (let k = 0; k < m; k++) col[k] = (plus[k] - minus[k]) / (2 * eps);
      numerical.push(col);
    }
    // analytical: one backward per output element with a one-hot gradient
    for (let k = 0; k < m; k++) {
      for (const e of wrt) e.x._gradT = null;
      const out = fn(...inputs);
      if (!out.requiresGrad) throw new Error('gradcheck: the output does not require grad (is the function differentiable?)');
      const g = new Float64Array(m);
      g[k] = 1;
      const gt = Tensor._empty(out.shape, out.dtype);
      (gt._flat() as Float64Array).set(g);
      runBackward([out], [gt], false);
      const grad = x._gradT;
      const gd = grad ? (grad.contiguous().data as Float64Array) : new Float64Array(n);
      for (let j = 0; j < n; j++) {
        const a = gd[j], b = numerical[j][k];
        if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b)))
          throw new Error(
            `gradcheck: Jacobian mismatch for output ${k} with respect to input ${i}, element ${j}: ` +
              `analytical ${a} vs numerical ${b} (atol ${atol}, rtol ${rtol})`,
          );
      }
    }
  }
}
