// optim.SGD: step-for-step equality with PyTorch's trajectories (gen_nn.py's
// `sgd` and `ce` sections), hyperparameter checks, parameter lists, skipped
// parameters, param groups, state dicts.
import * as torch from 'torchlet';
import { expectClose, fixture, fromJSON, stateDictFromJSON, values } from '../fixtures/nn';

const { nn, optim } = torch;

/** float32 against PyTorch's float32: the sums run in another order, so a few ulps per step. */
const TOL32 = { atol: 2e-6, rtol: 1e-5 };
/** float64 against PyTorch's float64: the update rule must be the same, to rounding. */
const TOL64 = { atol: 1e-12, rtol: 1e-10 };

function fixedModel(dtype: torch.DType): torch.nn.Sequential {
  const fx = fixture.sgd;
  const m = new nn.Sequential(new nn.Linear(4, 3), new nn.Tanh(), new nn.Linear(3, 2));
  if (dtype === 'float64') m.double();
  m.loadStateDict(stateDictFromJSON(fx.init, dtype));
  return m;
}

interface Trajectory {
  losses: number[];
  params: Record<string, number[]>[];
}

/** Trains `steps` steps, comparing with the fixture from step `from` on. */
function follow(model: torch.nn.Module, opt: torch.optim.SGD, x: torch.Tensor, y: torch.Tensor, lossFn: torch.nn.Module,
                want: Trajectory, tol: { atol: number; rtol: number }, from: number, to: number): void {
  for (let s = from; s < to; s++) {
    opt.zeroGrad();
    const loss = lossFn.forward(model.forward(x), y);
    loss.backward();
    opt.step();
    expectClose([loss.item()], [want.losses[s]], { ...tol, what: `loss at step ${s + 1}` });
    for (const [k, p] of model.namedParameters())
      expectClose(values(p), want.params[s][k], { ...tol, what: `${k} after step ${s + 1}` });
  }
}

type Config = { name: string; options: Partial<torch.optim.SGDOptions> } & Record<'float32' | 'float64', Trajectory>;
const configs: Config[] = fixture.sgd.configs;

describe.each(configs.map((c) => [c.name, c] as [string, Config]))('SGD %s matches PyTorch step for step', (_name, c) => {
  test.each(['float32', 'float64'] as const)('%s, MSELoss, 10 steps', (dtype) => {
    const model = fixedModel(dtype);
    const opt = new optim.SGD(model.parameters(), c.options);
    const x = fromJSON(fixture.sgd.x, dtype), y = fromJSON(fixture.sgd.y, dtype);
    follow(model, opt, x, y, new nn.MSELoss(), c[dtype], dtype === 'float32' ? TOL32 : TOL64, 0, fixture.sgd.steps);
  });
});

test('CrossEntropyLoss with momentum matches PyTorch for 5 steps', () => {
  const fx = fixture.ce;
  const model = new nn.Sequential(new nn.Linear(4, 5), new nn.ReLU(), new nn.Linear(5, 3));
  model.loadStateDict(stateDictFromJSON(fx.init));
  const opt = new optim.SGD(model.parameters(), fx.options);
  const x = fromJSON(fx.x), y = torch.tensor(fx.target, { dtype: 'int32' });
  follow(model, opt, x, y, new nn.CrossEntropyLoss(), fx, TOL32, 0, fx.steps);
  expect(fx.losses[fx.steps - 1]).toBeLessThan(fx.losses[0]);
});

describe('stateDict / loadStateDict', () => {
  test('resuming from step 5 continues exactly like the uninterrupted run (momentum + weight decay)', () => {
    const c = configs.find((k) => k.name === 'momentumWeightDecay')!;
    const x = fromJSON(fixture.sgd.x, 'float64'), y = fromJSON(fixture.sgd.y, 'float64');
    const lossFn = new nn.MSELoss();
    const a = fixedModel('float64');
    const optA = new optim.SGD(a.parameters(), c.options);
    follow(a, optA, x, y, lossFn, c.float64, TOL64, 0, 5);
    const modelState = a.stateDict();
    const optState = optA.stateDict();

    // A fresh process would rebuild both and load them.
    const b = fixedModel('float64');
    const optB = new optim.SGD(b.parameters(), { lr: 123 });
    b.loadStateDict(modelState);
    optB.loadStateDict(optState);
    expect(optB.paramGroups[0].lr).toBe(c.options.lr);
    follow(b, optB, x, y, lossFn, c.float64, TOL64, 5, 10);
  });

  test('PyTorch\'s layout: state by parameter index, groups with their options and indices', () => {
    const model = fixedModel('float32');
    const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    model.forward(fromJSON(fixture.sgd.x)).sum().backward();
    opt.step();
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(['0', '1', '2', '3']);
    expect(sd.state[0].momentum_buffer).toBeInstanceOf(torch.Tensor);
    expect((sd.state[0].momentum_buffer as torch.Tensor).shape).toEqual([3, 4]);
    expect(sd.param_groups).toEqual([{ lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, params: [0, 1, 2, 3] }]);
  });

  test('the state dict is a copy: later steps do not change it', () => {
    const model = fixedModel('float32');
    const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const x = fromJSON(fixture.sgd.x);
    model.forward(x).sum().backward();
    opt.step();
    const sd = opt.stateDict();
    const buf = values(sd.state[0].momentum_buffer as torch.Tensor);
    opt.step();
    expect(values(sd.state[0].momentum_buffer as torch.Tensor)).toEqual(buf);
  });

  test('mismatched state dicts are rejected', () => {
    const model = fixedModel('float32');
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    const other = new optim.SGD([model.parameters()[0]], { lr: 0.1 });
    expect(() => opt.loadStateDict(other.stateDict())).toThrow(/doesn't match the size of optimizer's group 0/);
    const two = new optim.SGD([{ params: model.parameters().slice(0, 2) }, { params: model.parameters().slice(2) }], { lr: 0.1 });
    expect(() => opt.loadStateDict(two.stateDict())).toThrow(/loaded state dict has 2 parameter groups, the optimizer has 1/);
    expect(() => opt.loadStateDict({} as torch.optim.OptimizerStateDict)).toThrow(TypeError);
    const bad = opt.stateDict();
    bad.state[0] = { momentum_buffer: torch.zeros([5]) };
    expect(() => opt.loadStateDict(bad)).toThrow(/state .momentum_buffer. of parameter 0 has shape \[5\], the parameter \[3, 4\]/);
  });
});

describe('hyperparameters are checked', () => {
  const p = () => [new nn.Parameter(torch.zeros([2]))];
  test.each([
    [{ lr: -0.1 }, /^SGD: invalid lr -0\.1, must be >= 0$/],
    [{ lr: NaN }, /SGD: invalid lr NaN, must be finite/],
    [{ lr: 0.1, momentum: -0.5 }, /^SGD: invalid momentum -0\.5, must be >= 0$/],
    [{ lr: 0.1, weightDecay: -1e-4 }, /^SGD: invalid weightDecay -0\.0001, must be >= 0$/],
    [{ lr: 0.1, nesterov: true }, /^SGD: Nesterov momentum requires a momentum > 0 and zero dampening$/],
    [{ lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 }, /Nesterov momentum requires a momentum > 0 and zero dampening/],
  ] as [Partial<torch.optim.SGDOptions>, RegExp][])('%o', (opts, msg) => {
    expect(() => new optim.SGD(p(), opts)).toThrow(RangeError);
    expect(() => new optim.SGD(p(), opts)).toThrow(msg);
  });

  test('per-group options are checked too', () => {
    expect(() => new optim.SGD([{ params: p() }, { params: p(), lr: -1 }], { lr: 0.1 })).toThrow(/SGD: invalid lr -1, must be >= 0/);
  });

  test('lr 0 is allowed and changes nothing', () => {
    const ps = p();
    const opt = new optim.SGD(ps, { lr: 0 });
    ps[0].grad = torch.ones([2]);
    opt.step();
    expect(values(ps[0])).toEqual([0, 0]);
  });
});

describe('parameter lists', () => {
  test('an empty list is an error', () => {
    expect(() => new optim.SGD([], { lr: 0.1 })).toThrow(/^SGD: got an empty parameter list$/);
    expect(() => new optim.SGD(new nn.ReLU().parameters(), { lr: 0.1 })).toThrow(/empty parameter list/);
  });

  test('a parameter given twice is an error (in one group or across groups)', () => {
    const a = new nn.Parameter(torch.zeros([2]));
    const b = new nn.Parameter(torch.zeros([2]));
    expect(() => new optim.SGD([a, b, a], { lr: 0.1 })).toThrow(/parameter 2 is given twice/);
    expect(() => new optim.SGD([{ params: [a] }, { params: [b, a] }], { lr: 0.1 })).toThrow(/some parameters appear in more than one parameter group/);
    const opt = new optim.SGD([a], { lr: 0.1 });
    expect(() => opt.addParamGroup({ params: [a] })).toThrow(/more than one parameter group/);
  });

  test('non-tensors and non-leaf tensors are rejected', () => {
    const a = new nn.Parameter(torch.zeros([2]));
    expect(() => new optim.SGD([a, 3 as unknown as torch.Tensor], { lr: 0.1 })).toThrow(/SGD: parameter 1 is not a Tensor/);
    expect(() => new optim.SGD([a.mul(2)], { lr: 0.1 })).toThrow(/SGD: can't optimize a non-leaf Tensor/);
    expect(() => new optim.SGD(5 as unknown as torch.Tensor[], { lr: 0.1 })).toThrow(TypeError);
  });

  test('a generator of parameters (namedParameters-style iterables) is accepted', () => {
    const lin = new nn.Linear(2, 2);
    const opt = new optim.SGD((function* () { yield* lin.parameters(); })(), { lr: 0.1 });
    expect(opt.paramGroups[0].params).toHaveLength(2);
  });
});

describe('step', () => {
  test('parameters without a gradient are skipped (and get no momentum state)', () => {
    const a = new nn.Parameter(torch.tensor([1, 2]));
    const b = new nn.Parameter(torch.tensor([3, 4]));
    const opt = new optim.SGD([a, b], { lr: 0.5, momentum: 0.9, weightDecay: 0.1 });
    a.grad = torch.tensor([1, 1]);
    opt.step();
    // a = a - lr * (g + wd * a)
    expectClose(values(a), [1 - 0.5 * (1 + 0.1), 2 - 0.5 * (1 + 0.2)]);
    expect(values(b)).toEqual([3, 4]);
    expect(opt.state.has(a)).toBe(true);
    expect(opt.state.has(b)).toBe(false);
  });

  test('frozen parameters (requiresGrad false) never get a gradient, so never move', () => {
    const lin = new nn.Linear(3, 1);
    lin.bias!.requiresGrad = false;
    const bias = values(lin.bias!);
    const opt = new optim.SGD(lin.parameters(), { lr: 0.1 });
    lin.forward(torch.randn([4, 3])).sum().backward();
    opt.step();
    expect(values(lin.bias!)).toEqual(bias);
  });

  test('per-group learning rates', () => {
    const a = new nn.Parameter(torch.tensor([1]));
    const b = new nn.Parameter(torch.tensor([1]));
    const opt = new optim.SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1 });
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.5]);
    a.grad = torch.tensor([1]);
    b.grad = torch.tensor([1]);
    opt.step();
    expectClose(values(a), [0.9]);
    expectClose(values(b), [0.5]);
    opt.paramGroups[1].lr = 0; // schedulers change lr like this
    opt.step();
    expectClose(values(b), [0.5]);
  });

  test('momentum: the buffer starts as the first gradient (PyTorch), not zero', () => {
    const p = new nn.Parameter(torch.tensor([0]));
    const opt = new optim.SGD([p], { lr: 1, momentum: 0.9, dampening: 0.5 });
    p.grad = torch.tensor([1]);
    opt.step(); // buf = 1 (no dampening on the first step)
    expectClose(values(p), [-1]);
    opt.step(); // buf = 0.9 + 0.5 * 1 = 1.4
    expectClose(values(p), [-2.4]);
  });

  test('a non-contiguous or other-dtype gradient is used as its values', () => {
    const p = new nn.Parameter(torch.zeros([2, 3]));
    const opt = new optim.SGD([p], { lr: 1 });
    p.grad = torch.arange(6).reshape(3, 2).t(); // (2, 3) transposed view
    opt.step();
    expectClose(values(p), [0, -2, -4, -1, -3, -5], { atol: 0, rtol: 0 });
    p._gradT = torch.ones([2, 3], { dtype: 'float64' }); // the setter refuses another dtype; step() converts one that got past it
    opt.step();
    expectClose(values(p), [-1, -3, -5, -2, -4, -6], { atol: 0, rtol: 0 });
  });

  test('zeroGrad clears gradients to null (or zero with setToNone false)', () => {
    const lin = new nn.Linear(2, 1);
    const opt = new optim.SGD(lin.parameters(), { lr: 0.1 });
    lin.forward(torch.ones([1, 2])).sum().backward();
    opt.zeroGrad(false);
    expect(values(lin.weight.grad!)).toEqual([0, 0]);
    opt.zeroGrad();
    expect(lin.weight.grad).toBeNull();
  });

  test('the step is not recorded by autograd', () => {
    const lin = new nn.Linear(2, 1);
    const opt = new optim.SGD(lin.parameters(), { lr: 0.1, momentum: 0.9 });
    lin.forward(torch.ones([1, 2])).sum().backward();
    opt.step();
    expect(lin.weight.isLeaf).toBe(true);
    expect(lin.weight.gradFn).toBeNull();
    expect(lin.weight.requiresGrad).toBe(true);
  });
});

describe('momentum buffers', () => {
  test('a refused step (a bad gradient, a NaN lr) creates no buffer: the next step starts it from the gradient', () => {
    const a = new nn.Parameter(torch.tensor([1, 2]));
    const b = new nn.Parameter(torch.tensor([3, 4]));
    const opt = new optim.SGD([a, b], { lr: 1, momentum: 0.9, dampening: 0.5 });
    a.grad = torch.tensor([1, 1]);
    b._gradT = torch.tensor([1, 1, 1]); // past the setter's own check
    expect(() => opt.step()).toThrow(/^SGD: gradient of shape \[3\] does not match its parameter of shape \[2\]$/);
    b.grad = torch.tensor([1, 1]);
    opt.paramGroups[0].lr = NaN; // as a broken schedule could write it
    expect(() => opt.step()).toThrow(/lr' must be finite/);
    expect(opt.state.size).toBe(0);
    expect(values(a)).toEqual([1, 2]);
    opt.paramGroups[0].lr = 1;
    opt.step(); // first step: buf = g, undamped (PyTorch's clone of the gradient)
    expect(values(opt.state.get(a)!.momentum_buffer as torch.Tensor)).toEqual([1, 1]);
    expect(values(a)).toEqual([0, 1]);
    opt.step(); // buf = 0.9 * 1 + 0.5 * 1
    expectClose(values(a), [-1.4, -0.4]);
  });

  test('a loaded or hand-set buffer of another dtype or layout is used by its values; a wrong shape is a clear error', () => {
    const p = new nn.Parameter(torch.zeros([2, 3]));
    const opt = new optim.SGD([p], { lr: 1, momentum: 1 });
    p.grad = torch.zeros([2, 3]);
    // A transposed view of [[0, 1], [2, 3], [4, 5]]: its values are [[0, 2, 4], [1, 3, 5]].
    opt.state.set(p, { momentum_buffer: torch.arange(6).reshape(3, 2).t() });
    opt.step();
    expect(values(p)).toEqual([0, -2, -4, -1, -3, -5]);
    const sd = opt.stateDict();
    sd.state[0].momentum_buffer = torch.ones([2, 3], { dtype: 'float64' });
    opt.loadStateDict(sd);
    opt.step();
    expect(values(p)).toEqual([-1, -3, -5, -2, -4, -6]);
    expect((opt.state.get(p)!.momentum_buffer as torch.Tensor).dtype).toBe('float32');
    opt.state.get(p)!.momentum_buffer = torch.zeros([5]);
    expect(() => opt.step()).toThrow(/^SGD: state 'momentum_buffer' has shape \[5\], its parameter \[2, 3\]$/);
    expect(values(p)).toEqual([-1, -3, -5, -2, -4, -6]);
  });

  test.each([
    [{ nesterov: 1 }, /^SGD: nesterov must be a boolean, got number$/],
    [{ maximize: 'yes' }, /^SGD: maximize must be a boolean, got string$/],
  ] as [Record<string, unknown>, RegExp][])('a non-boolean flag %o is a TypeError', (o, re) => {
    const make = () => new optim.SGD([new nn.Parameter(torch.zeros([2]))], { lr: 0.1, momentum: 0.9, ...o });
    expect(make).toThrow(TypeError);
    expect(make).toThrow(re);
  });
});
