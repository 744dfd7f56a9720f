/**
 * torch.autograd.gradcheck (lib/autograd/gradcheck.ts) on every
 * differentiable op: the analytic Jacobian from backward() against central
 * finite differences, in float64 (eps 1e-6, atol 1e-5, rtol 1e-3: gradcheck's
 * defaults, as PyTorch's). Inputs are small, random (a seeded mulberry32, so
 * failures reproduce) and kept away from kinks and ties: |x| >= 0.2 for
 * relu/abs/sign, distinct values for max/min, positive values for log/sqrt.
 * Plus gradcheck's own behaviour: it catches a wrong backward.
 */
import * as torch from '../../lib';
import type { Tensor } from '../../lib';

const { gradcheck } = torch.autograd;
const F = torch.nn.functional;

/** mulberry32: a small deterministic PRNG. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const next = rng(12345);

interface Opts {
  /** Values in [lo, hi) (default [-1, 1)). */
  lo?: number;
  hi?: number;
  /** Keep |x| at least this far from 0 (kinks of relu/abs/sign, poles of 1/x). */
  away?: number;
  requiresGrad?: boolean;
}

/** A float64 leaf of `shape` with random values. Distinct values with probability 1 (no ties). */
function r(shape: number[], o: Opts = {}): Tensor {
  const lo = o.lo ?? -1, hi = o.hi ?? 1, away = o.away ?? 0;
  const n = shape.reduce((p, s) => p * s, 1);
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = lo + (hi - lo) * next();
    if (away > 0 && Math.abs(v) < away) v = v < 0 ? v - away : v + away;
    a[i] = v;
  }
  return torch.fromTypedArray(a, shape, { requiresGrad: o.requiresGrad ?? true });
}
const pos = (shape: number[]): Tensor => r(shape, { lo: 0.3, hi: 2 });

type Check = [name: string, fn: (...xs: Tensor[]) => Tensor, inputs: () => Tensor[]];

const checks: Check[] = [
  // ---- unary
  ['neg', (x) => x.neg(), () => [r([2, 3])]],
  ['exp', (x) => x.exp(), () => [r([2, 3])]],
  ['log', (x) => x.log(), () => [pos([2, 3])]],
  ['log1p', (x) => x.log1p(), () => [r([2, 3], { lo: -0.5, hi: 2 })]],
  ['expm1', (x) => x.expm1(), () => [r([2, 3])]],
  ['abs', (x) => x.abs(), () => [r([2, 3], { away: 0.2 })]],
  ['sqrt', (x) => x.sqrt(), () => [pos([2, 3])]],
  ['rsqrt', (x) => x.rsqrt(), () => [pos([2, 3])]],
  ['tanh', (x) => x.tanh(), () => [r([2, 3], { lo: -2, hi: 2 })]],
  ['sigmoid', (x) => x.sigmoid(), () => [r([2, 3], { lo: -3, hi: 3 })]],
  ['relu', (x) => x.relu(), () => [r([2, 3], { away: 0.2 })]],
  ['sign', (x) => x.sign(), () => [r([2, 3], { away: 0.2 })]],
  ['square', (x) => x.square(), () => [r([2, 3])]],
  ['reciprocal', (x) => x.reciprocal(), () => [r([2, 3], { away: 0.3 })]],
  ['sin', (x) => x.sin(), () => [r([2, 3], { lo: -3, hi: 3 })]],
  ['cos', (x) => x.cos(), () => [r([2, 3], { lo: -3, hi: 3 })]],
  ['clamp', (x) => x.clamp(-0.5, 0.5), () => [torch.tensor([-0.9, -0.3, 0.1, 0.45, 0.7, -0.6], { dtype: 'float64', requiresGrad: true })]],
  ['clamp (min only)', (x) => x.clamp(0.1), () => [torch.tensor([-0.9, 0.3, 0.6], { dtype: 'float64', requiresGrad: true })]],
  ['pow (scalar exponent 3)', (x) => x.pow(3), () => [r([2, 3])]],
  ['pow (scalar exponent 2)', (x) => x.pow(2), () => [r([2, 3])]],
  ['pow (scalar exponent -1.5)', (x) => x.pow(-1.5), () => [pos([2, 3])]],
  ['pow (scalar base)', (x) => torch.pow(2.5, x), () => [r([2, 3])]],
  ['add scalar', (x) => x.add(1.5), () => [r([2, 3])]],
  ['sub scalar', (x) => x.sub(1.5), () => [r([2, 3])]],
  ['rsub', (x) => torch.sub(1.5, x), () => [r([2, 3])]],
  ['mul scalar', (x) => x.mul(-2.5), () => [r([2, 3])]],
  ['div scalar', (x) => x.div(4), () => [r([2, 3])]],
  ['rdiv', (x) => torch.div(2, x), () => [r([2, 3], { away: 0.3 })]],
  // ---- binary (with broadcasting)
  ['add', (a, b) => a.add(b), () => [r([3, 1]), r([1, 4])]],
  ['add (alpha)', (a, b) => a.add(b, -2), () => [r([2, 3]), r([3])]],
  ['sub', (a, b) => a.sub(b), () => [r([2, 3, 4]), r([4])]],
  ['mul', (a, b) => a.mul(b), () => [r([3, 1]), r([1, 4])]],
  ['mul (0-d)', (a, b) => a.mul(b), () => [r([2, 3]), r([])]],
  ['div', (a, b) => a.div(b), () => [r([2, 3]), r([3], { away: 0.4 })]],
  ['pow', (a, b) => a.pow(b), () => [pos([2, 3]), r([2, 3])]],
  ['maximum', (a, b) => a.maximum(b), () => [r([3, 4]), r([4])]],
  ['minimum', (a, b) => a.minimum(b), () => [r([3, 4]), r([3, 1])]],
  ['where', (a, b) => torch.where(torch.tensor([[1, 0, 1], [0, 1, 1]], { dtype: 'float64' }), a, b), () => [r([2, 3]), r([3])]],
  // ---- reductions
  ['sum', (x) => x.sum(), () => [r([2, 3])]],
  ['sum (dims, keepdim)', (x) => x.sum([0, 2], true), () => [r([2, 3, 2])]],
  ['mean', (x) => x.mean(1), () => [r([2, 3])]],
  ['mean (dims)', (x) => x.mean([0, 2]), () => [r([2, 3, 2])]],
  ['prod', (x) => x.prod(1), () => [r([2, 3], { away: 0.3 })]],
  ['prod (all)', (x) => x.prod(), () => [r([2, 3], { away: 0.3 })]],
  ['prod (a zero in a row)', (x) => x.prod(1), () => [torch.tensor([[0, 0.5, -1.5], [2, 0.7, 0.3]], { dtype: 'float64', requiresGrad: true })]],
  ['max (all)', (x) => x.max(), () => [r([2, 3])]],
  ['min (all)', (x) => x.min(), () => [r([2, 3])]],
  ['max (dim)', (x) => x.max(1).values, () => [r([3, 4])]],
  ['min (dim, keepdim)', (x) => x.min(0, true).values, () => [r([3, 4])]],
  ['amax', (x) => x.amax([0, 2]), () => [r([2, 3, 2])]],
  ['amin', (x) => x.amin(1, true), () => [r([3, 4])]],
  ['norm (p = 2)', (x) => x.norm(), () => [r([2, 3])]],
  ['norm (p = 2, dim)', (x) => x.norm(2, 1), () => [r([2, 3])]],
  ['norm (p = 1)', (x) => x.norm(1), () => [r([2, 3], { away: 0.2 })]],
  ['norm (p = inf)', (x) => x.norm(Infinity, 1), () => [r([2, 3], { away: 0.2 })]],
  ['norm (p = 3)', (x) => x.norm(3), () => [r([2, 3], { away: 0.2 })]],
  ['var', (x) => x.var(), () => [r([2, 3])]],
  ['var (dim, correction 0)', (x) => x.var(1, { correction: 0 }), () => [r([2, 3])]],
  ['std', (x) => x.std(), () => [r([2, 3])]],
  ['std (dims, keepdim)', (x) => x.std([0, 2], { keepdim: true }), () => [r([2, 3, 2])]],
  ['logsumexp', (x) => x.logsumexp(1), () => [r([2, 3], { lo: -3, hi: 3 })]],
  // ---- softmax
  ['softmax', (x) => x.softmax(1), () => [r([2, 4], { lo: -2, hi: 2 })]],
  ['softmax (dim 0 of 3-D)', (x) => x.softmax(0), () => [r([2, 3, 2], { lo: -2, hi: 2 })]],
  ['logSoftmax', (x) => x.logSoftmax(-1), () => [r([2, 4], { lo: -2, hi: 2 })]],
  ['logSoftmax (dim 1 of 3-D)', (x) => x.logSoftmax(1), () => [r([2, 3, 2], { lo: -2, hi: 2 })]],
  // ---- matrix products
  ['matmul (2-D)', (a, b) => a.matmul(b), () => [r([3, 4]), r([4, 2])]],
  ['matmul (1-D . 1-D)', (a, b) => a.matmul(b), () => [r([4]), r([4])]],
  ['matmul (1-D x 2-D)', (a, b) => a.matmul(b), () => [r([4]), r([4, 2])]],
  ['matmul (2-D x 1-D)', (a, b) => a.matmul(b), () => [r([3, 4]), r([4])]],
  ['matmul (batched, broadcast)', (a, b) => a.matmul(b), () => [r([2, 1, 2, 3]), r([2, 3, 2])]],
  ['matmul (transposed views)', (a, b) => a.t().matmul(b.t()), () => [r([4, 3]), r([2, 4])]],
  ['mm', (a, b) => torch.mm(a, b), () => [r([2, 3]), r([3, 2])]],
  ['bmm', (a, b) => torch.bmm(a, b), () => [r([2, 2, 3]), r([2, 3, 2])]],
  ['dot', (a, b) => torch.dot(a, b), () => [r([5]), r([5])]],
  ['linear', (x, w, b) => F.linear(x, w, b), () => [r([3, 4]), r([2, 4]), r([2])]],
  ['linear + relu (fused)', (x, w, b) => F.linear(x, w, b, 'relu'), () => [r([3, 4], { away: 0.2 }), r([2, 4]), r([2])]],
  ['linear + tanh (fused)', (x, w, b) => F.linear(x, w, b, 'tanh'), () => [r([3, 4]), r([2, 4]), r([2])]],
  ['linear + sigmoid (fused)', (x, w, b) => F.linear(x, w, b, 'sigmoid'), () => [r([3, 4]), r([2, 4]), r([2])]],
  ['linear (no bias, (N, *, in))', (x, w) => F.linear(x, w), () => [r([2, 2, 3]), r([2, 3])]],
  // ---- shape
  ['view', (x) => x.view(3, 2), () => [r([2, 3])]],
  ['reshape (copy of a transposed view)', (x) => x.t().reshape(6), () => [r([2, 3])]],
  ['transpose', (x) => x.transpose(0, 2), () => [r([2, 3, 2])]],
  ['t', (x) => x.t(), () => [r([2, 3])]],
  ['permute', (x) => x.permute(2, 0, 1), () => [r([2, 3, 2])]],
  ['expand', (x) => x.expand(2, 3, 4), () => [r([3, 1])]],
  ['squeeze', (x) => x.squeeze(), () => [r([1, 3, 1])]],
  ['unsqueeze', (x) => x.unsqueeze(1), () => [r([2, 3])]],
  ['flatten', (x) => x.flatten(1), () => [r([2, 2, 2])]],
  ['narrow', (x) => x.narrow(1, 1, 2), () => [r([2, 4])]],
  ['slice (step 2)', (x) => x.slice(1, 0, 4, 2), () => [r([2, 4])]],
  ['select', (x) => x.select(1, 2), () => [r([2, 4])]],
  ['indexSelect (repeats)', (x) => x.indexSelect(0, [2, 0, 2]), () => [r([3, 2])]],
  ['cat', (a, b) => torch.cat([a, b], 1), () => [r([2, 2]), r([2, 3])]],
  ['stack', (a, b) => torch.stack([a, b], 1), () => [r([2, 3]), r([2, 3])]],
  ['split', (x) => { const [p, q] = x.split(2, 1); return p.mul(q.narrow(1, 0, 2)); }, () => [r([2, 4])]],
  ['chunk', (x) => { const [p, q] = x.chunk(2, 0); return p.sub(q.mul(2)); }, () => [r([4, 2])]],
  ['contiguous', (x) => x.t().contiguous(), () => [r([2, 3])]],
  ['clone', (x) => x.clone().mul(x), () => [r([2, 3])]],
  // ---- losses
  ['crossEntropy (mean)', (x) => F.crossEntropy(x, torch.tensor([2, 0, 1], { dtype: 'int32' })), () => [r([3, 4], { lo: -2, hi: 2 })]],
  ['crossEntropy (none)', (x) => F.crossEntropy(x, torch.tensor([3, 1], { dtype: 'int32' }), { reduction: 'none' }), () => [r([2, 4])]],
  ['crossEntropy (sum, one sample)', (x) => F.crossEntropy(x, torch.tensor(2, { dtype: 'int32' }), { reduction: 'sum' }), () => [r([4])]],
  ['mseLoss', (x) => F.mseLoss(x, torch.tensor([[0.5, -1, 2], [0, 0.25, 1]], { dtype: 'float64' })), () => [r([2, 3])]],
  ['mseLoss (both require grad, sum)', (x, y) => F.mseLoss(x, y, { reduction: 'sum' }), () => [r([2, 3]), r([2, 3])]],
  ['binaryCrossEntropy', (x) => F.binaryCrossEntropy(x, torch.tensor([0, 1, 0.3, 0.8], { dtype: 'float64' })), () => [r([4], { lo: 0.1, hi: 0.9 })]],
  ['binaryCrossEntropy (none)', (x) => F.binaryCrossEntropy(x, torch.tensor([1, 0, 0.5], { dtype: 'float64' }), { reduction: 'none' }), () => [r([3], { lo: 0.1, hi: 0.9 })]],
  ['binaryCrossEntropyWithLogits', (x) => F.binaryCrossEntropyWithLogits(x, torch.tensor([0, 1, 0.3, 0.8], { dtype: 'float64' })), () => [r([4], { lo: -3, hi: 3 })]],
  ['binaryCrossEntropyWithLogits (sum)', (x) => F.binaryCrossEntropyWithLogits(x, torch.tensor([1, 0, 0.5], { dtype: 'float64' }), { reduction: 'sum' }), () => [r([3], { lo: -3, hi: 3 })]],
  // ---- activations with parameters
  ['leakyRelu', (x) => F.leakyRelu(x, 0.2), () => [r([2, 3], { away: 0.2 })]],
  ['gelu', (x) => F.gelu(x), () => [r([2, 3], { lo: -3, hi: 3 })]],
  ['gelu (tanh)', (x) => F.gelu(x, { approximate: 'tanh' }), () => [r([2, 3], { lo: -3, hi: 3 })]],
  ['elu', (x) => F.elu(x, 0.7), () => [r([2, 3], { lo: -3, hi: 3, away: 0.2 })]],
  ['softplus', (x) => F.softplus(x, 2, 3), () => [torch.tensor([-2, -0.5, 0.3, 1, 1.4, 2.5], { dtype: 'float64', requiresGrad: true })]],
  // ---- dropout (the same mask on every call: seeded inside)
  ['dropout', (x) => { torch.manualSeed(3); return F.dropout(x, 0.4); }, () => [r([3, 4])]],
  // ---- normalisation
  ['batchNorm (N, C), batch statistics', (x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }), () => [r([5, 3]), r([3]), r([3])]],
  ['batchNorm (N, C, L), batch statistics', (x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }), () => [r([3, 2, 4]), r([2]), r([2])]],
  ['batchNorm, no affine', (x) => F.batchNorm(x, null, null, { training: true, eps: 1e-3 }), () => [r([4, 3])]],
  ['batchNorm, running statistics (eval)', (x, w, b) => F.batchNorm(x, torch.tensor([0.1, -0.2], { dtype: 'float64' }),
    torch.tensor([0.5, 2], { dtype: 'float64' }), { weight: w, bias: b }), () => [r([3, 2, 2]), r([2]), r([2])]],
  ['BatchNorm1d module (training)', (x) => new torch.nn.BatchNorm1d(3, { dtype: 'float64' }).forward(x), () => [r([4, 3])]],
  ['layerNorm', (x, w, b) => F.layerNorm(x, [4], { weight: w, bias: b }), () => [r([3, 4]), r([4]), r([4])]],
  ['layerNorm (2 dims, no affine)', (x) => F.layerNorm(x, [2, 3]), () => [r([2, 2, 3])]],
  ['layerNorm (weight only)', (x, w) => F.layerNorm(x, 5, { weight: w }), () => [r([2, 5]), r([5])]],
  // ---- losses
  ['l1Loss', (x) => F.l1Loss(x, torch.zeros([2, 3], { dtype: 'float64' })), () => [r([2, 3], { away: 0.2 })]],
  ['l1Loss (none)', (x) => F.l1Loss(x, torch.zeros([4], { dtype: 'float64' }), { reduction: 'none' }), () => [r([4], { away: 0.2 })]],
  ['smoothL1Loss', (x) => F.smoothL1Loss(x, torch.zeros([6], { dtype: 'float64' }), { beta: 0.5 }),
    () => [torch.tensor([-1.2, -0.3, 0.1, 0.4, 0.8, 2], { dtype: 'float64', requiresGrad: true })]],
  ['huberLoss (sum)', (x) => F.huberLoss(x, torch.zeros([6], { dtype: 'float64' }), { delta: 0.7, reduction: 'sum' }),
    () => [torch.tensor([-1.2, -0.3, 0.1, 0.4, 0.8, 2], { dtype: 'float64', requiresGrad: true })]],
  ['nllLoss (weight, ignoreIndex)', (x) => F.nllLoss(x, torch.tensor([2, -100, 0], { dtype: 'int32' }),
    { weight: torch.tensor([0.5, 2, 1], { dtype: 'float64' }) }), () => [r([3, 3])]],
  ['crossEntropy (weight, ignoreIndex, labelSmoothing)', (x) => F.crossEntropy(x, torch.tensor([2, 1, -100, 0], { dtype: 'int32' }),
    { weight: torch.tensor([0.5, 2, 1], { dtype: 'float64' }), labelSmoothing: 0.2 }), () => [r([4, 3], { lo: -2, hi: 2 })]],
  ['crossEntropy (none, labelSmoothing)', (x) => F.crossEntropy(x, torch.tensor([2, 1], { dtype: 'int32' }),
    { labelSmoothing: 0.1, reduction: 'none' }), () => [r([2, 3], { lo: -2, hi: 2 })]],
  ['crossEntropy (probability targets, weight)', (x) => F.crossEntropy(x, torch.tensor([[0.2, 0.3, 0.5], [0.6, 0.4, 0]], { dtype: 'float64' }),
    { weight: torch.tensor([1, 2, 0.5], { dtype: 'float64' }) }), () => [r([2, 3], { lo: -2, hi: 2 })]],
  ['crossEntropy (probability targets that require grad)', (x, q) => F.crossEntropy(x, q, { reduction: 'sum' }),
    () => [r([2, 3], { lo: -2, hi: 2 }), r([2, 3], { lo: 0.1, hi: 1 })]],
  ['binaryCrossEntropyWithLogits (posWeight)', (x) => F.binaryCrossEntropyWithLogits(x, torch.tensor([[0, 1, 0.3], [1, 0, 0.8]], { dtype: 'float64' }),
    { posWeight: torch.tensor([0.5, 2, 3], { dtype: 'float64' }) }), () => [r([2, 3], { lo: -3, hi: 3 })]],
  // ---- compositions
  ['a two-layer net', (x, w1, w2) => F.linear(F.linear(x, w1).tanh(), w2).sigmoid().sum(),
    () => [r([3, 4], { requiresGrad: false }), r([5, 4]), r([1, 5])]],
  ['a tensor used twice', (x) => x.mul(x.exp()).add(x), () => [r([2, 3])]],
];

describe('gradcheck (float64) of every differentiable op', () => {
  test.each(checks)('%s', (_name, fn, inputs) => {
    expect(gradcheck(fn, inputs())).toBe(true);
  });
});

describe('gradcheck itself', () => {
  class WrongSquare extends torch.autograd.Function {
    static override forward(ctx: torch.autograd.Ctx, x: Tensor): Tensor {
      ctx.saveForBackward(x);
      return x.mul(x);
    }
    static override backward(ctx: torch.autograd.Ctx, g: Tensor): Tensor[] {
      const [x] = ctx.savedTensors;
      return [g.mul(x)]; // should be 2 x g
    }
  }

  test('reports a wrong backward with the worst entry', () => {
    expect(() => gradcheck((x) => WrongSquare.apply(x), [r([3])])).toThrow(
      /^gradcheck: Jacobian mismatch for output 0 with respect to input 0, element 0: analytical .* vs numerical .*/,
    );
  });

  test('needs float64 inputs and at least one input that requires grad', () => {
    expect(() => gradcheck((x) => x.exp(), [torch.ones([2], { requiresGrad: true })])).toThrow(
      /^gradcheck: input 0 requires grad but is float32; gradcheck needs float64 inputs$/,
    );
    expect(() => gradcheck((x) => x.exp(), [torch.ones([2], { dtype: 'float64' })])).toThrow(/^gradcheck: no input requires grad$/);
  });
});
