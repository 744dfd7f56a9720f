// What every optimizer shares (optim.Optimizer): parameter lists, skipped
// parameters, dtypes, state dicts and their checks, the step counter the
// schedulers read; run for SGD, Adam, AdamW and RMSprop alike.
import * as torch from 'torchlet';
import { values } from '../fixtures/nn';

const { nn, optim } = torch;
type Ctor = new (params: any, opts?: any) => torch.optim.Optimizer<any>;
const ALL: [string, Ctor, Record<string, unknown>][] = [
  ['SGD', optim.SGD, { lr: 0.1, momentum: 0.9 }],
  ['Adam', optim.Adam, { lr: 0.1, amsgrad: true }],
  ['AdamW', optim.AdamW, { lr: 0.1 }],
  ['RMSprop', optim.RMSprop, { lr: 0.1, momentum: 0.5, centered: true }],
];
const param = (v: number[] = [1, 2]) => new nn.Parameter(torch.tensor(v));

describe.each(ALL)('%s', (name, Opt, opts) => {
  test('an empty parameter list is an error', () => {
    expect(() => new Opt([], opts)).toThrow(RangeError);
    expect(() => new Opt([], opts)).toThrow(new RegExp(`^${name}: got an empty parameter list$`));
    expect(() => new Opt(new nn.ReLU().parameters(), opts)).toThrow(/empty parameter list/);
  });

  test('a parameter given twice is an error, in one group or across groups', () => {
    const a = param(), b = param();
    expect(() => new Opt([a, b, a], opts)).toThrow(new RegExp(`^${name}: some parameters appear in more than one parameter group \\(parameter 2 is given twice\\)$`));
    expect(() => new Opt([{ params: [a] }, { params: [b, a] }], opts)).toThrow(/some parameters appear in more than one parameter group/);
    const o = new Opt([a], opts);
    expect(() => o.addParamGroup({ params: [a] })).toThrow(/more than one parameter group/);
  });

  test('non-tensors and non-leaves are refused', () => {
    expect(() => new Opt([param(), 3], opts)).toThrow(new RegExp(`^${name}: parameter 1 is not a Tensor$`));
    expect(() => new Opt([param().mul(2)], opts)).toThrow(new RegExp(`^${name}: can't optimize a non-leaf Tensor`));
    expect(() => new Opt(5, opts)).toThrow(TypeError);
  });

  test('negative lr, and a bad lr in one group, are refused', () => {
    expect(() => new Opt([param()], { ...opts, lr: -0.1 })).toThrow(new RegExp(`^${name}: invalid lr -0\\.1, must be >= 0$`));
    expect(() => new Opt([{ params: [param()] }, { params: [param()], lr: -1 }], opts)).toThrow(new RegExp(`^${name}: invalid lr -1, must be >= 0$`));
    expect(() => new Opt([param()], { ...opts, lr: '1' })).toThrow(new RegExp(`^${name}: lr must be a number, got string$`));
    expect(() => new Opt([param()], { ...opts, weightDecay: -1e-4 })).toThrow(new RegExp(`^${name}: invalid weightDecay -0\\.0001, must be >= 0$`));
  });

  test('parameters without a gradient are skipped: no update, no weight decay, no state', () => {
    const a = param([1, 2]), b = param([3, 4]);
    const o = new Opt([a, b], { ...opts, weightDecay: 0.5 });
    a.grad = torch.tensor([0.5, -0.5]);
    o.step();
    o.step();
    expect(values(b)).toEqual([3, 4]);
    expect(o.state.has(b)).toBe(false);
    expect(o.state.has(a)).toBe(true);
    expect(values(a)).not.toEqual([1, 2]);
    expect(Object.keys(o.stateDict().state)).toEqual(['0']);
  });

  test('a step bumps the parameters\' version counters (autograd sees the in-place change) and records nothing', () => {
    const lin = new nn.Linear(2, 1);
    const o = new Opt(lin.parameters(), opts);
    const y = lin.weight.mul(2); // saves weight for its backward
    lin.forward(torch.ones([1, 2])).sum().backward();
    o.step();
    expect(lin.weight.isLeaf).toBe(true);
    expect(() => y.sum().backward()).toThrow(/modified by an inplace operation/);
  });

  test('the parameters of one group must share a dtype', () => {
    const a = param(), b = new nn.Parameter(torch.tensor([1, 2], { dtype: 'float64' }));
    const o = new Opt([a, b], opts);
    a.grad = torch.ones([2]);
    b.grad = torch.ones([2], { dtype: 'float64' });
    expect(() => o.step()).toThrow(new RegExp(`^${name}: the parameters of one group must share a dtype; got float32 and float64$`));
    expect(values(a)).toEqual([1, 2]);
    // In separate groups they are fine.
    const o2 = new Opt([{ params: [a] }, { params: [b] }], opts);
    o2.step();
    expect(values(a)).not.toEqual([1, 2]);
  });

  test('a gradient of the wrong shape is an error', () => {
    const a = param();
    const o = new Opt([a], opts);
    a._gradT = torch.ones([3]); // past the setter's own check
    expect(() => o.step()).toThrow(new RegExp(`^${name}: gradient of shape \\[3\\] does not match its parameter of shape \\[2\\]$`));
  });

  test('parameters may share one gradient tensor (it is only read), as in PyTorch', () => {
    const [a, b, c, d] = [param(), param(), param(), param()];
    const g = torch.tensor([0.5, -1]);
    a.grad = g;
    b.grad = g;
    c.grad = g.clone();
    d.grad = g.clone();
    const shared = new Opt([a, b], opts), separate = new Opt([c, d], opts);
    for (let i = 0; i < 2; i++) { shared.step(); separate.step(); }
    expect([values(a), values(b)]).toEqual([values(c), values(d)]);
    expect(values(g)).toEqual([0.5, -1]);
  });

  test('parameters sharing memory, or a gradient that is a parameter, are refused naming the optimizer', () => {
    const base = torch.zeros([4]);
    const [a, b] = [base.narrow(0, 0, 3).requiresGrad_(), base.narrow(0, 2, 2).requiresGrad_()];
    a.grad = torch.ones([3]);
    b.grad = torch.ones([2]);
    expect(() => new Opt([a, b], opts).step()).toThrow(new RegExp(`^${name}: parameters 0 and 1 share memory$`));
    const p = param(), q = param();
    p._gradT = p; // the setter refuses this; step() checks again
    expect(() => new Opt([p], opts).step()).toThrow(new RegExp(`^${name}: the gradient of parameter 0 shares memory with parameter 0$`));
    q.grad = torch.ones([2]);
    p.grad = torch.ones([2]);
    q.grad = p.detach();
    expect(() => new Opt([p, q], opts).step()).toThrow(new RegExp(`^${name}: the gradient of parameter 1 shares memory with parameter 0$`));
    expect(values(p)).toEqual([1, 2]);
  });

  test('a disposed gradient is refused naming the optimizer', () => {
    const p = param();
    p.grad = torch.ones([2]);
    p.grad.dispose();
    expect(() => new Opt([p], opts).step()).toThrow(new RegExp(`^${name}: the gradient of parameter 0 was disposed$`));
  });

  test('step() counts its calls (what the schedulers check)', () => {
    const o = new Opt([param()], opts);
    o.step();
    o.step();
    expect(o._stepCount).toBe(2);
  });

  describe('loadStateDict', () => {
    function trained(): [torch.optim.Optimizer<any>, torch.nn.Parameter[]] {
      const ps = [param([1, 2]), new nn.Parameter(torch.tensor([[1, 2], [3, 4]]))];
      const o = new Opt([{ params: [ps[0]] }, { params: [ps[1]], lr: 0.01 }], opts);
      ps[0].grad = torch.tensor([0.1, 0.2]);
      ps[1].grad = torch.tensor([[0.1, 0.2], [0.3, 0.4]]);
      o.step();
      return [o, ps];
    }

    test('mismatched groups are refused', () => {
      const [o] = trained();
      const one = new Opt([param()], opts);
      expect(() => one.loadStateDict(o.stateDict())).toThrow(new RegExp(`^${name}\\.loadStateDict: loaded state dict has 2 parameter groups, the optimizer has 1$`));
      const sizes = new Opt([{ params: [param(), param()] }, { params: [param()] }], opts);
      expect(() => sizes.loadStateDict(o.stateDict())).toThrow(/doesn't match the size of optimizer's group 0/);
      expect(() => one.loadStateDict({} as any)).toThrow(TypeError);
    });

    test('state of the wrong shape is refused, and nothing changes', () => {
      const [o] = trained();
      const fresh = new Opt([{ params: [param([5, 6, 7])] }, { params: [new nn.Parameter(torch.zeros([2, 2]))] }], opts);
      expect(() => fresh.loadStateDict(o.stateDict())).toThrow(new RegExp(`^${name}\\.loadStateDict: state '\\w+' of parameter 0 has shape \\[2\\], the parameter \\[3\\]$`));
      expect(fresh.state.size).toBe(0);
      expect(fresh.paramGroups[1].lr).toBe(opts.lr);
    });

    test('invalid options in the loaded groups are refused, and nothing changes', () => {
      const [o, ps] = trained();
      const sd = o.stateDict();
      sd.param_groups[1].lr = -3;
      const before = o.stateDict();
      expect(() => o.loadStateDict(sd)).toThrow(new RegExp(`^${name}: invalid lr -3, must be >= 0$`));
      expect(o.stateDict().param_groups).toEqual(before.param_groups);
      expect(o.state.get(ps[0])).toBeDefined();
    });

    test('a malformed state dict is refused with a clear error, and nothing changes', () => {
      const [o, ps] = trained();
      const good = o.stateDict();
      const before = JSON.stringify([o.stateDict().param_groups, Object.values(o.stateDict().state[0]).map((v) => (v instanceof torch.Tensor ? values(v) : v))]);
      const edit = (f: (sd: any) => void) => { const sd: any = o.stateDict(); f(sd); return sd; };
      const cases: [string, any, ErrorConstructor, RegExp][] = [
        ['state null', { ...good, state: null }, TypeError, /^\w+\.loadStateDict: expects \{ state, param_groups \} as stateDict\(\) returns$/],
        ['state an array', { ...good, state: [] }, TypeError, /expects \{ state, param_groups \}/],
        ['a group that is null', edit((sd) => { sd.param_groups[1] = null; }), TypeError, /^\w+\.loadStateDict: param_groups\[1\] must be an object, got null$/],
        ['a group\'s params not a list', edit((sd) => { sd.param_groups[0].params = 0; }), RangeError, /doesn't match the size of optimizer's group 0/],
        ['a parameter index given twice', edit((sd) => { sd.param_groups[1].params = [0]; }), RangeError, /param_groups\[1\]\.params\[0\] must be a unique non-negative integer index, got 0$/],
        ['state of an unknown index', edit((sd) => { sd.state[7] = sd.state[0]; }), RangeError, /^\w+\.loadStateDict: state for unknown parameter index "7"$/],
        ['state under a key that is not an index', edit((sd) => { sd.state[''] = sd.state[0]; }), RangeError, /state for unknown parameter index ""$/],
        ['state of a parameter not an object', edit((sd) => { sd.state[1] = 3; }), TypeError, /^\w+\.loadStateDict: state of parameter 1 must be an object, got number$/],
        ['a state entry neither tensor nor number', edit((sd) => { sd.state[0].extra = 'x'; }), TypeError, /state 'extra' of parameter 0 must be a Tensor or a number, got string$/],
        ['a NaN number in the state', edit((sd) => { sd.state[0].extra = NaN; }), RangeError, /^\w+\.loadStateDict: state 'extra' of parameter 0 must be a finite number, got NaN$/],
        ['a non-finite option a scheduler added', edit((sd) => { sd.param_groups[0].initialLr = Infinity; }), RangeError, /^\w+\.loadStateDict: param_groups\[0\]\.initialLr must be a finite number, got Infinity$/],
        ['a NaN lr', edit((sd) => { sd.param_groups[1].lr = NaN; }), RangeError, /invalid lr NaN, must be finite/],
      ];
      for (const [what, sd, cls, re] of cases) {
        let err: unknown;
        try { o.loadStateDict(sd); } catch (e) { err = e; }
        expect([what, err instanceof cls, (err as Error)?.message]).toEqual([what, true, expect.stringMatching(re)]);
        expect(JSON.stringify([o.stateDict().param_groups, Object.values(o.stateDict().state[0]).map((v) => (v instanceof torch.Tensor ? values(v) : v))])).toBe(before);
        expect(o.state.get(ps[1])).toBeDefined();
      }
    });

    test('an option a scheduler added (a number now) must be a number in the loaded dict', () => {
      const [o] = trained();
      new optim.lrScheduler.StepLR(o, { stepSize: 1 });
      const sd: any = o.stateDict();
      sd.param_groups[1].initialLr = 'x';
      expect(() => o.loadStateDict(sd)).toThrow(TypeError);
      expect(() => o.loadStateDict(sd)).toThrow(new RegExp(`^${name}\\.loadStateDict: param_groups\\[1\\]\\.initialLr must be a number, got string$`));
      expect((o.paramGroups[1] as any).initialLr).toBe(0.01);
    });

    test('buffers take the parameter\'s dtype (as PyTorch), the state dict is a copy both ways', () => {
      const [o, ps] = trained();
      const sd = o.stateDict();
      const p64 = [new nn.Parameter(torch.tensor([1, 2], { dtype: 'float64' })), new nn.Parameter(torch.zeros([2, 2], { dtype: 'float64' }))];
      const o64 = new Opt([{ params: [p64[0]] }, { params: [p64[1]] }], opts);
      o64.loadStateDict(sd);
      for (const [k, v] of Object.entries(o64.state.get(p64[0])!))
        if (v instanceof torch.Tensor) expect([k, v.dtype]).toEqual([k, k === 'step' ? 'float32' : 'float64']);
      p64[0].grad = torch.ones([2], { dtype: 'float64' });
      o64.step();
      // Changing the loaded dict or the source optimizer changes nothing in the other.
      const snapshot = JSON.stringify(Object.values(sd.state[0]).map((v) => (v instanceof torch.Tensor ? values(v) : v)));
      ps[0].grad = torch.ones([2]);
      o.step();
      expect(JSON.stringify(Object.values(sd.state[0]).map((v) => (v instanceof torch.Tensor ? values(v) : v)))).toBe(snapshot);
    });
  });
});

test('loadStateDict: a step count must be a finite count >= 0', () => {
  const p = param();
  const o = new optim.Adam([p], { lr: 0.1 });
  p.grad = torch.ones([2]);
  o.step();
  const sd = o.stateDict();
  sd.state[0].step = -1;
  expect(() => o.loadStateDict(sd)).toThrow(/^Adam\.loadStateDict: state 'step' of parameter 0 must be a finite count >= 0 \(a number or a one-element tensor\), got -1$/);
  sd.state[0].step = torch.zeros([2]);
  expect(() => o.loadStateDict(sd)).toThrow(/got a tensor of shape \[2\]$/);
  // A plain number (an older PyTorch's layout) is accepted and becomes a float32 tensor at the next step.
  sd.state[0].step = 1;
  o.loadStateDict(sd);
  o.step();
  const step = o.state.get(p)!.step as torch.Tensor;
  expect([step.shape, step.dtype, step.item()]).toEqual([[], 'float32', 2]);
});

describe('options objects', () => {
  test.each([
    ['SGD', () => new torch.optim.SGD([new torch.nn.Parameter(torch.ones([2]))], { lr: 0.1, momentun: 0.9 } as never)],
    ['Adam', () => new torch.optim.Adam([new torch.nn.Parameter(torch.ones([2]))], { betas1: 0.9 } as never)],
    ['AdamW', () => new torch.optim.AdamW([new torch.nn.Parameter(torch.ones([2]))], { weight_decay: 0.1 } as never)],
    ['RMSprop', () => new torch.optim.RMSprop([new torch.nn.Parameter(torch.ones([2]))], { beta: 0.9 } as never)],
  ])('%s: a misspelled option is a TypeError naming it (PyTorch: unexpected keyword argument)', (name, make) => {
    expect(make).toThrow(TypeError);
    expect(make).toThrow(new RegExp(`^${name}: unknown option '\\w+' \\(expected 'lr'`));
  });
});

describe('zeroGrad recycles gradient buffers nobody has seen', () => {
  const setup = () => {
    torch.manualSeed(0);
    const net = new torch.nn.Sequential(new torch.nn.Linear(20, 30), new torch.nn.ReLU(), new torch.nn.Linear(30, 3));
    const opt = new torch.optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
    const x = torch.randn([8, 20]);
    const step = () => {
      opt.zeroGrad();
      net.forward(x).pow(2).sum().backward();
      opt.step();
    };
    return { net, opt, step };
  };

  test('zeroGrad hands unseen gradients back to the allocator cache', () => {
    const { net, opt, step } = setup();
    step();
    const bytes = net.parameters().reduce((s, p) => s + p.numel() * 4, 0);
    const before = torch.memory().cachedBytes;
    opt.zeroGrad();
    expect(torch.memory().cachedBytes - before).toBeGreaterThanOrEqual(bytes);
    step();
    const again = torch.memory().cachedBytes;
    net.zeroGrad();
    expect(torch.memory().cachedBytes - again).toBeGreaterThanOrEqual(bytes);
  });

  test('a gradient read through .grad keeps its values after zeroGrad and later steps', () => {
    const { net, step } = setup();
    step();
    const w = net.parameters()[0];
    const held = w.grad!;
    const before = held.toArray();
    step();
    step();
    expect(held.isDisposed).toBe(false);
    expect(held.toArray()).toEqual(before);
    expect(w.grad).not.toBe(held);
  });

  test('a gradient assigned by the user is never recycled', () => {
    const { net, opt } = setup();
    const p = net.parameters()[1];
    const mine = torch.ones(p.shape);
    p.grad = mine;
    opt.zeroGrad();
    net.zeroGrad();
    expect(p.grad).toBeNull();
    expect(mine.isDisposed).toBe(false);
    expect(mine.sum().item()).toBe(30);
  });

  test('results match a run that reads every gradient (no recycling)', () => {
    const a = setup(), b = setup();
    for (let i = 0; i < 5; i++) {
      a.step();
      b.step();
      for (const p of b.net.parameters()) p.grad!.sum(); // exposes each gradient
    }
    const pa = a.net.parameters(), pb = b.net.parameters();
    pa.forEach((p, i) => expect(p.toArray()).toEqual(pb[i].toArray()));
  });
});

test('zeroGrad takes a boolean setToNone', () => {
  const opt = new torch.optim.SGD([torch.zeros([2], { requiresGrad: true })], { lr: 0.1 });
  expect(() => opt.zeroGrad('no' as never)).toThrow(new TypeError('SGD.zeroGrad: setToNone must be a boolean, got string'));
});

describe('one gradient tensor given to two parameters (PyTorch allows it: gradients are only read)', () => {
  for (const [name, make] of [
    ['SGD', (ps: torch.Tensor[]) => new torch.optim.SGD(ps, { lr: 0.1, momentum: 0.9 })],
    ['Adam', (ps: torch.Tensor[]) => new torch.optim.Adam(ps, { lr: 0.1 })],
    ['RMSprop', (ps: torch.Tensor[]) => new torch.optim.RMSprop(ps, { lr: 0.1, centered: true, momentum: 0.5 })],
  ] as const) {
    test(name, () => {
      const a = new torch.nn.Parameter(torch.tensor([1, 2])), b = new torch.nn.Parameter(torch.tensor([3, 4]));
      const c = new torch.nn.Parameter(torch.tensor([1, 2])), d = new torch.nn.Parameter(torch.tensor([3, 4]));
      const g = torch.tensor([0.5, -1]);
      a.grad = g;
      b.grad = g;
      c.grad = g.clone();
      d.grad = g.clone();
      make([a, b]).step();
      make([c, d]).step();
      expect(a.toArray()).toEqual(c.toArray());
      expect(b.toArray()).toEqual(d.toArray());
      expect(g.toArray()).toEqual([0.5, -1]);
    });
  }

  test('parameters that share memory are still refused', () => {
    const w = torch.zeros([4]);
    const a = w.narrow(0, 0, 3).requiresGrad_(), b = w.narrow(0, 2, 2).requiresGrad_();
    a.grad = torch.ones([3]);
    b.grad = torch.ones([2]);
    expect(() => new torch.optim.SGD([a, b], { lr: 0.1 }).step()).toThrow('SGD: parameters 0 and 1 share memory');
  });
});
