// nn.Module: discovery of parameters and submodules from fields, PyTorch's
// dotted names, train/eval, zeroGrad, state dicts, dtype conversion, repr.
import * as torch from 'torchlet';
import { expectClose, fixture, fromJSON, stateDictFromJSON, TwoLayers, values } from '../fixtures/nn';

const { nn } = torch;

/** PyTorch's `Net` of gen_nn.py: a Sequential, a Linear without bias, a LogSoftmax. */
class Net extends nn.Module {
  body = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU());
  head = new nn.Linear(3, 2, { bias: false });
  out = new nn.LogSoftmax(1);
  forward(x: torch.Tensor): torch.Tensor {
    return this.out.forward(this.head.forward(this.body.forward(x)));
  }
}

const names = (m: torch.nn.Module): string[] => [...m.namedParameters()].map(([k]) => k);

beforeEach(() => torch.manualSeed(0));

describe('parameters and submodules come from fields, in declaration order', () => {
  test('TwoLayers: names, order and shapes as PyTorch', () => {
    const net = new TwoLayers();
    const want = fixture.names.twoLayers;
    expect(names(net)).toEqual(want.namedParameters);
    expect(net.parameters()).toEqual([net.un.weight, net.un.bias, net.deux.weight, net.deux.bias]);
    for (const [k, p] of net.namedParameters()) expect(p.shape).toEqual(want.shapes[k]);
    expect([...net.namedModules()].map(([k]) => k)).toEqual(want.namedModules);
    expect([...net.namedChildren()].map(([k]) => k)).toEqual(['un', 'act', 'deux']);
    expect(net.children()).toEqual([net.un, net.act, net.deux]);
    expect(net.modules()).toEqual([net, net.un, net.act, net.deux]);
  });

  test('nested modules give dotted paths (body.0.weight)', () => {
    const net = new Net();
    const want = fixture.names.nested;
    expect(names(net)).toEqual(want.namedParameters);
    expect([...net.stateDict().keys()]).toEqual(want.stateDictKeys);
    expect([...net.namedModules()].map(([k]) => k)).toEqual(want.namedModules);
    expect(names(net.body)).toEqual(['0.weight', '0.bias']);
    expect([...net.namedParameters('net')].map(([k]) => k)).toEqual(want.namedParameters.map((k: string) => `net.${k}`));
  });

  test('recurse = false lists only the module\'s own parameters', () => {
    class Own extends nn.Module {
      scale = new nn.Parameter(torch.ones([3]));
      inner = new nn.Linear(3, 3);
      forward(x: torch.Tensor) { return this.inner.forward(x).mul(this.scale); }
    }
    const m = new Own();
    expect(names(m)).toEqual(['scale', 'inner.weight', 'inner.bias']);
    expect(m.parameters(false)).toEqual([m.scale]);
  });

  test('plain tensors, numbers and strings are not parameters; Parameter fields are', () => {
    class Mixed extends nn.Module {
      n = 3;
      label = 'mixed';
      constant = torch.ones([2]);
      w = new nn.Parameter(torch.zeros([2, 2]));
      forward(x: torch.Tensor) { return x; }
    }
    const m = new Mixed();
    expect(names(m)).toEqual(['w']);
    expect(m.w.requiresGrad).toBe(true);
    expect(m.constant.requiresGrad).toBe(false);
    expect(m.children()).toEqual([]);
  });

  test('a module or parameter reachable twice is listed once (tied weights)', () => {
    class Tied extends nn.Module {
      enc = new nn.Linear(4, 4);
      dec = this.enc;
      extra = new nn.Linear(4, 2);
      forward(x: torch.Tensor) { return this.extra.forward(this.dec.forward(this.enc.forward(x))); }
    }
    const m = new Tied();
    expect(names(m)).toEqual(['enc.weight', 'enc.bias', 'extra.weight', 'extra.bias']);
    expect(m.modules()).toHaveLength(3);

    class SharedParam extends nn.Module {
      a = new nn.Linear(3, 3, { bias: false });
      b = new nn.Linear(3, 3, { bias: false });
      constructor() {
        super();
        this.b.weight = this.a.weight;
      }
      forward(x: torch.Tensor) { return this.b.forward(this.a.forward(x)); }
    }
    expect(names(new SharedParam())).toEqual(['a.weight']);
  });

  test('an array field of modules is walked like a ModuleList (layers.0.weight)', () => {
    class Stack extends nn.Module {
      layers = [new nn.Linear(2, 3), new nn.Tanh(), new nn.Linear(3, 1)];
      forward(x: torch.Tensor) { return this.layers.reduce((h, l) => l.forward(h), x); }
    }
    expect(names(new Stack())).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.2.weight', 'layers.2.bias']);
  });

  test('call() is forward', () => {
    const net = new TwoLayers();
    const x = torch.randn([3, 13]);
    expect(values(net.call(x))).toEqual(values(net.forward(x)));
  });

  test('apply visits children first, then the module (PyTorch order)', () => {
    const net = new Net();
    const seen: string[] = [];
    const nameOf = new Map([...net.namedModules()].map(([k, m]) => [m, k || '<root>']));
    expect(net.apply((m) => seen.push(nameOf.get(m)!))).toBe(net);
    expect(seen).toEqual(['body.0', 'body.1', 'body', 'head', 'out', '<root>']);
  });
});

describe('train / eval', () => {
  test('propagate to every submodule and return the module', () => {
    const net = new Net();
    expect(net.modules().every((m) => m.training)).toBe(true);
    expect(net.eval()).toBe(net);
    expect(net.modules().map((m) => m.training)).toEqual(net.modules().map(() => false));
    expect(net.train()).toBe(net);
    expect(net.modules().every((m) => m.training)).toBe(true);
    net.train(false);
    expect(net.body.get(1).training).toBe(false);
    expect(net.training).toBe(false);
  });

  test('training is not a parameter, child or state', () => {
    const net = new TwoLayers();
    expect([...net.stateDict().keys()]).not.toContain('training');
    expect(net.children()).toHaveLength(3);
  });
});

describe('zeroGrad', () => {
  test('clears every gradient to null, or zeros in place with setToNone = false', () => {
    const net = new TwoLayers();
    net.forward(torch.randn([4, 13])).sum().backward();
    for (const p of net.parameters()) expect(p.grad).not.toBeNull();
    const g0 = net.un.weight.grad!;
    net.zeroGrad(false);
    expect(net.un.weight.grad === g0).toBe(true);
    for (const p of net.parameters()) expect(values(p.grad!).every((v) => v === 0)).toBe(true);
    net.zeroGrad();
    for (const p of net.parameters()) expect(p.grad).toBeNull();
    net.zeroGrad(); // nothing to clear: no error
  });

  test('gradients accumulate across backward calls until zeroGrad', () => {
    const net = new TwoLayers();
    const x = torch.randn([4, 13]);
    net.forward(x).sum().backward();
    const once = values(net.deux.bias!.grad!);
    net.forward(x).sum().backward();
    expectClose(values(net.deux.bias!.grad!), once.map((v) => 2 * v));
    net.zeroGrad();
    net.forward(x).sum().backward();
    expectClose(values(net.deux.bias!.grad!), once);
  });
});

describe('forward and gradients match PyTorch (the course\'s TwoLayers)', () => {
  test('output, MSE loss and parameter gradients', () => {
    const fx = fixture.twoLayers;
    const net = new TwoLayers();
    net.loadStateDict(stateDictFromJSON(fx.params));
    const out = net.forward(fromJSON(fx.x));
    expect(out.shape).toEqual(fx.output.shape);
    expectClose(out, fx.output.data, { atol: 1e-6, rtol: 1e-5 });
    const loss = new nn.MSELoss().forward(out, fromJSON(fx.y));
    expect(loss.item()).toBeCloseTo(fx.loss, 5);
    loss.backward();
    for (const [k, p] of net.namedParameters()) {
      expect(p.grad!.shape).toEqual(fx.grads[k].shape);
      expectClose(p.grad!, fx.grads[k].data, { atol: 1e-6, rtol: 1e-4, what: `grad of ${k}` });
    }
  });
});

describe('stateDict / loadStateDict', () => {
  test('keys are PyTorch\'s; values share storage with the module and do not require grad', () => {
    const net = new TwoLayers();
    const sd = net.stateDict();
    expect(sd).toBeInstanceOf(Map);
    expect([...sd.keys()]).toEqual(fixture.names.twoLayers.stateDictKeys);
    const w = sd.get('un.weight')!;
    expect(w.requiresGrad).toBe(false);
    expect(w.shape).toEqual([5, 13]);
    torch.noGrad(() => net.un.weight.fill_(0.25));
    expect(values(w).every((v) => v === 0.25)).toBe(true);
  });

  test('round trip: a second network loads the first and computes the same', () => {
    const a = new TwoLayers();
    torch.manualSeed(99);
    const b = new TwoLayers();
    const x = torch.randn([7, 13]);
    expect(values(b.forward(x))).not.toEqual(values(a.forward(x)));
    const params = b.parameters();
    const res = b.loadStateDict(a.stateDict());
    expect(b.parameters().every((p, i) => p === params[i])).toBe(true); // loaded in place
    expect(res).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(values(b.forward(x))).toEqual(values(a.forward(x)));
    for (const [k, p] of b.namedParameters()) {
      expect(p.requiresGrad).toBe(true);
    }
    // A copy, not shared: changing a afterwards leaves b alone.
    const before = values(b.un.weight);
    torch.noGrad(() => a.un.weight.add_(1));
    expect(values(b.un.weight)).toEqual(before);
  });

  test('accepts a plain object, and PyTorch\'s own weights (from gen_nn.py)', () => {
    const net = new TwoLayers();
    const obj = Object.fromEntries(stateDictFromJSON(fixture.twoLayers.params));
    net.loadStateDict(obj);
    expect(values(net.deux.bias!)).toEqual(fixture.twoLayers.params['deux.bias'].data);
  });

  test('float64 values are cast into a float32 module', () => {
    const net = new TwoLayers();
    const sd = stateDictFromJSON(fixture.twoLayers.params, 'float64');
    net.loadStateDict(sd);
    expect(net.un.weight.dtype).toBe('float32');
    expect(values(net.un.weight)).toEqual(fixture.twoLayers.params['un.weight'].data);
  });

  describe('strict (default) errors name the keys; nothing is loaded on error', () => {
    const snapshot = (m: torch.nn.Module) => [...m.stateDict()].map(([k, v]) => [k, values(v)]);

    test('missing key', () => {
      const net = new TwoLayers();
      const before = snapshot(net);
      const sd = new TwoLayers().stateDict();
      torch.noGrad(() => sd.get('un.weight')!.fill_(7)); // would change un.weight if it were loaded
      sd.delete('deux.bias');
      expect(() => net.loadStateDict(sd)).toThrow(
        /^loadStateDict: error\(s\) in loading state_dict for TwoLayers:\n\tMissing key\(s\) in state_dict: "deux\.bias"\.$/);
      expect(snapshot(net)).toEqual(before);
    });

    test('unexpected key', () => {
      const net = new TwoLayers();
      const before = snapshot(net);
      const sd = new TwoLayers().stateDict();
      sd.set('trois.weight', torch.zeros([1, 5]));
      sd.set('extra', torch.zeros([1]));
      expect(() => net.loadStateDict(sd)).toThrow(/Unexpected key\(s\) in state_dict: "trois\.weight", "extra"\./);
      expect(snapshot(net)).toEqual(before);
    });

    test('mis-shaped value (an error even when not strict)', () => {
      const net = new TwoLayers();
      const before = snapshot(net);
      const sd = new TwoLayers().stateDict();
      sd.set('un.weight', torch.zeros([5, 12]));
      const msg = /size mismatch for un\.weight: copying a param with shape \[5, 12\] from checkpoint, the shape in current model is \[5, 13\]\./;
      expect(() => net.loadStateDict(sd)).toThrow(msg);
      expect(() => net.loadStateDict(sd, { strict: false })).toThrow(msg);
      expect(snapshot(net)).toEqual(before);
    });

    test('all problems are reported together', () => {
      const net = new TwoLayers();
      const sd = new TwoLayers().stateDict();
      sd.delete('un.bias');
      sd.set('zzz', torch.zeros([1]));
      sd.set('deux.weight', torch.zeros([5]));
      let msg = '';
      try {
        net.loadStateDict(sd);
      } catch (e) {
        msg = (e as Error).message;
      }
      expect(msg).toMatch(/Missing key\(s\) in state_dict: "un\.bias"\.\n\tUnexpected key\(s\) in state_dict: "zzz"\.\n\tsize mismatch for deux\.weight/);
    });

    test('a value that is not a Tensor', () => {
      const net = new TwoLayers();
      const sd: Record<string, unknown> = Object.fromEntries(net.stateDict());
      sd['un.bias'] = [1, 2, 3, 4, 5];
      expect(() => net.loadStateDict(sd as Record<string, torch.Tensor>)).toThrow(/value for un\.bias is not a Tensor/);
    });
  });

  test('strict: false loads what matches and returns the missing and unexpected keys', () => {
    const src = new TwoLayers();
    const net = new TwoLayers();
    const sd = src.stateDict();
    sd.delete('deux.weight');
    sd.delete('deux.bias');
    sd.set('head.weight', torch.zeros([2, 5]));
    const before = values(net.deux.weight);
    const res = net.loadStateDict(sd, { strict: false });
    expect(res).toEqual({ missingKeys: ['deux.weight', 'deux.bias'], unexpectedKeys: ['head.weight'] });
    expect(values(net.un.weight)).toEqual(values(src.un.weight));
    expect(values(net.deux.weight)).toEqual(before);
  });
});

describe('buffers', () => {
  class WithBuffers extends nn.Module {
    lin = new nn.Linear(2, 2);
    constructor() {
      super();
      this.registerBuffer('runningMean', torch.zeros([2]));
      this.registerBuffer('scratch', torch.ones([2]), false);
    }
    forward(x: torch.Tensor) { return this.lin.forward(x).sub((this as any).runningMean); }
  }

  test('persistent buffers are state but not parameters; non-persistent ones are neither', () => {
    const m = new WithBuffers();
    expect(names(m)).toEqual(['lin.weight', 'lin.bias']);
    expect([...m.namedBuffers()].map(([k, , p]) => [k, p])).toEqual([['runningMean', true], ['scratch', false]]);
    // PyTorch's order: the module's own parameters and buffers first, then its children's.
    expect([...m.stateDict().keys()]).toEqual(['runningMean', 'lin.weight', 'lin.bias']);
    const sd = m.stateDict();
    sd.set('runningMean', torch.tensor([3, 4]));
    m.loadStateDict(sd);
    expect(values((m as any).runningMean)).toEqual([3, 4]);
    m.double();
    expect((m as any).runningMean.dtype).toBe('float64');
  });
});

describe('toString is PyTorch\'s repr', () => {
  test.each(['twoLayers', 'nested'])('%s', (k) => {
    const m = k === 'twoLayers' ? new TwoLayers() : new Net();
    expect(m.toString()).toBe(fixture.names[k].repr);
    expect(String(m)).toBe(fixture.names[k].repr);
  });

  test('starts like the course\'s example', () => {
    expect(new TwoLayers().toString()).toMatch(/^TwoLayers\(\n {2}\(un\): Linear\(in_features=13, out_features=5, bias=True\)\n {2}\(act\): Tanh\(\)\n/);
  });

  test('util.inspect (console.log) shows the repr', () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { inspect } = require('util');
    expect(inspect(new TwoLayers())).toBe(fixture.names.twoLayers.repr);
  });
});

describe('double() / float() / to()', () => {
  test('converts every parameter, keeps requiresGrad and the names', () => {
    const net = new TwoLayers();
    const before = values(net.un.weight);
    expect(net.double()).toBe(net);
    for (const p of net.parameters()) {
      expect(p.dtype).toBe('float64');
      expect(p.requiresGrad).toBe(true);
      expect(p).toBeInstanceOf(nn.Parameter);
    }
    expect(names(net)).toEqual(fixture.names.twoLayers.namedParameters);
    expect(values(net.un.weight)).toEqual(before); // float32 -> float64 is exact
    expect(net.forward(torch.randn([2, 13], { dtype: 'float64' })).dtype).toBe('float64');
    net.float();
    expect(net.parameters().every((p) => p.dtype === 'float32')).toBe(true);
    expect(values(net.un.weight)).toEqual(before);
  });

  test('tied parameters stay tied', () => {
    class Tied extends nn.Module {
      a = new nn.Linear(3, 3, { bias: false });
      b = new nn.Linear(3, 3, { bias: false });
      constructor() {
        super();
        this.b.weight = this.a.weight;
      }
      forward(x: torch.Tensor) { return this.b.forward(this.a.forward(x)); }
    }
    const m = new Tied().double();
    expect(m.b.weight === m.a.weight).toBe(true); // (toBe's diff of two tensors is unreadable)
    expect(m.parameters()).toHaveLength(1);
    expect(m.a.weight.dtype).toBe('float64');
  });

  test('gradcheck through a whole small network in float64', () => {
    class Small extends nn.Module {
      l1 = new nn.Linear(3, 4);
      act = new nn.Tanh();
      l2 = new nn.Linear(4, 2);
      out = new nn.LogSoftmax(1);
      forward(x: torch.Tensor) { return this.out.forward(this.l2.forward(this.act.forward(this.l1.forward(x)))); }
    }
    const net = new Small().double();
    const x = torch.randn([5, 3], { dtype: 'float64', requiresGrad: true });
    // The parameters are gradcheck inputs too: it perturbs their storage in place.
    expect(torch.autograd.gradcheck((xx) => net.forward(xx), [x, ...net.parameters()])).toBe(true);
    const target = torch.tensor([0, 1, 1, 0, 1], { dtype: 'int32' });
    const lossOf = (xx: torch.Tensor) => nn.functional.crossEntropy(net.l2.forward(net.act.forward(net.l1.forward(xx))), target);
    expect(torch.autograd.gradcheck(lossOf, [x, ...net.parameters()])).toBe(true);
  });
});

describe('loadStateDict options', () => {
  test("strict may be passed positionally, like PyTorch's load_state_dict(sd, False)", () => {
    const a = new torch.nn.Linear(2, 2);
    const sd = a.stateDict();
    sd.delete('bias');
    expect(() => a.loadStateDict(sd)).toThrow(/Missing key/i);
    expect(a.loadStateDict(sd, false).missingKeys).toEqual(['bias']);
    expect(a.loadStateDict(sd, { strict: false }).missingKeys).toEqual(['bias']);
    expect(() => a.loadStateDict(sd, { strict: 'no' as unknown as boolean })).toThrow(/^loadStateDict: strict must be a boolean, got string/);
  });
});

describe('boolean flags', () => {
  test('a non-boolean flag is a TypeError naming the layer and the flag, never read as truthy', () => {
    const F = nn.functional;
    const cases: [() => unknown, RegExp][] = [
      [() => new nn.Linear(2, 3, { bias: 'no' as unknown as boolean }), /^Linear: bias must be a boolean \(true or false\), got "no" \(a string\)$/],
      [() => new nn.BatchNorm1d(3, { affine: 1 as unknown as boolean }), /^BatchNorm1d: affine must be a boolean \(true or false\), got 1 \(a number\)$/],
      [() => new nn.BatchNorm1d(3, { trackRunningStats: 'false' as unknown as boolean }), /^BatchNorm1d: trackRunningStats must be a boolean/],
      [() => new nn.LayerNorm(3, { elementwiseAffine: null as unknown as boolean }), /^LayerNorm: elementwiseAffine must be a boolean \(true or false\), got null$/],
      [() => new nn.Linear(2, 3).train('yes' as unknown as boolean), /^train: mode must be a boolean/],
      [() => new nn.Linear(2, 3).zeroGrad(0 as unknown as boolean), /^zeroGrad: setToNone must be a boolean/],
      [() => F.dropout(torch.ones([2]), 0.5, 0 as unknown as boolean), /^dropout: training must be a boolean/],
      [() => F.batchNorm(torch.ones([2, 3]), null, null, { training: 1 as unknown as boolean }), /^batchNorm: training must be a boolean/],
    ];
    for (const [f, re] of cases) {
      expect(f).toThrow(TypeError);
      expect(f).toThrow(re);
    }
    // undefined takes the default; real booleans work.
    expect(new nn.Linear(2, 3, { bias: false }).bias).toBe(null);
    expect(new nn.Linear(2, 3, { bias: undefined }).bias).not.toBe(null);
    expect(new nn.BatchNorm1d(3, { affine: false, trackRunningStats: false }).weight).toBe(null);
  });
});

describe('loadStateDict options are strict', () => {
  test('an unknown key is a TypeError; a boolean is still the positional strict', () => {
    const m = new torch.nn.Linear(2, 2);
    expect(() => m.loadStateDict(m.stateDict(), { strcit: false } as never)).toThrow(/^loadStateDict: unknown option 'strcit'; valid options: 'strict'/);
    expect(() => m.loadStateDict(m.stateDict(), 'no' as never)).toThrow(/^loadStateDict: options must be an object like \{ strict: false \}/);
    expect(m.loadStateDict(m.stateDict(), false)).toBeDefined();
  });
});
