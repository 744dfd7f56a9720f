// Activation modules (ReLU, Tanh, Sigmoid, Softmax, LogSoftmax, Identity,
// Flatten): no parameters, shape (*) -> (*), values against float64 JS,
// gradients by gradcheck, a training step through them, repr.
import * as torch from 'torchlet';
import { expectClose, fixture, values } from '../fixtures/nn';

const { nn } = torch;

const sigmoid = (v: number) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

/** Elementwise activations and their float64 references. */
const elementwise: [string, () => torch.nn.Module, (v: number) => number][] = [
  ['ReLU', () => new nn.ReLU(), (v) => Math.max(v, 0)],
  ['Tanh', () => new nn.Tanh(), Math.tanh],
  ['Sigmoid', () => new nn.Sigmoid(), sigmoid],
  ['Identity', () => new nn.Identity(), (v) => v],
];

function softmaxRef(x: number[], rows: number, cols: number, log: boolean): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row = x.slice(r * cols, (r + 1) * cols);
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    for (const v of row) out.push(log ? v - lse : Math.exp(v - lse));
  }
  return out;
}

beforeEach(() => torch.manualSeed(0));

describe.each(elementwise)('%s', (name, make, ref) => {
  test('no parameters; output has the input\'s shape (0-d, 1-d, 4-d, empty)', () => {
    const m = make();
    expect(m.parameters()).toEqual([]);
    for (const shape of [[], [5], [2, 3, 1, 4], [3, 0]]) expect(m.forward(torch.randn(shape)).shape).toEqual(shape);
  });

  test('values match the float64 reference', () => {
    const x = torch.tensor([-30, -2.5, -1, -1e-3, 0, 1e-3, 0.5, 1, 3, 30]);
    expectClose(make().forward(x), values(x).map(ref), { atol: 1e-7, rtol: 1e-6 });
  });

  test('gradcheck in float64', () => {
    // Away from ReLU's kink, where finite differences are meaningless.
    const x = torch.tensor([[-1.5, -0.3, 0.2], [0.7, 1.1, 2.5]], { dtype: 'float64', requiresGrad: true });
    expect(torch.autograd.gradcheck((xx) => make().forward(xx), [x])).toBe(true);
  });

  test('one SGD step through it lowers the loss', () => {
    const lin = new nn.Linear(4, 3);
    const act = make();
    const x = torch.randn([16, 4]);
    const y = torch.rand([16, 3]);
    const lossFn = new nn.MSELoss();
    const opt = new torch.optim.SGD(lin.parameters(), { lr: 0.1 });
    const before = lossFn.forward(act.forward(lin.forward(x)), y);
    before.backward();
    opt.step();
    expect(lossFn.forward(act.forward(lin.forward(x)), y).item()).toBeLessThan(before.item());
  });

  test('toString is PyTorch\'s repr', () => {
    expect(make().toString()).toBe(fixture.names.leafRepr[name]);
  });

  test('eval mode changes nothing', () => {
    const m = make();
    const x = torch.randn([3, 3]);
    const a = values(m.forward(x));
    expect(values(m.eval().forward(x))).toEqual(a);
  });
});

describe('ReLU', () => {
  test('gradient at the kink is 0, NaN propagates', () => {
    const x = torch.tensor([-1, 0, 2], { requiresGrad: true });
    new nn.ReLU().forward(x).sum().backward();
    expect(values(x.grad!)).toEqual([0, 0, 1]);
    expect(Number.isNaN(new nn.ReLU().forward(torch.tensor([NaN])).item())).toBe(true);
  });
});

describe('Sigmoid / Tanh saturate without overflow', () => {
  test('large |x|', () => {
    expect(values(new nn.Sigmoid().forward(torch.tensor([-1000, 1000])))).toEqual([0, 1]);
    expect(values(new nn.Tanh().forward(torch.tensor([-1000, 1000])))).toEqual([-1, 1]);
  });
});

describe.each([
  ['Softmax', false],
  ['LogSoftmax', true],
] as const)('%s', (name, log) => {
  const make = (dim?: number) => (log ? new nn.LogSoftmax(dim) : new nn.Softmax(dim));

  test('no parameters; values along the last dim by default', () => {
    const m = make();
    expect(m.parameters()).toEqual([]);
    const x = torch.randn([4, 5]);
    const y = m.forward(x);
    expect(y.shape).toEqual([4, 5]);
    expectClose(y, softmaxRef(values(x), 4, 5, log), { atol: 1e-6, rtol: 1e-5 });
  });

  test('along dim 0 of a 3-d tensor', () => {
    const x = torch.randn([3, 2, 2]);
    const y = make(0).forward(x);
    // dim 0 of (3, 2, 2) is the rows of its (2*2, 3) permutation
    const xt = values(x.permute(1, 2, 0));
    const want = softmaxRef(xt, 4, 3, log);
    expectClose(y.permute(1, 2, 0), want, { atol: 1e-6, rtol: 1e-5 });
  });

  test('stable for logits of +-1e4', () => {
    const x = torch.tensor([[1e4, -1e4, 0], [1e4, 1e4, 1e4]]);
    const y = values(make(1).forward(x));
    expect(y.every(Number.isFinite)).toBe(true);
    expectClose(y, softmaxRef(values(x), 2, 3, log), { atol: 1e-6, rtol: 1e-6 });
  });

  test('gradcheck in float64', () => {
    const x = torch.randn([3, 4], { dtype: 'float64', requiresGrad: true });
    const w = torch.randn([3, 4], { dtype: 'float64' });
    expect(torch.autograd.gradcheck((xx) => make(1).forward(xx).mul(w), [x])).toBe(true);
  });

  test('one SGD step through it lowers the loss', () => {
    const lin = new nn.Linear(4, 3);
    const m = make(1);
    const x = torch.randn([16, 4]);
    const y = log ? torch.full([16, 3], -Math.log(3)) : torch.full([16, 3], 1 / 3);
    const lossFn = new nn.MSELoss();
    const opt = new torch.optim.SGD(lin.parameters(), { lr: 0.5 });
    const before = lossFn.forward(m.forward(lin.forward(x)), y);
    before.backward();
    opt.step();
    expect(lossFn.forward(m.forward(lin.forward(x)), y).item()).toBeLessThan(before.item());
  });

  test('toString', () => {
    expect(make(1).toString()).toBe(fixture.names.leafRepr[`${name}(1)`]);
    expect(make().toString()).toBe(`${name}(dim=-1)`);
  });

  test('a dim out of range names the op', () => {
    expect(() => make(2).forward(torch.zeros([2, 2]))).toThrow(/dimension 2 out of range/);
  });
});

describe('Flatten', () => {
  test('keeps the batch dim by default; startDim / endDim', () => {
    const x = torch.randn([2, 3, 4, 5]);
    expect(new nn.Flatten().forward(x).shape).toEqual([2, 60]);
    expect(new nn.Flatten(0).forward(x).shape).toEqual([120]);
    expect(new nn.Flatten(1, 2).forward(x).shape).toEqual([2, 12, 5]);
    expect(values(new nn.Flatten().forward(x))).toEqual(values(x));
    expect(new nn.Flatten().parameters()).toEqual([]);
  });

  test('gradient flows back in the input\'s shape', () => {
    const x = torch.randn([2, 3, 2], { requiresGrad: true });
    new nn.Flatten().forward(x).mul(torch.arange(6)).sum().backward();
    expect(x.grad!.shape).toEqual([2, 3, 2]);
    expect(values(x.grad!)).toEqual([0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5]);
  });

  test('a Linear after a Flatten trains', () => {
    const net = new nn.Sequential(new nn.Flatten(), new nn.Linear(6, 2));
    const x = torch.randn([8, 2, 3]);
    const y = torch.randn([8, 2]);
    const lossFn = new nn.MSELoss();
    const opt = new torch.optim.SGD(net.parameters(), { lr: 0.1 });
    const before = lossFn.forward(net.forward(x), y);
    before.backward();
    opt.step();
    expect(lossFn.forward(net.forward(x), y).item()).toBeLessThan(before.item());
  });

  test('toString', () => {
    expect(new nn.Flatten().toString()).toBe(fixture.names.leafRepr.Flatten);
  });
});
