// nn.Linear: shapes, PyTorch's initialisation for the same seed, values and
// gradients against a float64 reference, a training step, errors, repr.
import * as torch from 'torchlet';
import { expectClose, fixture, TwoLayers, ulp32, values } from '../fixtures/nn';

const { nn } = torch;

/** y = x W^T + b in float64, x (n, in), W (out, in). */
function refLinear(x: number[], n: number, w: number[], out: number, inF: number, b: number[] | null): number[] {
  const y: number[] = [];
  for (let i = 0; i < n; i++)
    for (let o = 0; o < out; o++) {
      let s = b ? b[o] : 0;
      for (let k = 0; k < inF; k++) s += x[i * inF + k] * w[o * inF + k];
      y.push(s);
    }
  return y;
}

beforeEach(() => torch.manualSeed(0));

describe('parameters', () => {
  test('weight (out, in) and bias (out), both learnable', () => {
    const l = new nn.Linear(13, 5);
    expect(l.weight.shape).toEqual([5, 13]);
    expect(l.bias!.shape).toEqual([5]);
    expect(l.inFeatures).toBe(13);
    expect(l.outFeatures).toBe(5);
    expect([...l.namedParameters()].map(([k]) => k)).toEqual(['weight', 'bias']);
    for (const p of l.parameters()) {
      expect(p).toBeInstanceOf(nn.Parameter);
      expect(p.requiresGrad).toBe(true);
      expect(p.dtype).toBe('float32');
    }
  });

  test('bias: false has no bias', () => {
    const l = new nn.Linear(6, 2, { bias: false });
    expect(l.bias).toBeNull();
    expect([...l.namedParameters()].map(([k]) => k)).toEqual(['weight']);
  });

  test('dtype option', () => {
    const l = new nn.Linear(3, 2, { dtype: 'float64' });
    expect(l.weight.dtype).toBe('float64');
    expect(l.bias!.dtype).toBe('float64');
  });

  test('weights lie in U(-1/sqrt(in), 1/sqrt(in))', () => {
    for (const inF of [1, 3, 13, 100]) {
      const l = new nn.Linear(inF, 50);
      const k = 1 / Math.sqrt(inF);
      for (const v of [...values(l.weight), ...values(l.bias!)]) expect(Math.abs(v)).toBeLessThanOrEqual(k);
      // and actually spread over it
      expect(Math.max(...values(l.weight).map(Math.abs))).toBeGreaterThan(0.8 * k);
    }
  });
});

describe('initialisation is PyTorch\'s for the same seed', () => {
  // PyTorch draws u * (to - from) + from in float32 with from = -k, to = k.
  // The tolerance is 1 ulp of k (not of the value: near 0 the sum cancels):
  // PyTorch itself differs by that much between its AVX2 build, which fuses
  // the multiply-add, and its portable one.
  const sameDraws = (p: torch.Tensor, want: { data: number[] }, what: string, inFeatures: number) =>
    expectClose(values(p), want.data, { atol: ulp32(1 / Math.sqrt(inFeatures)), rtol: 0, what });
  test.each([0, 42])('manualSeed(%i); Linear(13, 5) then Linear(5, 1)', (seed) => {
    const want = fixture.init[String(seed)];
    torch.manualSeed(seed);
    const un = new nn.Linear(13, 5);
    const deux = new nn.Linear(5, 1);
    sameDraws(un.weight, want['un.weight'], 'un.weight', 13);
    sameDraws(un.bias!, want['un.bias'], 'un.bias', 13);
    sameDraws(deux.weight, want['deux.weight'], 'deux.weight', 5);
    sameDraws(deux.bias!, want['deux.bias'], 'deux.bias', 5);
  });

  test.each([0, 42])('manualSeed(%i); new TwoLayers() draws in field order', (seed) => {
    const want = fixture.init[String(seed)];
    torch.manualSeed(seed);
    const net = new TwoLayers();
    for (const [k, p] of net.namedParameters()) sameDraws(p, want[k], k, k.startsWith('un') ? 13 : 5);
  });

  test('fan-in that is not a square, and a layer without bias', () => {
    const want = fixture.init['7'];
    torch.manualSeed(7);
    const a = new nn.Linear(3, 4);
    const b = new nn.Linear(6, 2, { bias: false });
    sameDraws(a.weight, want['a.weight'], 'a.weight', 3);
    sameDraws(a.bias!, want['a.bias'], 'a.bias', 3);
    sameDraws(b.weight, want['b.weight'], 'b.weight', 6);
  });

  test('resetParameters draws again from the generator', () => {
    torch.manualSeed(0);
    const l = new nn.Linear(13, 5);
    const first = values(l.weight);
    l.resetParameters();
    expect(values(l.weight)).not.toEqual(first);
    torch.manualSeed(0);
    l.resetParameters();
    expect(values(l.weight)).toEqual(first);
  });
});

describe('forward', () => {
  test('values: x W^T + b (float64 reference)', () => {
    const l = new nn.Linear(7, 3);
    const x = torch.randn([4, 7]);
    const y = l.forward(x);
    expect(y.shape).toEqual([4, 3]);
    expectClose(y, refLinear(values(x), 4, values(l.weight), 3, 7, values(l.bias!)), { atol: 1e-6, rtol: 1e-5 });
    const nb = new nn.Linear(7, 3, { bias: false });
    expectClose(nb.forward(x), refLinear(values(x), 4, values(nb.weight), 3, 7, null), { atol: 1e-6, rtol: 1e-5 });
  });

  test('shape (*, in) -> (*, out): 1-D, 3-D and 4-D inputs', () => {
    const l = new nn.Linear(6, 2);
    expect(l.forward(torch.randn([6])).shape).toEqual([2]);
    const x3 = torch.randn([2, 3, 6]);
    const y3 = l.forward(x3);
    expect(y3.shape).toEqual([2, 3, 2]);
    expectClose(y3.reshape(6, 2), l.forward(x3.reshape(6, 6)));
    expect(l.forward(torch.randn([2, 1, 3, 6])).shape).toEqual([2, 1, 3, 2]);
  });

  test('an empty batch gives an empty output', () => {
    const l = new nn.Linear(4, 3);
    expect(l.forward(torch.zeros([0, 4])).shape).toEqual([0, 3]);
  });

  test('inFeatures 0: the output is the bias, which is zero (PyTorch: bound 0)', () => {
    const l = new nn.Linear(0, 3);
    expect(l.weight.shape).toEqual([3, 0]);
    expect(values(l.bias!)).toEqual([0, 0, 0]);
    expect(values(l.forward(torch.zeros([2, 0])))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  test('float64 layer on float64 input', () => {
    const l = new nn.Linear(5, 2, { dtype: 'float64' });
    const x = torch.randn([3, 5], { dtype: 'float64' });
    const y = l.forward(x);
    expect(y.dtype).toBe('float64');
    expectClose(y, refLinear(values(x), 3, values(l.weight), 2, 5, values(l.bias!)), { atol: 1e-14, rtol: 1e-13 });
  });
});

describe('backward', () => {
  test('dW = G^T X, db = column sums of G, dX = G W (float64 reference)', () => {
    const l = new nn.Linear(4, 3);
    const x = torch.randn([5, 4], { requiresGrad: true });
    const g = torch.randn([5, 3]);
    l.forward(x).backward(g);
    const X = values(x), G = values(g), W = values(l.weight);
    const dW: number[] = [], db: number[] = [], dX: number[] = [];
    for (let o = 0; o < 3; o++) for (let k = 0; k < 4; k++) dW.push([0, 1, 2, 3, 4].reduce((s, i) => s + G[i * 3 + o] * X[i * 4 + k], 0));
    for (let o = 0; o < 3; o++) db.push([0, 1, 2, 3, 4].reduce((s, i) => s + G[i * 3 + o], 0));
    for (let i = 0; i < 5; i++) for (let k = 0; k < 4; k++) dX.push([0, 1, 2].reduce((s, o) => s + G[i * 3 + o] * W[o * 4 + k], 0));
    expectClose(l.weight.grad!, dW, { what: 'dW' });
    expectClose(l.bias!.grad!, db, { what: 'db' });
    expectClose(x.grad!, dX, { what: 'dX' });
  });

  test('gradcheck in float64, with and without bias, 3-D input', () => {
    for (const bias of [true, false]) {
      const l = new nn.Linear(3, 2, { bias, dtype: 'float64' });
      const x = torch.randn([2, 2, 3], { dtype: 'float64', requiresGrad: true });
      expect(torch.autograd.gradcheck((xx) => l.forward(xx), [x, ...l.parameters()])).toBe(true);
    }
  });
});

test('one SGD step lowers the loss', () => {
  const l = new nn.Linear(13, 1);
  const x = torch.randn([32, 13]);
  const y = torch.randn([32, 1]);
  const lossFn = new nn.MSELoss();
  const opt = new torch.optim.SGD(l.parameters(), { lr: 0.05 });
  const before = lossFn.forward(l.forward(x), y);
  opt.zeroGrad();
  before.backward();
  opt.step();
  const after = lossFn.forward(l.forward(x), y);
  expect(after.item()).toBeLessThan(before.item());
});

describe('errors', () => {
  test('input with the wrong last dim (B7 wording)', () => {
    const l = new nn.Linear(8, 16);
    expect(() => l.forward(torch.zeros([32, 7]))).toThrow(RangeError);
    expect(() => l.forward(torch.zeros([32, 7]))).toThrow(/^linear: input's last dim 7 must equal inFeatures 8 \(input \[32, 7\], weight \[16, 8\]\)$/);
    expect(() => l.forward(torch.tensor(1))).toThrow(/linear: input's last dim none must equal inFeatures 8/);
  });

  test('a non-tensor input', () => {
    expect(() => new nn.Linear(2, 2).forward([1, 2] as unknown as torch.Tensor)).toThrow(TypeError);
  });

  test('bad sizes', () => {
    expect(() => new nn.Linear(-1, 2)).toThrow(/^Linear: inFeatures must be a non-negative integer, got -1$/);
    expect(() => new nn.Linear(2, 2.5)).toThrow(/Linear: outFeatures must be a non-negative integer, got 2.5/);
  });

  test('dtype mismatch between input and weight', () => {
    const l = new nn.Linear(2, 2);
    expect(() => l.forward(torch.zeros([1, 2], { dtype: 'float64' }))).toThrow(/linear: .*float64.*float32|linear: .*float32.*float64/);
  });
});

describe('toString', () => {
  test('PyTorch\'s repr', () => {
    expect(new nn.Linear(13, 5).toString()).toBe(fixture.names.leafRepr['Linear(13, 5)']);
    expect(new nn.Linear(6, 2, { bias: false }).toString()).toBe(fixture.names.leafRepr['Linear(6, 2, bias=False)']);
  });
});

describe('Linear options are strict', () => {
  // PyTorch's Linear(4, 4, False) is positional; here it would silently keep the bias.
  test('a positional bias is a TypeError naming the form to use', () => {
    expect(() => new torch.nn.Linear(4, 4, false as never)).toThrow(TypeError);
    expect(() => new torch.nn.Linear(4, 4, false as never)).toThrow(/^Linear: options must be an object like \{ bias: false \}.*got boolean false/);
  });
  test('a misspelled option is a TypeError listing the valid ones', () => {
    expect(() => new torch.nn.Linear(4, 4, { bais: false } as never)).toThrow(/^Linear: unknown option 'bais'; valid options: 'bias', 'dtype'/);
    expect(new torch.nn.Linear(4, 4, { bias: false }).bias).toBeNull();
  });
});
