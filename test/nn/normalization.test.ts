// BatchNorm1d and LayerNorm against PyTorch 1.13 (layers.json 'batchnorm' and
// 'layernorm'): three training steps (outputs; gradients of input, weight and
// bias; running statistics and num_batches_tracked after each step), then an
// eval forward; the state dict keys, the reprs; layer norm of inputs near 1e4;
// and every bad input with its message.
import * as torch from 'torchlet';
import { expectMatch, layers, toTensor } from './layers_fixture';
import { values } from '../fixtures/nn';

const { nn } = torch;
const F = nn.functional;

/** float32 batch norm: PyTorch's own kernel rounds x * alpha + beta in float32 (alpha = invstd * w). */
const BN32 = { rtol: 1e-5, atol: 1e-5 };
const tolOf = (dtype: string) => (dtype === 'float32' ? BN32 : undefined);

describe('BatchNorm1d matches PyTorch', () => {
  const cases: any[] = layers.batchnorm;
  test.each(cases.map((c) => [`${c.name} ${JSON.stringify(c.shape)} ${c.dtype}`, c]))('%s', (_n, c) => {
    const o = c.options;
    const m = new nn.BatchNorm1d(c.shape[1], { eps: o.eps, momentum: o.momentum, affine: o.affine, trackRunningStats: o.trackRunningStats, dtype: c.dtype });
    if (o.affine) torch.noGrad(() => { m.weight!.copy_(toTensor(c.weight)); m.bias!.copy_(toTensor(c.bias)); });
    expect([...m.stateDict().keys()]).toEqual(c.stateDictKeys);
    expect(m.toString()).toBe(c.repr);
    const tol = tolOf(c.dtype);
    for (const [i, s] of (c.steps as any[]).entries()) {
      const x = toTensor(s.x, true);
      m.zeroGrad();
      const y = m.forward(x);
      expect(y.gradFn?.name).toBe(s.gradFn);
      expectMatch(y, s.y, `step ${i} output`, tol);
      y.backward(toTensor(s.gout));
      expectMatch(x.grad, s.gx, `step ${i} input gradient`, tol);
      if (o.affine) {
        expectMatch(m.weight!.grad, s.gweight, `step ${i} weight gradient`, tol);
        expectMatch(m.bias!.grad, s.gbias, `step ${i} bias gradient`, tol);
      }
      if (o.trackRunningStats) {
        expectMatch(m.runningMean, s.runningMean, `step ${i} running mean`, tol);
        expectMatch(m.runningVar, s.runningVar, `step ${i} running var`, tol);
        expect(m.numBatchesTracked!.dtype).toBe('int32');
        expect(m.numBatchesTracked!.item()).toBe(s.numBatchesTracked);
      } else {
        expect(m.runningMean).toBeNull();
      }
    }
    m.eval();
    const x = toTensor(c.eval.x, true);
    const y = m.forward(x);
    expectMatch(y, c.eval.y, 'eval output', tol);
    y.backward(toTensor(c.eval.gout));
    expectMatch(x.grad, c.eval.gx, 'eval input gradient', tol);
  });
});

describe('LayerNorm matches PyTorch', () => {
  const cases: any[] = layers.layernorm.cases;
  test.each(cases.map((c) => [`${c.name} ${JSON.stringify(c.shape)} ${c.dtype}`, c]))('%s', (_n, c) => {
    const m = new nn.LayerNorm(c.normalizedShape, { elementwiseAffine: c.affine, dtype: c.dtype });
    if (c.affine) torch.noGrad(() => { m.weight!.copy_(toTensor(c.weight)); m.bias!.copy_(toTensor(c.bias)); });
    expect(m.toString()).toBe(c.repr);
    const x = toTensor(c.x, true);
    const y = m.forward(x);
    expect(y.gradFn?.name).toBe(c.gradFn);
    expectMatch(y, c.y, 'output', tolOf(c.dtype));
    y.backward(toTensor(c.gout));
    expectMatch(x.grad, c.gx, 'input gradient', tolOf(c.dtype));
    if (c.affine) {
      expectMatch(m.weight!.grad, c.gweight, 'weight gradient', tolOf(c.dtype));
      expectMatch(m.bias!.grad, c.gbias, 'bias gradient', tolOf(c.dtype));
    }
  });

  test('float32 inputs near 1e4 with unit spread normalise as in exact arithmetic (no cancellation)', () => {
    const { x, y } = layers.layernorm.bigOffset;
    const out = F.layerNorm(toTensor(x), 64);
    // The exact answer rounded to float32, within 2 ulps of values of size ~1.
    expectMatch(out, { ...y, dtype: 'float32' }, 'layerNorm(1e4 + randn)', { rtol: 0, atol: 3e-7 });
    const naive = toTensor(x).sub(toTensor(x).mean(1, true)).div(toTensor(x).var(1, { correction: 0, keepdim: true }).add(1e-5).sqrt());
    expect(naive.shape).toEqual([3, 64]);
  });
});

describe('bad input', () => {
  test('BatchNorm1d: wrong channel count or rank', () => {
    const bn = new nn.BatchNorm1d(3);
    expect(() => bn.forward(torch.zeros([4, 5]))).toThrow(RangeError);
    expect(() => bn.forward(torch.zeros([4, 5]))).toThrow(
      /^BatchNorm1d: expected input with 3 channels in dim 1 \(numFeatures\), got 5 \(input \[4, 5\]\)$/);
    expect(() => bn.forward(torch.zeros([4, 3, 2, 2]))).toThrow(/^BatchNorm1d: expected 2D or 3D input \(got 4D input of shape \[4, 3, 2, 2\]\)$/);
    expect(() => bn.forward(torch.zeros([3]))).toThrow(/^BatchNorm1d: expected 2D or 3D input \(got 1D input of shape \[3\]\)$/);
    expect(() => new nn.BatchNorm1d(0)).toThrow(/^BatchNorm1d: numFeatures must be a positive integer, got 0$/);
    expect(() => new nn.BatchNorm1d(3, { momentum: 2 })).toThrow(/^BatchNorm1d: momentum must be a number in \[0, 1\] or null, got 2$/);
  });

  test('BatchNorm1d: one value per channel in training is PyTorch\'s error; (1, C, 2) and eval are fine', () => {
    const bn = new nn.BatchNorm1d(3);
    expect(() => bn.forward(torch.zeros([1, 3]))).toThrow(RangeError);
    expect(() => bn.forward(torch.zeros([1, 3]))).toThrow(/^BatchNorm1d: Expected more than 1 value per channel when training, got input size \[1, 3\]$/);
    expect(() => bn.forward(torch.zeros([1, 3, 1]))).toThrow(/^BatchNorm1d: Expected more than 1 value per channel when training, got input size \[1, 3, 1\]$/);
    expect(() => F.batchNorm(torch.zeros([1, 3]), null, null, { training: true })).toThrow(
      /^batchNorm: Expected more than 1 value per channel when training, got input size \[1, 3\]$/);
    expect(bn.numBatchesTracked!.item()).toBe(0); // the refused batch left the state alone
    expect(bn.forward(torch.ones([1, 3, 2])).shape).toEqual([1, 3, 2]);
    bn.eval();
    expect(bn.forward(torch.ones([1, 3])).shape).toEqual([1, 3]);
  });

  test('BatchNorm1d: a refused call leaves the running statistics and the batch count alone', () => {
    for (const momentum of [0.1, null]) {
      const bn = new nn.BatchNorm1d(3, { momentum });
      bn.forward(torch.randn([4, 3]));
      const before = () => [values(bn.runningMean!), values(bn.runningVar!), bn.numBatchesTracked!.item()];
      const state = before();
      expect(() => bn.forward(torch.zeros([1, 3]))).toThrow(/^BatchNorm1d: Expected more than 1 value/);
      expect(() => bn.forward(torch.zeros([4, 5]))).toThrow(/^BatchNorm1d: expected input with 3 channels/);
      expect(() => bn.forward(torch.zeros([4, 3], { dtype: 'int32' }))).toThrow(/^batchNorm: input must be floating point, got int32$/);
      expect(() => bn.forward(torch.zeros([4, 3], { dtype: 'float64' }))).toThrow(/^batchNorm: runningMean has dtype float32 but the input is float64$/);
      expect(before()).toEqual(state);
      expect(state[2]).toBe(1);
      // The next accepted batch counts as the second (the cumulative average's factor 1/2).
      bn.forward(torch.randn([4, 3]));
      expect(bn.numBatchesTracked!.item()).toBe(2);
    }
  });

  test('layers too large for any memory are a RangeError naming the layer and the sizes', () => {
    expect(() => new nn.Linear(1e9, 1e9)).toThrow(RangeError);
    expect(() => new nn.Linear(1e9, 1e9)).toThrow(
      /^Linear: weight \[1000000000, 1000000000\], bias \[1000000000\] of float32 need .* GiB, more than this machine's memory \(.* GiB\)$/);
    expect(() => new nn.LayerNorm([1e6, 1e6])).toThrow(/^LayerNorm: weight \[1000000, 1000000\], bias \[1000000, 1000000\] of float32 need .* GiB, more than this machine's memory/);
    expect(() => new nn.LayerNorm([1e13])).toThrow(RangeError);
    expect(() => new nn.BatchNorm1d(1e13)).toThrow(/^BatchNorm1d: weight \[10000000000000\], bias .*, running_mean .*, running_var .* need/);
    // Without parameters nothing is allocated: no limit.
    expect(new nn.LayerNorm([1e13], { elementwiseAffine: false }).weight).toBe(null);
  });

  test('LayerNorm: normalizedShape that does not match the trailing dims', () => {
    const ln = new nn.LayerNorm([4, 5]);
    expect(() => ln.forward(torch.zeros([2, 5, 4]))).toThrow(RangeError);
    expect(() => ln.forward(torch.zeros([2, 5, 4]))).toThrow(
      /^LayerNorm: given normalizedShape=\[4, 5\], expected input with shape \[\*, 4, 5\], but got input of size \[2, 5, 4\]$/);
    expect(() => ln.forward(torch.zeros([5]))).toThrow(/but got input of size \[5\]$/);
    expect(() => F.layerNorm(torch.zeros([2, 3]), [4])).toThrow(
      /^layerNorm: given normalizedShape=\[4\], expected input with shape \[\*, 4\], but got input of size \[2, 3\]$/);
    expect(() => F.layerNorm(torch.zeros([2, 3]), [3], { weight: torch.ones([4]) })).toThrow(
      /^layerNorm: weight must have the shape normalizedShape \[3\], got \[4\]$/);
    expect(() => new nn.LayerNorm([])).toThrow(TypeError);
    expect(() => new nn.LayerNorm(-1)).toThrow(/^LayerNorm: normalizedShape must be a non-negative integer or a non-empty array of them, got -1$/);
  });

  test('batchNorm (functional): missing running stats in eval, mismatched params', () => {
    expect(() => F.batchNorm(torch.zeros([2, 3]), null, null)).toThrow(/^batchNorm: runningMean and runningVar are required when training is false$/);
    expect(() => F.batchNorm(torch.zeros([2, 3]), torch.zeros([2]), torch.ones([2]))).toThrow(
      /^batchNorm: runningMean must have shape \[3\] \(one per channel\), got \[2\]$/);
    expect(() => F.batchNorm(torch.zeros([2, 3]), null, null, { training: true, weight: torch.ones([3], { dtype: 'float64' }) })).toThrow(
      /^batchNorm: weight has dtype float64 but the input is float32$/);
  });
});

describe('behaviour', () => {
  test('BatchNorm1d in a Sequential trains; eval uses the running statistics; state dict round trip', () => {
    torch.manualSeed(0);
    const net = new nn.Sequential(new nn.Linear(4, 8), new nn.BatchNorm1d(8), new nn.ReLU(), new nn.Linear(8, 1));
    const x = torch.randn([16, 4]), y = torch.randn([16, 1]);
    const opt = new torch.optim.SGD(net.parameters(), { lr: 0.1 });
    const first = F.mseLoss(net.forward(x), y).item();
    for (let i = 0; i < 20; i++) {
      opt.zeroGrad();
      const l = F.mseLoss(net.forward(x), y);
      l.backward();
      opt.step();
    }
    expect(F.mseLoss(net.forward(x), y).item()).toBeLessThan(first);
    const sd = net.stateDict();
    // (Module.stateDict lists every parameter before the buffers; PyTorch goes module by module.)
    expect([...sd.keys()].sort()).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var',
      '1.num_batches_tracked', '3.weight', '3.bias'].sort());
    expect(sd.get('1.num_batches_tracked')!.item()).toBe(22);
    net.eval();
    const a = net.forward(x.narrow(0, 0, 1)).item();
    const copy = new nn.Sequential(new nn.Linear(4, 8), new nn.BatchNorm1d(8), new nn.ReLU(), new nn.Linear(8, 1));
    copy.loadStateDict(sd);
    copy.eval();
    expect(copy.forward(x.narrow(0, 0, 1)).item()).toBe(a);
  });

  test('.double() converts running stats but keeps num_batches_tracked int32', () => {
    const bn = new nn.BatchNorm1d(2).double();
    expect(bn.runningMean!.dtype).toBe('float64');
    expect(bn.numBatchesTracked!.dtype).toBe('int32');
    expect(bn.forward(torch.randn([4, 2], { dtype: 'float64' })).dtype).toBe('float64');
  });

  test('trackRunningStats false: no buffers, batch statistics in eval too', () => {
    const bn = new nn.BatchNorm1d(2, { trackRunningStats: false, affine: false });
    expect([...bn.stateDict().keys()]).toEqual([]);
    bn.eval();
    const y = bn.forward(torch.tensor([[1, 10], [3, 30]]));
    expect(Array.from(y.data).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([-1, -1, 1, 1]);
  });
});

describe('normalization options are strict', () => {
  test('PyTorch-style positional eps is a TypeError, not silently ignored', () => {
    expect(() => new torch.nn.BatchNorm1d(8, 1e-3 as never)).toThrow(/^BatchNorm1d: options must be an object like \{ eps: 1e-3 \}.*got number 0.001/);
    expect(() => new torch.nn.LayerNorm([8], 1e-3 as never)).toThrow(TypeError);
    expect(() => new torch.nn.LayerNorm([8], 1e-3 as never)).toThrow(/^LayerNorm: options must be an object/);
  });
  test('an unknown key is a TypeError naming it', () => {
    expect(() => new torch.nn.BatchNorm1d(8, { track_running_stats: false } as never)).toThrow(/^BatchNorm1d: unknown option 'track_running_stats' \(did you mean 'trackRunningStats'\?\)/);
    expect(() => new torch.nn.LayerNorm(8, { elementwise_affine: false } as never)).toThrow(/^LayerNorm: unknown option 'elementwise_affine'/);
    expect(() => torch.nn.functional.batchNorm(torch.ones([2, 3]), null, null, { train: true } as never)).toThrow(/^batchNorm: unknown option 'train'/);
    expect(() => torch.nn.functional.layerNorm(torch.ones([2, 3]), [3], 1e-3 as never)).toThrow(/^layerNorm: options must be an object/);
    expect(new torch.nn.BatchNorm1d(8, { eps: 1e-3 }).eps).toBe(1e-3);
  });
});
