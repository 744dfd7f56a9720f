// nn.utils.clipGradNorm / clipGradValue against PyTorch 1.13 (layers.json
// 'clip'): the returned total norm (before clipping) and the gradients after,
// for norm types 2, 1, inf and 3, clipping and not, float32 and float64;
// non-finite gradients with and without errorIfNonfinite.
import * as torch from 'torchlet';
import { decode } from '../ops/fixture';
import { expectMatch, layers, toTensor } from '../nn/layers_fixture';

const { utils } = torch.nn;

function params(grads: any[]): torch.Tensor[] {
  return grads.map((g) => {
    const p = torch.zeros(g.shape, { dtype: g.dtype, requiresGrad: true });
    p.grad = toTensor(g);
    return p;
  });
}

describe('clipGradNorm matches PyTorch', () => {
  test.each((layers.clip.norm as any[]).map((c) => [`normType ${c.normType} maxNorm ${c.maxNorm} ${c.dtype}`, c]))('%s', (_n, c) => {
    const ps = params(c.grads);
    const total = utils.clipGradNorm(ps, c.maxNorm, decode(c.normType));
    expect(typeof total).toBe('number');
    // PyTorch sums the norms in the gradients' dtype; torchlet in double.
    expect(Math.abs(total - c.total)).toBeLessThanOrEqual((c.dtype === 'float32' ? 1e-6 : 1e-13) * c.total);
    ps.forEach((p, i) => expectMatch(p.grad, c.after[i], `gradient ${i}`, c.dtype === 'float32' ? { rtol: 2e-6, atol: 1e-7 } : undefined));
  });
});

describe('non-finite gradients', () => {
  const nf = layers.clip.nonfinite;
  test('a NaN gradient: the total is NaN and every gradient becomes NaN (PyTorch scales by the NaN coefficient)', () => {
    const [p] = params([{ shape: [3], dtype: 'float32', data: [1, 'nan', 2] }]);
    expect(utils.clipGradNorm([p], 1)).toBeNaN();
    expect(nf.nan.total).toBe('nan');
    expectMatch(p.grad, nf.nan.after, 'gradient after');
  });
  test('an infinite gradient: the total is inf, finite gradients become 0 and the infinite one NaN', () => {
    const [p] = params([{ shape: [3], dtype: 'float32', data: [1, 'inf', 2] }]);
    expect(utils.clipGradNorm([p], 1)).toBe(Infinity);
    expectMatch(p.grad, nf.inf.after, 'gradient after');
  });
  test('with errorIfNonfinite the call throws and leaves the gradients alone', () => {
    expect(nf.errorMessage).toMatch(/is non-finite, so it cannot be clipped/);
    const [p] = params([{ shape: [3], dtype: 'float32', data: [1, 'nan', 2] }]);
    expect(() => utils.clipGradNorm([p], 1, 2, { errorIfNonfinite: true })).toThrow(
      /^clipGradNorm: the total norm of order 2 for gradients is non-finite \(NaN\), so it cannot be clipped. To scale the gradients by the non-finite norm anyway, set errorIfNonfinite: false.$/);
    expect(Array.from(p.grad!.data).map(String)).toEqual(['1', 'NaN', '2']);
    const [q] = params([{ shape: [2], dtype: 'float64', data: ['-inf', 2] }]);
    expect(() => utils.clipGradNorm([q], 1, Infinity, { errorIfNonfinite: true })).toThrow(/order Infinity .* non-finite \(Infinity\)/);
  });
});

test('clipGradValue matches PyTorch', () => {
  for (const c of layers.clip.value as any[]) {
    const [p] = params([c.grad]);
    utils.clipGradValue([p], c.clipValue);
    expectMatch(p.grad, c.after, `clipValue ${c.clipValue}`, { rtol: 0, atol: 0 });
  }
});

test('parameters without gradients are skipped; a single tensor is accepted', () => {
  const a = torch.zeros([2], { requiresGrad: true });
  expect(utils.clipGradNorm([a], 1)).toBe(0);
  a.grad = torch.tensor([3, 4]);
  expect(utils.clipGradNorm(a, 1)).toBeCloseTo(5, 6);
  expect(Array.from(a.grad!.data).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0.6, 0.8]);
});

describe('clipGradNorm arguments', () => {
  const nan = () => params([{ shape: [2], dtype: 'float32', data: [1, 'nan'] }]);
  test('errorIfNonfinite positionally, as PyTorch\'s clip_grad_norm_(params, max_norm, norm_type, error_if_nonfinite, foreach)', () => {
    expect(() => utils.clipGradNorm(nan(), 1, 2, true)).toThrow(/^clipGradNorm: the total norm of order 2 for gradients is non-finite \(NaN\)/);
    expect(() => utils.clipGradNorm(nan(), 1, 2, true, null)).toThrow(/is non-finite/);
    expect(utils.clipGradNorm(nan(), 1, 2, false, false)).toBeNaN();
    expect(() => utils.clipGradNorm(nan(), 1, 2, { errorIfNonfinite: true, foreach: true })).toThrow(/is non-finite/);
  });
  test.each([
    ['errorIfNonfinite "yes"', () => utils.clipGradNorm(nan(), 1, 2, 'yes' as any), TypeError, /^clipGradNorm: errorIfNonfinite must be a boolean, got string$/],
    ['errorIfNonfinite 1', () => utils.clipGradNorm(nan(), 1, 2, 1 as any), TypeError, /^clipGradNorm: errorIfNonfinite must be a boolean, got number$/],
    ['{ errorIfNonfinite: 1 }', () => utils.clipGradNorm(nan(), 1, 2, { errorIfNonfinite: 1 as any }), TypeError, /^clipGradNorm: errorIfNonfinite must be a boolean, got number$/],
    ['foreach "yes"', () => utils.clipGradNorm(nan(), 1, 2, false, 'yes' as any), TypeError, /^clipGradNorm: foreach must be a boolean or null, got string$/],
    ['{ foreach: 1 }', () => utils.clipGradNorm(nan(), 1, 2, { foreach: 1 as any }), TypeError, /^clipGradNorm: foreach must be a boolean or null, got number$/],
    ['a misspelled option', () => utils.clipGradNorm(nan(), 1, 2, { errorIfNonFinite: true } as any), TypeError, /^clipGradNorm: unknown option 'errorIfNonFinite' \(expected 'errorIfNonfinite', 'foreach'\)$/],
    ['normType a string', () => utils.clipGradNorm(nan(), 1, 'inf' as any), TypeError, /^clipGradNorm: normType must be a number \(or Infinity\), got string$/],
    ['a parameter that is not a tensor', () => utils.clipGradNorm([null as any], 1), TypeError, /^clipGradNorm: parameter 0 is not a Tensor$/],
    ['clipGradValue with a string', () => utils.clipGradValue(nan(), '1' as any), TypeError, /^clipGradValue: clipValue must be a number, got string$/],
  ] as [string, () => unknown, ErrorConstructor, RegExp][])('%s is refused', (_n, fn, cls, re) => {
    expect(fn).toThrow(cls);
    expect(fn).toThrow(re);
  });
});

test('clipGradNorm refuses integer and disposed gradients, naming itself', () => {
  const p = torch.zeros([2], { requiresGrad: true });
  p._gradT = torch.tensor([3, 4], { dtype: 'int32' }); // past the setter's dtype check
  expect(() => utils.clipGradNorm([p], 1)).toThrow(TypeError);
  expect(() => utils.clipGradNorm([p], 1)).toThrow(/^clipGradNorm: gradients must be float32 or float64, got int32 \(parameter 0\)$/);
  const q = torch.zeros([2], { requiresGrad: true });
  q.grad = torch.tensor([3, 4]);
  q.grad.dispose();
  expect(() => utils.clipGradNorm([p.detach(), q], 1)).toThrow(/^clipGradNorm: the gradient of parameter 1 was disposed$/);
  expect(() => utils.clipGradValue([q], 1)).toThrow(/^clipGradValue: the gradient of parameter 0 was disposed$/);
});
