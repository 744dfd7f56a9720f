// nn.Sequential and nn.ModuleList: PyTorch's names ('0.weight'), forward as
// composition, indexing, iteration, a training step, errors, repr.
import * as torch from 'torchlet';
import { expectClose, fixture, TwoLayers, values } from '../fixtures/nn';

const { nn } = torch;
const names = (m: torch.nn.Module): string[] => [...m.namedParameters()].map(([k]) => k);

beforeEach(() => torch.manualSeed(0));

describe('Sequential', () => {
  const make = () => new nn.Sequential(new nn.Linear(13, 5), new nn.Tanh(), new nn.Linear(5, 1));

  test('parameters are named by position, as PyTorch', () => {
    const seq = make();
    const want = fixture.names.sequential;
    expect(names(seq)).toEqual(want.namedParameters);
    expect([...seq.stateDict().keys()]).toEqual(want.stateDictKeys);
    expect([...seq.namedModules()].map(([k]) => k)).toEqual(want.namedModules);
    for (const [k, p] of seq.namedParameters()) expect(p.shape).toEqual(want.shapes[k]);
  });

  test('the same seed gives the same weights as TwoLayers (same draws, other names)', () => {
    torch.manualSeed(0);
    const seq = make();
    torch.manualSeed(0);
    const two = new TwoLayers();
    expect(seq.parameters().map(values)).toEqual(two.parameters().map(values));
  });

  test('a module inside a Sequential: names and repr', () => {
    const seq = new nn.Sequential(new TwoLayers(), new nn.Sigmoid());
    const want = fixture.names.sequentialOfModules;
    expect(names(seq)).toEqual(want.namedParameters);
    expect([...seq.namedModules()].map(([k]) => k)).toEqual(want.namedModules);
    expect(seq.toString()).toBe(want.repr);
  });

  test('forward is the composition, output shape (N, 1)', () => {
    const seq = make();
    const x = torch.randn([6, 13]);
    const y = seq.forward(x);
    expect(y.shape).toEqual([6, 1]);
    const manual = (seq.get(2) as torch.nn.Linear).forward((seq.get(1) as torch.nn.Tanh).forward((seq.get(0) as torch.nn.Linear).forward(x)));
    expect(values(y)).toEqual(values(manual));
  });

  test('empty Sequential is the identity', () => {
    const x = torch.randn([2, 2]);
    expect(new nn.Sequential().forward(x)).toBe(x);
    expect(new nn.Sequential().length).toBe(0);
  });

  test('length, get (negative too), numeric index, iteration, append', () => {
    const seq = make();
    expect(seq.length).toBe(3);
    expect(seq.get(0)).toBeInstanceOf(nn.Linear);
    expect(seq.get(-1)).toBe(seq.get(2));
    expect(seq[1]).toBeInstanceOf(nn.Tanh);
    expect([...seq].map((m) => m.constructor.name)).toEqual(['Linear', 'Tanh', 'Linear']);
    expect(seq.append(new nn.Sigmoid())).toBe(seq);
    expect(seq.length).toBe(4);
    expect(names(seq)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    const y = seq.forward(torch.randn([3, 13]));
    expect(values(y).every((v) => v > 0 && v < 1)).toBe(true);
  });

  test('errors', () => {
    const seq = make();
    expect(() => seq.get(3)).toThrow(/^Sequential: index 3 out of range for 3 modules$/);
    expect(() => seq.get(-4)).toThrow(/index -4 out of range for 3 modules/);
    expect(() => seq.get(1.5)).toThrow(RangeError);
    expect(() => new nn.Sequential(new nn.Tanh(), (() => 1) as unknown as torch.nn.Module)).toThrow(
      /^Sequential: every entry must be an nn\.Module, got function at index 1$/);
  });

  test('one SGD step lowers the loss', () => {
    const seq = make();
    const x = torch.randn([32, 13]);
    const y = torch.randn([32, 1]);
    const lossFn = new nn.MSELoss();
    const opt = new torch.optim.SGD(seq.parameters(), { lr: 0.05 });
    const before = lossFn.forward(seq.forward(x), y);
    opt.zeroGrad();
    before.backward();
    opt.step();
    expect(lossFn.forward(seq.forward(x), y).item()).toBeLessThan(before.item());
  });

  test('train / eval reach the layers', () => {
    const seq = make().eval();
    expect([...seq].every((m) => !m.training)).toBe(true);
  });

  test('stateDict round trip between two Sequentials, and into PyTorch\'s names', () => {
    const a = make();
    torch.manualSeed(1);
    const b = make();
    b.loadStateDict(a.stateDict());
    const x = torch.randn([4, 13]);
    expect(values(b.forward(x))).toEqual(values(a.forward(x)));
  });

  test('toString is PyTorch\'s repr', () => {
    expect(make().toString()).toBe(fixture.names.sequential.repr);
  });

  test('gradcheck through a float64 Sequential', () => {
    const seq = new nn.Sequential(new nn.Linear(3, 4), new nn.Sigmoid(), new nn.Linear(4, 2)).double();
    const x = torch.randn([3, 3], { dtype: 'float64', requiresGrad: true });
    expect(torch.autograd.gradcheck((xx) => seq.forward(xx), [x, ...seq.parameters()])).toBe(true);
  });
});

describe('ModuleList', () => {
  class Deep extends nn.Module {
    layers = new nn.ModuleList([new nn.Linear(4, 4), new nn.Linear(4, 4), new nn.Linear(4, 2)]);
    act = new nn.ReLU();
    forward(x: torch.Tensor): torch.Tensor {
      let h = x;
      for (const [i, l] of [...this.layers].entries()) h = i < this.layers.length - 1 ? this.act.forward(l.forward(h)) : l.forward(h);
      return h;
    }
  }

  test('names layers.0.weight ..., in order', () => {
    const m = new Deep();
    expect(names(m)).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias', 'layers.2.weight', 'layers.2.bias']);
    expect(m.layers.length).toBe(3);
    expect(m.layers.get(-1)).toBe(m.layers[2]);
  });

  test('has no forward of its own', () => {
    expect(() => new nn.ModuleList().forward()).toThrow(/ModuleList has no forward/);
  });

  test('rejects non-modules', () => {
    expect(() => new nn.ModuleList([{} as torch.nn.Module])).toThrow(/ModuleList: every entry must be an nn\.Module/);
  });

  test('one SGD step lowers the loss; output shape', () => {
    const m = new Deep();
    const x = torch.randn([16, 4]);
    const y = torch.randn([16, 2]);
    expect(m.forward(x).shape).toEqual([16, 2]);
    const lossFn = new nn.MSELoss();
    const opt = new torch.optim.SGD(m.parameters(), { lr: 0.05 });
    const before = lossFn.forward(m.forward(x), y);
    before.backward();
    opt.step();
    expect(lossFn.forward(m.forward(x), y).item()).toBeLessThan(before.item());
    // every layer got a gradient
    for (const p of m.parameters()) expect(p.grad).not.toBeNull();
  });

  test('toString', () => {
    const m = new nn.ModuleList([new nn.Linear(2, 3), new nn.Tanh()]);
    expect(m.toString()).toBe('ModuleList(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n  (1): Tanh()\n)');
  });

  test('values equal an equivalent Sequential with the same weights', () => {
    const m = new Deep();
    const seq = new nn.Sequential(m.layers[0], new nn.ReLU(), m.layers[1], new nn.ReLU(), m.layers[2]);
    const x = torch.randn([5, 4]);
    expectClose(seq.forward(x), m.forward(x), { atol: 0, rtol: 0 });
  });
});

describe('Sequential fuses a Linear with the activation after it', () => {
  test.each([
    ['ReLU', () => new nn.ReLU(), 'ReluBackward0'],
    ['Tanh', () => new nn.Tanh(), 'TanhBackward0'],
    ['Sigmoid', () => new nn.Sigmoid(), 'SigmoidBackward0'],
  ] as const)('Linear + %s: the values and gradients of the separate ops, one node named like PyTorch', (_n, act, gradFn) => {
    torch.manualSeed(3);
    const seq = new nn.Sequential(new nn.Linear(6, 5), act(), new nn.Linear(5, 2));
    const x = torch.randn([7, 6]);
    const fused = seq.forward(x);
    const h = seq.get(1).forward(seq.get(0).forward(x));
    expect(seq.get(0).forward(x).gradFn!.name).toBe('LinearBackward0');
    const sep = seq.get(2).forward(h);
    expectClose(fused, values(sep), { atol: 0, rtol: 0 });
    // The fused hidden output carries the activation's grad_fn.
    const hidden = (seq.get(0) as torch.nn.Linear)._forwardAct(x, _n.toLowerCase() as 'relu' | 'tanh' | 'sigmoid');
    expect(hidden.gradFn!.name).toBe(gradFn);
    fused.sum().backward();
    const g1 = [...seq.parameters()].map((p) => values(p.grad!));
    seq.zeroGrad();
    sep.sum().backward();
    const g2 = [...seq.parameters()].map((p) => values(p.grad!));
    g1.forEach((g, i) => expect(g).toEqual(g2[i]));
  });

  test('a subclass of an activation (which may change forward) is not fused', () => {
    class Shifted extends nn.ReLU {
      override forward(x: torch.Tensor): torch.Tensor { return super.forward(x).add(1); }
    }
    const seq = new nn.Sequential(new nn.Linear(3, 2), new Shifted());
    const x = torch.randn([4, 3]);
    const y = seq.forward(x);
    expect(values(y).every((v) => v >= 1)).toBe(true);
  });
});
