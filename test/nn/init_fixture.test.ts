// nn.init against PyTorch 1.13 (layers.json 'init'): after the same seed, the
// same sequence of uniform_, normal_, xavier*, kaiming* (fan modes, gains),
// constant_, zeros_, ones_ fills gives PyTorch's values, in float32 and
// float64; calculateGain; and the errors for tensors with fewer than 2 dims.
import * as torch from 'torchlet';
import { expectMatch, layers, toTensor } from './layers_fixture';

const { init } = torch.nn;

function fill(fn: string, t: torch.Tensor, a: any): torch.Tensor {
  switch (fn) {
    case 'uniform_': return init.uniform_(t, a.a, a.b);
    case 'normal_': return init.normal_(t, a.mean, a.std);
    case 'xavierUniform_': return init.xavierUniform_(t, a.gain);
    case 'xavierNormal_': return init.xavierNormal_(t, a.gain);
    case 'kaimingUniform_': return init.kaimingUniform_(t, a);
    case 'kaimingNormal_': return init.kaimingNormal_(t, a);
    case 'constant_': return init.constant_(t, a.value);
    case 'zeros_': return init.zeros_(t);
    case 'ones_': return init.ones_(t);
  }
  throw new Error(`no init ${fn}`);
}

describe.each((layers.init.sequences as any[]).map((s) => [s.seed, s.dtype, s] as const))('after manualSeed(%i), %s', (seed, dtype, s) => {
  test('every fill of the sequence matches PyTorch', () => {
    torch.manualSeed(seed);
    for (const d of s.draws as any[]) {
      const t = fill(d.fn, torch.empty(d.shape, { dtype }), d.args);
      // Uniform fills are exact up to the last rounding of the bound; normals to libm's last bit.
      const tol = dtype === 'float64' ? { rtol: 1e-14, atol: 1e-15 } : { rtol: 2 ** -22, atol: 2 ** -23 };
      expectMatch(t, d.value, `${d.fn}(${d.shape}) ${JSON.stringify(d.args)}`, tol);
    }
  });
});

test('calculateGain is PyTorch\'s', () => {
  for (const g of layers.init.gains as any[])
    expect(init.calculateGain(g.nonlinearity, g.param ?? undefined)).toBeCloseTo(g.gain, 15);
});

test('kaiming and xavier on a tensor with fewer than 2 dims name the init', () => {
  expect(() => init.kaimingUniform_(torch.empty([5]))).toThrow(RangeError);
  expect(() => init.kaimingUniform_(torch.empty([5]))).toThrow(
    /^kaimingUniform_: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions \(shape \[5\]\)$/);
  expect(() => init.kaimingNormal_(torch.empty([]))).toThrow(
    /^kaimingNormal_: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions \(shape \[\]\)$/);
  expect(() => init.xavierUniform_(torch.empty([3]))).toThrow(/^xavierUniform_: fan in and fan out can not be computed/);
  expect(() => init.kaimingUniform_(torch.empty([3, 2]), { mode: 'fan_in' as any })).toThrow(
    /^kaimingUniform_: mode must be 'fanIn' or 'fanOut', got "fan_in"$/);
  expect(init.kaimingUniform_(torch.empty([0, 3])).shape).toEqual([0, 3]); // zero elements: a no-op, as PyTorch
});

test('init of a Linear weight draws what torch.nn.init would (toTensor round trip of the fixture)', () => {
  const first = (layers.init.sequences as any[])[0].draws[0];
  expect(toTensor(first.value).shape).toEqual(first.shape);
});
