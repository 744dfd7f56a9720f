// nn.init and the seeded generator seen through the public API: after
// torch.manualSeed(s), torch.rand / randn / uniform_ / normal_ / randint /
// randperm give PyTorch's values for torch.manual_seed(s) (gen_nn.py's
// `random` section, drawn in that order from one stream). The raw kernels
// are tested in test/native.
import * as torch from 'torchlet';
import { expectClose, fixture, ulp32, values } from '../fixtures/nn';

const { init } = torch.nn;

interface Draw {
  fn: 'rand' | 'randn' | 'uniform_' | 'normal_' | 'randint' | 'randperm';
  shape: number[];
  dtype: torch.DType;
  args?: number[];
  value: { shape: number[]; data: number[] };
}

function draw(d: Draw): torch.Tensor {
  const dtype = d.dtype;
  switch (d.fn) {
    case 'rand': return torch.rand(d.shape, { dtype });
    case 'randn': return torch.randn(d.shape, { dtype });
    case 'uniform_': return torch.empty(d.shape, { dtype }).uniform_(d.args![0], d.args![1]);
    case 'normal_': return torch.empty(d.shape, { dtype }).normal_(d.args![0], d.args![1]);
    case 'randint': return torch.randint(d.args![0], d.args![1], d.shape);
    case 'randperm': return torch.randperm(d.args![0]);
  }
}

/**
 * How close each kind of draw must be. Uniform draws are u * (to - from) + from:
 * 1 ulp of the bound covers its last rounding (PyTorch's AVX2 and portable
 * builds differ by that much). Normals: 1 ulp at the scale of 1 (libm's last
 * bit). Float32 normals of >= 16 elements are PyTorch's normal_fill_16, all in
 * float32 (theta = 2 pi u2 rounded to float32, float cos/sin/log): computing
 * theta or the product in double instead is off by up to ~1e-6 and fails here.
 */
function tolerance(d: Draw): { atol: number; rtol: number } {
  if (d.fn === 'randint' || d.fn === 'randperm') return { atol: 0, rtol: 0 };
  if (d.dtype === 'float64') return d.fn === 'rand' ? { atol: 0, rtol: 0 } : { atol: 1e-15, rtol: 1e-14 };
  if (d.fn === 'rand') return { atol: 0, rtol: 0 };
  if (d.fn === 'uniform_') return { atol: ulp32(Math.max(Math.abs(d.args![0]), Math.abs(d.args![1]))), rtol: 0 };
  return { atol: ulp32(1), rtol: 2 ** -23 };
}

const seeds: { seed: number; draws: Draw[] }[] = fixture.random;
describe.each(seeds.map((c) => [c.seed, c.draws] as [number, Draw[]]))('after manualSeed(%i)', (seed, draws) => {
  test('every draw of the sequence matches PyTorch', () => {
    torch.manualSeed(seed);
    for (const d of draws) {
      const t = draw(d);
      expect(t.shape).toEqual(d.value.shape);
      expect(t.dtype).toBe(d.dtype);
      expectClose(values(t), d.value.data, { ...tolerance(d), what: `${d.fn}(${d.shape}) ${d.dtype}` });
    }
  });

  test('seeding again replays the stream; another seed does not', () => {
    torch.manualSeed(seed);
    const a = values(torch.rand([20]));
    torch.manualSeed(seed);
    expect(values(torch.rand([20]))).toEqual(a);
    torch.manualSeed(seed + 1);
    expect(values(torch.rand([20]))).not.toEqual(a);
  });
});

test('getRngState / setRngState resume the stream exactly, normals included', () => {
  torch.manualSeed(3);
  torch.randn([3]); // leaves a cached normal in PyTorch's scalar path
  const state = torch.getRngState();
  const a = [values(torch.randn([5])), values(torch.rand([4])), values(torch.randn([17], { dtype: 'float64' }))];
  torch.setRngState(state);
  const b = [values(torch.randn([5])), values(torch.rand([4])), values(torch.randn([17], { dtype: 'float64' }))];
  expect(b).toEqual(a);
});

describe('nn.init', () => {
  test('calculateGain is PyTorch\'s', () => {
    expect(init.calculateGain('linear')).toBe(1);
    expect(init.calculateGain('sigmoid')).toBe(1);
    expect(init.calculateGain('tanh')).toBeCloseTo(5 / 3, 15);
    expect(init.calculateGain('relu')).toBeCloseTo(Math.SQRT2, 15);
    expect(init.calculateGain('leaky_relu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 15);
    expect(init.calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 15);
    expect(init.calculateGain('selu')).toBe(0.75);
    expect(() => init.calculateGain('swish' as 'linear')).toThrow(/calculateGain: unsupported nonlinearity "swish"/);
  });

  test('fan in / fan out', () => {
    expect(init.calculateFanInAndFanOut(torch.zeros([5, 13]))).toEqual([13, 5]);
    expect(init.calculateFanInAndFanOut(torch.zeros([4, 3, 2, 2]))).toEqual([12, 16]);
    expect(() => init.calculateFanInAndFanOut(torch.zeros([5]))).toThrow(/fewer than 2 dimensions \(shape \[5\]\)/);
  });

  test('kaimingUniform_(a = sqrt 5) is Linear\'s weight init (same draws as PyTorch)', () => {
    const want = fixture.init['0']['un.weight'];
    torch.manualSeed(0);
    const w = init.kaimingUniform_(torch.empty([5, 13]), { a: Math.sqrt(5) });
    expectClose(values(w), want.data, { atol: ulp32(1 / Math.sqrt(13)), rtol: 0 });
  });

  test('bounds and spreads of the other initialisers', () => {
    torch.manualSeed(1);
    const n = 4000;
    const w = torch.empty([n / 40, 40]);
    const kb = Math.sqrt(6 / 40); // kaiming uniform, relu, fan in 40
    init.kaimingUniform_(w, { nonlinearity: 'relu' });
    expect(Math.max(...values(w).map(Math.abs))).toBeLessThanOrEqual(kb);
    const xb = Math.sqrt(6 / (40 + n / 40));
    init.xavierUniform_(w);
    expect(Math.max(...values(w).map(Math.abs))).toBeLessThanOrEqual(xb);
    expect(Math.max(...values(w).map(Math.abs))).toBeGreaterThan(0.95 * xb);
    const std = (t: torch.Tensor) => Math.sqrt(values(t).reduce((s, v) => s + v * v, 0) / t.numel());
    init.kaimingNormal_(w, { mode: 'fanOut', nonlinearity: 'relu' });
    expect(std(w) / Math.sqrt(2 / (n / 40))).toBeCloseTo(1, 1);
    init.xavierNormal_(w, 2);
    expect(std(w) / (2 * Math.sqrt(2 / (40 + n / 40)))).toBeCloseTo(1, 1);
    init.normal_(w, 3, 0.5);
    expect(values(w).reduce((s, v) => s + v, 0) / n).toBeCloseTo(3, 1);
    init.constant_(w, 0.5);
    expect(values(w).every((v) => v === 0.5)).toBe(true);
    init.zeros_(w);
    expect(values(w).every((v) => v === 0)).toBe(true);
    init.ones_(w);
    expect(values(w).every((v) => v === 1)).toBe(true);
    expect(() => init.kaimingUniform_(w, { mode: 'fan_in' as 'fanIn' })).toThrow(/mode must be 'fanIn' or 'fanOut', got "fan_in"/);
  });

  test('initialisers work on parameters (outside noGrad) and are not recorded', () => {
    const p = new torch.nn.Parameter(torch.zeros([3, 3]));
    init.uniform_(p, -1, 1);
    expect(p.gradFn).toBeNull();
    expect(p.isLeaf).toBe(true);
    expect(p.requiresGrad).toBe(true);
  });

  test('non-contiguous views are filled in place, with the same stream', () => {
    torch.manualSeed(5);
    const dense = values(torch.rand([2, 3]));
    torch.manualSeed(5);
    const t = torch.zeros([3, 2]);
    init.uniform_(t.t(), 0, 1); // a (2, 3) transposed view
    expect(values(t.t())).toEqual(dense);
  });
});

describe('init options are strict', () => {
  test('kaiming: a non-object or an unknown key is a TypeError', () => {
    const w = torch.empty([4, 3]);
    expect(() => torch.nn.init.kaimingUniform_(w, Math.sqrt(5) as never)).toThrow(/^kaimingUniform_: options must be an object like \{ mode: 'fanOut' \}.*got number/);
    expect(() => torch.nn.init.kaimingNormal_(w, { mode: 'fanOut', nonLinearity: 'relu' } as never)).toThrow(
      /^kaimingNormal_: unknown option 'nonLinearity'; valid options: 'a', 'mode', 'nonlinearity'/);
    expect(torch.nn.init.kaimingNormal_(w, { mode: 'fanOut', nonlinearity: 'relu' })).toBe(w);
  });
});
