// Loss modules: values and gradients against PyTorch for each reduction,
// CrossEntropyLoss at logits of +-1e4, BCELoss's log clamp, errors, a
// training step, repr.
import * as torch from 'torchlet';
import { expectClose, fixture, fromJSON, values } from '../fixtures/nn';

const { nn } = torch;
const F = nn.functional;
type Reduction = 'none' | 'mean' | 'sum';
const REDUCTIONS: Reduction[] = ['none', 'mean', 'sum'];

const modules = {
  mse: (reduction: Reduction) => new nn.MSELoss({ reduction }),
  crossEntropy: (reduction: Reduction) => new nn.CrossEntropyLoss({ reduction }),
  crossEntropyLarge: (reduction: Reduction) => new nn.CrossEntropyLoss({ reduction }),
  bce: (reduction: Reduction) => new nn.BCELoss({ reduction }),
  bceWithLogits: (reduction: Reduction) => new nn.BCEWithLogitsLoss({ reduction }),
};

function targetOf(k: string): torch.Tensor {
  const t = fixture.losses[k].target;
  return Array.isArray(t) ? torch.tensor(t, { dtype: 'int32' }) : fromJSON(t);
}

describe.each(Object.keys(modules) as (keyof typeof modules)[])('%s against PyTorch', (k) => {
  test.each(REDUCTIONS)('reduction %s: loss and input gradient', (r) => {
    const fx = fixture.losses[k];
    const x = fromJSON(fx.input).requiresGrad_();
    const loss = modules[k](r).forward(x, targetOf(k));
    expect(loss.shape).toEqual(fx[r].loss.shape);
    expectClose(loss, fx[r].loss.data, { atol: 1e-5, rtol: 1e-5, what: 'loss' });
    loss.backward(r === 'none' ? fromJSON(fx[r].upstream) : null);
    expectClose(x.grad!, fx[r].grad.data, { atol: 1e-6, rtol: 1e-5, what: 'grad' });
  });

  test('no parameters; reduction defaults to mean', () => {
    const m = modules[k]('mean');
    expect(m.parameters()).toEqual([]);
    const fx = fixture.losses[k];
    const dflt = k === 'mse' ? new nn.MSELoss() : k === 'bce' ? new nn.BCELoss() : k === 'bceWithLogits' ? new nn.BCEWithLogitsLoss() : new nn.CrossEntropyLoss();
    expect(dflt.reduction).toBe('mean');
    expect(dflt.forward(fromJSON(fx.input), targetOf(k)).item()).toBe(m.forward(fromJSON(fx.input), targetOf(k)).item());
  });
});

describe('CrossEntropyLoss', () => {
  test('stable for logits of +-1e4: finite loss, exact softmax - onehot gradient', () => {
    const fx = fixture.losses.crossEntropyLarge;
    const x = fromJSON(fx.input).requiresGrad_();
    const loss = new nn.CrossEntropyLoss({ reduction: 'none' }).forward(x, targetOf('crossEntropyLarge'));
    expect(values(loss).every(Number.isFinite)).toBe(true);
    // -z_k + logsumexp(z): 0, 2e4 + ln 2, 1e4 + ln 2, ln 3
    expectClose(loss, [0, 2e4 + Math.LN2, 1e4 + Math.LN2, Math.log(3)], { atol: 1e-3, rtol: 1e-7 });
    loss.sum().backward();
    expectClose(x.grad!, [0, 0, 0, -1, 0.5, 0.5, 0.5, 0.5, -1, 1 / 3, -2 / 3, 1 / 3], { atol: 1e-7, rtol: 1e-6 });
  });

  test('a single sample (C) gives a 0-d loss', () => {
    const x = torch.tensor([1, 2, 3]);
    const loss = F.crossEntropy(x, torch.tensor(2, { dtype: 'int32' }));
    expect(loss.shape).toEqual([]);
    expect(loss.item()).toBeCloseTo(-3 + Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)), 6);
  });

  test('errors: target out of range, one-hot targets, float targets, bad shapes', () => {
    const ce = new nn.CrossEntropyLoss();
    const x = torch.zeros([3, 10]);
    expect(() => ce.forward(x, torch.tensor([1, 12, 0], { dtype: 'int32' }))).toThrow(/^crossEntropy: target 12 out of range for 10 classes$/);
    expect(() => ce.forward(x, torch.tensor([-1, 0, 0], { dtype: 'int32' }))).toThrow(/target -1 out of range for 10 classes/);
    expect(ce.forward(x, torch.zeros([3, 10])).item()).toBe(0); // probability targets (all zero here)
    expect(() => ce.forward(x, torch.zeros([3, 10], { dtype: 'int32' }))).toThrow(/did you pass one-hot targets\?/);
    expect(() => ce.forward(x, torch.tensor([1, 2, 0]))).toThrow(TypeError);
    expect(() => ce.forward(x, torch.tensor([1, 2], { dtype: 'int32' }))).toThrow(/target must be \(N\) class indices with N = 3; got \[2\] for input \[3, 10\]/);
    expect(() => ce.forward(torch.zeros([2, 3, 4]), torch.tensor([1, 2], { dtype: 'int32' }))).toThrow(/input must be \(N, C\) logits or \(C\)/);
  });

  test('gradcheck in float64 for each reduction', () => {
    const target = torch.tensor([2, 0, 1, 2], { dtype: 'int32' });
    for (const r of REDUCTIONS) {
      const x = torch.randn([4, 3], { dtype: 'float64', requiresGrad: true });
      expect(torch.autograd.gradcheck((xx) => F.crossEntropy(xx, target, { reduction: r }), [x])).toBe(true);
    }
  });
});

describe('BCELoss', () => {
  test('logs clamped at -100: a confident wrong answer costs 100, not Infinity', () => {
    const bce = new nn.BCELoss({ reduction: 'none' });
    const loss = bce.forward(torch.tensor([0, 1, 0, 1]), torch.tensor([1, 0, 0, 1]));
    expectClose(loss, [100, 100, 0, 0], { atol: 0, rtol: 1e-7 }); // (the last is -0, as in PyTorch)
    const x = torch.tensor([0, 1], { requiresGrad: true });
    bce.forward(x, torch.tensor([1, 0])).sum().backward();
    // PyTorch: (x - y) / max((1 - x) x, 1e-12)
    expectClose(x.grad!, [-1e12, 1e12], { rtol: 1e-6 });
    expect(values(x.grad!).every(Number.isFinite)).toBe(true);
  });

  test('input outside [0, 1] (or NaN) is an error', () => {
    const bce = new nn.BCELoss();
    expect(() => bce.forward(torch.tensor([0.5, 1.5]), torch.tensor([0, 1]))).toThrow(/binaryCrossEntropy: all elements of input should be between 0 and 1; got 1.5 at index 1/);
    expect(() => bce.forward(torch.tensor([NaN]), torch.tensor([0]))).toThrow(RangeError);
  });

  test('gradcheck in float64 (inside (0, 1))', () => {
    const x = torch.tensor([0.1, 0.4, 0.7, 0.95], { dtype: 'float64', requiresGrad: true });
    const y = torch.tensor([0, 1, 0.3, 1], { dtype: 'float64' });
    expect(torch.autograd.gradcheck((xx) => F.binaryCrossEntropy(xx, y), [x])).toBe(true);
  });
});

describe('BCEWithLogitsLoss', () => {
  test('equals BCE of the sigmoid where that is accurate, and stays finite at +-200', () => {
    const x = torch.tensor([-3, -0.5, 0, 2]);
    const y = torch.tensor([0, 1, 0.5, 1]);
    expectClose(new nn.BCEWithLogitsLoss().forward(x, y), [new nn.BCELoss().forward(x.sigmoid(), y).item()], { rtol: 1e-6 });
    const big = new nn.BCEWithLogitsLoss({ reduction: 'none' }).forward(torch.tensor([-200, 200]), torch.tensor([1, 0]));
    expect(values(big)).toEqual([200, 200]);
  });

  test('gradcheck in float64', () => {
    const x = torch.randn([5], { dtype: 'float64', requiresGrad: true });
    const y = torch.rand([5], { dtype: 'float64' });
    expect(torch.autograd.gradcheck((xx) => F.binaryCrossEntropyWithLogits(xx, y, { reduction: 'sum' }), [x])).toBe(true);
  });
});

describe('MSELoss', () => {
  test('the course\'s pitfall: (N) against (N, 1) is an error with a hint', () => {
    const mse = new nn.MSELoss();
    expect(() => mse.forward(torch.zeros([4]), torch.zeros([4, 1]))).toThrow(
      /^mseLoss: target size \[4, 1\] must be the same as input size \[4\] \(reshape one of them, e\.g\. view\(-1, 1\)\)$/);
    expect(() => mse.forward(torch.zeros([4]), torch.zeros([3]))).toThrow(/target size \[3\] must be the same as input size \[4\]$/);
  });

  test('a target that requires grad gets the opposite gradient', () => {
    const x = torch.tensor([1, 2, 3], { requiresGrad: true });
    const y = torch.tensor([0, 2, 5], { requiresGrad: true });
    new nn.MSELoss().forward(x, y).backward();
    expectClose(x.grad!, [2 / 3, 0, -4 / 3]);
    expectClose(y.grad!, [-2 / 3, 0, 4 / 3]);
  });

  test('gradcheck in float64 for each reduction', () => {
    const y = torch.randn([2, 3], { dtype: 'float64' });
    for (const r of REDUCTIONS) {
      const x = torch.randn([2, 3], { dtype: 'float64', requiresGrad: true });
      expect(torch.autograd.gradcheck((xx) => F.mseLoss(xx, y, { reduction: r }), [x])).toBe(true);
    }
  });
});

describe('every loss', () => {
  test('an invalid reduction names the module', () => {
    expect(() => new nn.MSELoss({ reduction: 'avg' as Reduction })).toThrow(/^MSELoss: reduction must be 'none', 'mean' or 'sum'; got "avg"$/);
    expect(() => new nn.CrossEntropyLoss({ reduction: 'elementwise_mean' as Reduction })).toThrow(/CrossEntropyLoss: reduction must be/);
    expect(() => F.mseLoss(torch.zeros([1]), torch.zeros([1]), { reduction: 'x' as Reduction })).toThrow(/mseLoss: reduction must be/);
  });

  test('toString is PyTorch\'s repr', () => {
    expect(new nn.MSELoss().toString()).toBe(fixture.names.leafRepr.MSELoss);
    expect(new nn.CrossEntropyLoss().toString()).toBe(fixture.names.leafRepr.CrossEntropyLoss);
    expect(new nn.BCELoss().toString()).toBe('BCELoss()');
    expect(new nn.BCEWithLogitsLoss().toString()).toBe('BCEWithLogitsLoss()');
  });

  test('non-tensor arguments are a TypeError', () => {
    expect(() => new nn.MSELoss().forward([1] as unknown as torch.Tensor, torch.zeros([1]))).toThrow(/mseLoss: argument 'input' must be a Tensor/);
  });

  test.each([
    ['MSELoss', () => new nn.MSELoss(), (n: number) => torch.randn([n, 2]), 2],
    ['CrossEntropyLoss', () => new nn.CrossEntropyLoss(), (n: number) => torch.randint(0, 3, [n]), 3],
    ['BCELoss', () => new nn.BCELoss(), (n: number) => torch.rand([n, 2]).gt(0.5).float(), 2],
    ['BCEWithLogitsLoss', () => new nn.BCEWithLogitsLoss(), (n: number) => torch.rand([n, 2]).gt(0.5).float(), 2],
  ] as const)('%s: one SGD step lowers the loss', (name, make, target, out) => {
    torch.manualSeed(0);
    const lin = new nn.Linear(4, out);
    const head = name === 'BCELoss' ? new nn.Sigmoid() : new nn.Identity();
    const lossFn = make();
    const x = torch.randn([32, 4]);
    const y = target(32);
    const opt = new torch.optim.SGD(lin.parameters(), { lr: 0.1 });
    const before = lossFn.forward(head.forward(lin.forward(x)), y);
    before.backward();
    opt.step();
    expect(lossFn.forward(head.forward(lin.forward(x)), y).item()).toBeLessThan(before.item());
  });
});

describe('a target (or posWeight) that requires grad gets its gradient', () => {
  // PyTorch differentiates every point loss in its target too (BCE's target
  // since 2.0); none of them may drop that gradient silently.
  const cases: [string, (x: torch.Tensor, y: torch.Tensor, r: Reduction) => torch.Tensor, () => torch.Tensor][] = [
    ['mseLoss', (x, y, r) => F.mseLoss(x, y, { reduction: r }), () => torch.randn([2, 3], { dtype: 'float64' })],
    ['l1Loss', (x, y, r) => F.l1Loss(x, y, { reduction: r }), () => torch.randn([2, 3], { dtype: 'float64' })],
    ['smoothL1Loss', (x, y, r) => F.smoothL1Loss(x, y, { reduction: r, beta: 0.7 }), () => torch.randn([2, 3], { dtype: 'float64' })],
    ['huberLoss', (x, y, r) => F.huberLoss(x, y, { reduction: r, delta: 0.7 }), () => torch.randn([2, 3], { dtype: 'float64' })],
    ['binaryCrossEntropy', (x, y, r) => F.binaryCrossEntropy(x, y, { reduction: r }),
      () => torch.rand([2, 3], { dtype: 'float64' }).mul(0.8).add(0.1)],
    ['binaryCrossEntropyWithLogits', (x, y, r) => F.binaryCrossEntropyWithLogits(x, y, { reduction: r }),
      () => torch.randn([2, 3], { dtype: 'float64' })],
  ];

  test.each(cases)('%s: gradcheck in float64 in input and target, each reduction', (_name, f, make) => {
    torch.manualSeed(3);
    for (const r of REDUCTIONS) {
      const x = make().requiresGrad_();
      const y = torch.rand([2, 3], { dtype: 'float64' }).requiresGrad_();
      expect(torch.autograd.gradcheck((xx, yy) => f(xx, yy, r), [x, y])).toBe(true);
      // The target alone, too.
      const x2 = make();
      const y2 = torch.rand([2, 3], { dtype: 'float64' }).requiresGrad_();
      f(x2, y2, r).sum().backward();
      expect(y2.grad).not.toBeNull();
      expect(torch.autograd.gradcheck((yy) => f(x2, yy, r), [y2])).toBe(true);
    }
  });

  test('the symmetric losses give the target minus the input\'s gradient', () => {
    const x = torch.tensor([1, 2, 3, 4], { requiresGrad: true });
    const y = torch.tensor([0, 2, 5, 3.5], { requiresGrad: true });
    F.smoothL1Loss(x, y).backward();
    expectClose(y.grad!, x.grad!.neg());
  });

  test('binaryCrossEntropyWithLogits with posWeight: gradcheck in input, target and posWeight', () => {
    torch.manualSeed(4);
    for (const r of REDUCTIONS) {
      const x = torch.randn([4, 3], { dtype: 'float64', requiresGrad: true });
      const y = torch.rand([4, 3], { dtype: 'float64', requiresGrad: true });
      const pw = torch.rand([3], { dtype: 'float64' }).add(0.5).requiresGrad_();
      expect(torch.autograd.gradcheck((xx, yy, pp) => F.binaryCrossEntropyWithLogits(xx, yy, { reduction: r, posWeight: pp }),
        [x, y, pw])).toBe(true);
    }
  });

  test('class weights that require grad are an error, not a silently missing gradient', () => {
    const w = torch.ones([3], { requiresGrad: true });
    const t = torch.tensor([0, 2], { dtype: 'int32' });
    expect(() => F.crossEntropy(torch.randn([2, 3]), t, { weight: w }))
      .toThrow(/^crossEntropy: not differentiable with respect to 'weight'/);
    expect(() => F.nllLoss(torch.randn([2, 3]), t, { weight: w })).toThrow(/^nllLoss: not differentiable with respect to 'weight'/);
    // Under noGrad, or detached, it is fine.
    expect(() => F.crossEntropy(torch.randn([2, 3]), t, { weight: w.detach() })).not.toThrow();
    expect(() => torch.noGrad(() => F.nllLoss(torch.randn([2, 3]), t, { weight: w }))).not.toThrow();
  });
});
