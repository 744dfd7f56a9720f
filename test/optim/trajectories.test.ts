// Adam, AdamW, RMSprop and SGD against PyTorch 1.13, step for step
// (gen_optim.py's `optimizers` section): several option sets, two parameter
// groups, a parameter with a gradient every other step and one never; the
// final state in PyTorch's layout; and a state dict saved mid-training that
// continues the trajectory exactly.
import * as torch from 'torchlet';
import { expectClose, values } from '../fixtures/nn';
import { follow, makeParams, NAMES, OptimConfig, optimFixture, paramsArg, STATE_TOL32, STATE_TOL64, STEPS } from './fixture';

const { optim } = torch;
type Ctor = new (params: any, opts?: any) => torch.optim.Optimizer<any>;
const CLASSES: Record<string, Ctor> = { Adam: optim.Adam, AdamW: optim.AdamW, RMSprop: optim.RMSprop, SGD: optim.SGD };

const cases: [string, string, OptimConfig][] = [];
for (const [cls, configs] of Object.entries(optimFixture.optimizers as Record<string, OptimConfig[]>))
  for (const c of configs) cases.push([cls, c.name, c]);

describe.each(cases)('%s %s matches PyTorch', (cls, _name, c) => {
  test.each(['float32', 'float64'] as const)(`%s: ${STEPS} steps, then the state in PyTorch's layout`, (dtype) => {
    const p = makeParams(dtype);
    const opt = new CLASSES[cls](paramsArg(c, p), c.options);
    follow(opt, p, dtype, c[dtype], 0, STEPS);
    // The parameter without a gradient never moved and has no state.
    expect(opt.state.has(p.unused)).toBe(false);
    const sd = opt.stateDict();
    const want = c[dtype].state;
    expect(Object.keys(sd.state).sort()).toEqual(Object.keys(want).sort());
    const tol = dtype === 'float32' ? STATE_TOL32 : STATE_TOL64;
    for (const [k, s] of Object.entries(want)) {
      expect(Object.keys(sd.state[Number(k)])).toEqual(Object.keys(s));
      for (const [name, v] of Object.entries(s)) {
        const got = sd.state[Number(k)][name];
        if (typeof v === 'number') expect(got).toBe(v);
        else {
          expect(got).toBeInstanceOf(torch.Tensor);
          const t = got as torch.Tensor;
          expect(t.shape).toEqual(v.shape);
          // PyTorch 1.13 keeps Adam's step as a float32 0-d tensor whatever the parameters' dtype.
          expect(t.dtype).toBe(name === 'step' ? 'float32' : dtype);
          expectClose(values(t), v.data, { ...tol, what: `state ${k}.${name}` });
        }
      }
    }
  });

  test('float64: a state dict saved after 4 steps, loaded into a fresh optimizer, continues exactly', () => {
    const a = makeParams('float64');
    const optA = new CLASSES[cls](paramsArg(c, a), c.options);
    follow(optA, a, 'float64', c.float64, 0, 4);
    const saved = optA.stateDict();
    // A new process: fresh parameters (loaded with the saved values) and a fresh optimizer.
    const b = makeParams('float64');
    for (const k of NAMES) b[k].detach().copy_(a[k]);
    const optB = new CLASSES[cls](paramsArg(c, b), { lr: 123 });
    optB.loadStateDict(saved);
    follow(optB, b, 'float64', c.float64, 4, STEPS);
    follow(optA, a, 'float64', c.float64, 4, STEPS);
    for (const k of NAMES) expect(values(b[k])).toEqual(values(a[k]));
  });
});
