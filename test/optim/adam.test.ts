// optim.Adam and optim.AdamW: options and their checks, the update rule on a
// hand-computed step, the state's layout (PyTorch 1.13's names, step as a
// float32 0-d tensor), per-parameter step counts. Trajectories against
// PyTorch are in trajectories.test.ts.
import * as torch from 'torchlet';
import { expectClose, values } from '../fixtures/nn';

const { nn, optim } = torch;
const p2 = () => [new nn.Parameter(torch.zeros([2]))];

describe.each([['Adam', optim.Adam], ['AdamW', optim.AdamW]] as const)('%s', (name, Opt) => {
  test('PyTorch\'s defaults', () => {
    const o = new Opt(p2());
    const { params: _p, ...g } = o.paramGroups[0];
    expect(g).toEqual({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: name === 'AdamW' ? 0.01 : 0, amsgrad: false, maximize: false });
  });

  test.each([
    [{ lr: -0.1 }, RangeError, /invalid lr -0\.1, must be >= 0$/],
    [{ eps: -1e-8 }, RangeError, /invalid eps -1e-8, must be >= 0$/],
    [{ betas: [1, 0.999] }, RangeError, /invalid betas\[0\] 1, must be in \[0, 1\)$/],
    [{ betas: [0.9, -0.1] }, RangeError, /invalid betas\[1\] -0\.1, must be in \[0, 1\)$/],
    [{ betas: [0.9, 1.5] }, RangeError, /invalid betas\[1\] 1\.5, must be in \[0, 1\)$/],
    [{ betas: [0.9] }, TypeError, /betas must be an array of two numbers, got an array of length 1$/],
    [{ betas: 0.9 }, TypeError, /betas must be an array of two numbers, got number$/],
    [{ betas: [0.9, NaN] }, RangeError, /invalid betas\[1\] NaN, must be finite$/],
    [{ weightDecay: -0.01 }, RangeError, /invalid weightDecay -0\.01, must be >= 0$/],
    [{ amsgrad: 1 }, TypeError, /amsgrad must be a boolean, got number$/],
    [{ maximize: 'yes' }, TypeError, /maximize must be a boolean, got string$/],
  ] as [Record<string, unknown>, ErrorConstructor, RegExp][])('%o is refused', (opts, cls, re) => {
    expect(() => new Opt(p2(), opts as any)).toThrow(cls);
    expect(() => new Opt(p2(), opts as any)).toThrow(new RegExp(`^${name}: ${re.source}`));
  });

  test('betas 0 is allowed (PyTorch\'s range is [0, 1))', () => {
    expect(() => new Opt(p2(), { betas: [0, 0] })).not.toThrow();
  });

  test('two steps by hand (float64), with weight decay', () => {
    const lr = 0.1, b1 = 0.9, b2 = 0.99, eps = 1e-8, wd = 0.1;
    const p = new nn.Parameter(torch.tensor([1, -2], { dtype: 'float64' }));
    const o = new Opt([p], { lr, betas: [b1, b2], eps, weightDecay: wd });
    const ref = [1, -2], m = [0, 0], v = [0, 0];
    const grads = [[0.5, 0.25], [-0.1, 0.3]];
    for (let t = 1; t <= 2; t++) {
      p.grad = torch.tensor(grads[t - 1], { dtype: 'float64' });
      o.step();
      for (let i = 0; i < 2; i++) {
        let g = grads[t - 1][i];
        if (name === 'AdamW') ref[i] *= 1 - lr * wd;
        else g += wd * ref[i];
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        ref[i] -= (lr / (1 - b1 ** t)) * m[i] / (Math.sqrt(v[i]) / Math.sqrt(1 - b2 ** t) + eps);
      }
      expectClose(values(p), ref, { atol: 1e-15, rtol: 1e-14 });
    }
  });

  test('maximize climbs: the first step moves by lr in the gradient\'s direction', () => {
    const p = new nn.Parameter(torch.tensor([0, 0]));
    const o = new Opt([p], { lr: 0.1, maximize: true, weightDecay: 0 });
    p.grad = torch.tensor([2, -3]);
    o.step();
    expectClose(values(p), [0.1, -0.1], { atol: 1e-7, rtol: 1e-6 });
  });

  test('state: PyTorch 1.13\'s names, step a float32 0-d tensor per parameter; amsgrad adds max_exp_avg_sq', () => {
    const a = new nn.Parameter(torch.zeros([2, 3])), b = new nn.Parameter(torch.zeros([3]));
    const o = new Opt([a, b], { lr: 0.1, amsgrad: true });
    a.grad = torch.ones([2, 3]);
    o.step();
    b.grad = torch.ones([3]);
    o.step();
    const sd = o.stateDict();
    expect(Object.keys(sd.state[0])).toEqual(['step', 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq']);
    const step0 = sd.state[0].step as torch.Tensor, step1 = sd.state[1].step as torch.Tensor;
    expect([step0.shape, step0.dtype, step0.item()]).toEqual([[], 'float32', 2]);
    expect(step1.item()).toBe(1); // b had a gradient at one step only: its own bias corrections
    expect((sd.state[0].exp_avg as torch.Tensor).shape).toEqual([2, 3]);
    expect(sd.param_groups).toEqual([{ lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: name === 'AdamW' ? 0.01 : 0, amsgrad: true, maximize: false, params: [0, 1] }]);
    // The betas array is a copy.
    (sd.param_groups[0].betas as number[])[0] = 0;
    expect(o.paramGroups[0].betas).toEqual([0.9, 0.999]);
  });

  test('amsgrad switched on later starts its max buffer at zero (PyTorch would fail)', () => {
    const p = new nn.Parameter(torch.zeros([2]));
    const o = new Opt([p], { lr: 0.1 });
    p.grad = torch.ones([2]);
    o.step();
    o.paramGroups[0].amsgrad = true;
    o.step();
    expect(values(o.state.get(p)!.max_exp_avg_sq as torch.Tensor)).toEqual(values(o.state.get(p)!.exp_avg_sq as torch.Tensor));
  });

  test('a refused native call changes neither the parameters nor the step counts', () => {
    const p = new nn.Parameter(torch.zeros([2]));
    const o = new Opt([p], { lr: 0.1 });
    p.grad = torch.ones([2]);
    o.step();
    o.state.get(p)!.exp_avg = p.detach(); // shares the parameter's memory: the native call refuses it
    expect(() => o.step()).toThrow(/adamStepMany: 'params\[0\]' and 'expAvgs\[0\]' overlap in memory|adamStepMany: 'expAvgs\[0\]' and 'params\[0\]' overlap in memory/);
    expect((o.state.get(p)!.step as torch.Tensor).item()).toBe(1);
  });
});

test('Adam\'s weight decay is an L2 term Adam rescales, AdamW\'s is decoupled: they differ', () => {
  const run = (Opt: typeof optim.Adam | typeof optim.AdamW) => {
    const p = new nn.Parameter(torch.tensor([1, 1]));
    const o = new Opt([p], { lr: 0.1, weightDecay: 0.5 });
    p.grad = torch.tensor([0.1, 0]);
    o.step();
    return values(p);
  };
  // Adam: g = 0 + 0.5 * 1 for the second element, a full lr step; AdamW: only the decay 1 - 0.05.
  expectClose(run(optim.Adam), [0.9, 0.9], { atol: 1e-6, rtol: 1e-6 });
  expectClose(run(optim.AdamW), [0.95 - 0.1, 0.95], { atol: 1e-6, rtol: 1e-6 });
});
