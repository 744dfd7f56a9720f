// L1Loss, SmoothL1Loss, HuberLoss, NLLLoss, CrossEntropyLoss's options (weight,
// ignoreIndex, labelSmoothing, probability targets) and BCEWithLogitsLoss's
// posWeight against PyTorch 1.13 (layers.json 'losses'): the loss, the input's
// gradient and the grad_fn name, for every reduction, float32 and float64,
// through nn.functional and through the modules.
import * as torch from 'torchlet';
import { expectMatch, layers, toTensor } from './layers_fixture';

const { nn } = torch;
const F = nn.functional;

/** grad_fn names torchlet gives where PyTorch's differ (no Backward1 names). */
const NAME_EXCEPTIONS: Record<string, string> = { DivBackward1: 'DivBackward0' };

function run(c: any, form: 'functional' | 'module', x: torch.Tensor, t: torch.Tensor, w: torch.Tensor | null): torch.Tensor {
  const a = c.args;
  const reduction = a.reduction;
  switch (c.op) {
    case 'l1Loss':
      return form === 'functional' ? F.l1Loss(x, t, { reduction }) : new nn.L1Loss({ reduction }).forward(x, t);
    case 'smoothL1Loss':
      return form === 'functional' ? F.smoothL1Loss(x, t, { reduction, beta: a.beta }) : new nn.SmoothL1Loss({ reduction, beta: a.beta }).forward(x, t);
    case 'huberLoss':
      return form === 'functional' ? F.huberLoss(x, t, { reduction, delta: a.delta }) : new nn.HuberLoss({ reduction, delta: a.delta }).forward(x, t);
    case 'nllLoss': {
      const o = { reduction, weight: w, ignoreIndex: a.ignoreIndex ?? -100 };
      return form === 'functional' ? F.nllLoss(x, t, o) : new nn.NLLLoss(o).forward(x, t);
    }
    case 'crossEntropy': {
      const o = { reduction, weight: w, ignoreIndex: a.ignoreIndex ?? -100, labelSmoothing: a.labelSmoothing ?? 0 };
      return form === 'functional' ? F.crossEntropy(x, t, o) : new nn.CrossEntropyLoss(o).forward(x, t);
    }
    case 'bceWithLogits':
      return form === 'functional'
        ? F.binaryCrossEntropyWithLogits(x, t, { reduction, posWeight: w })
        : new nn.BCEWithLogitsLoss({ reduction, posWeight: w }).forward(x, t);
  }
  throw new Error(`no dispatch for ${c.op}`);
}

const cases: any[] = layers.losses;
describe.each(['functional', 'module'] as const)('%s form matches PyTorch', (form) => {
  test.each(cases.map((c) => [`${c.op} ${JSON.stringify(c.args)} ${c.dtype}`, c]))('%s', (_n, c) => {
    const x = toTensor(c.inputs[0], true);
    const t = toTensor(c.inputs[1]);
    const w = c.weight ? toTensor(c.weight) : null;
    const out = run(c, form, x, t, w);
    expectMatch(out, c.out, 'loss');
    expect(out.gradFn?.name).toBe(NAME_EXCEPTIONS[c.gradFn] ?? c.gradFn);
    out.backward(c.gout ? toTensor(c.gout) : undefined);
    expectMatch(x.grad, c.gx, 'input gradient');
  });
});

describe('loss options and bad input', () => {
  const logits = torch.zeros([3, 4]);
  test('crossEntropy: a mean over rows that are all ignored is NaN (as PyTorch), and its gradient 0', () => {
    const x = torch.zeros([2, 3], { requiresGrad: true });
    const l = F.crossEntropy(x, torch.tensor([-100, -100], { dtype: 'int32' }));
    expect(l.item()).toBeNaN();
    l.backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });
  test('crossEntropy: -100 targets are ignored by default; other negatives are out of range', () => {
    expect(F.crossEntropy(logits, torch.tensor([0, -100, 1], { dtype: 'int32' })).item()).toBeCloseTo(Math.log(4), 6);
    expect(() => F.crossEntropy(logits, torch.tensor([0, -1, 1], { dtype: 'int32' }))).toThrow(/^crossEntropy: target -1 out of range for 4 classes$/);
  });
  test('crossEntropy: wrong weight, smoothing, ignoreIndex with probabilities', () => {
    const t = torch.tensor([0, 1, 2], { dtype: 'int32' });
    expect(() => F.crossEntropy(logits, t, { weight: torch.ones([3]) })).toThrow(
      /^crossEntropy: weight must be a 1-D tensor of 4 class weights \(one per class\); got \[3\]$/);
    expect(() => F.crossEntropy(logits, t, { labelSmoothing: 1.5 })).toThrow(/^crossEntropy: labelSmoothing must be between 0.0 and 1.0. Got: 1.5$/);
    expect(() => F.crossEntropy(logits, torch.zeros([3, 4]), { ignoreIndex: 0 })).toThrow(
      /^crossEntropy: ignoreIndex is not supported for floating point target$/);
    expect(() => F.crossEntropy(logits, torch.zeros([3, 5]))).toThrow(
      /^crossEntropy: target must hold class indices of dtype int32, or class probabilities of the input's shape \[3, 4\]; got dtype float32 \[3, 5\]$/);
  });
  test('crossEntropy: probability targets that require grad get a gradient too', () => {
    const x = torch.randn([2, 3], { dtype: 'float64', requiresGrad: true });
    const q = torch.tensor([[0.2, 0.3, 0.5], [1, 0, 0]], { dtype: 'float64', requiresGrad: true });
    const l = F.crossEntropy(x, q);
    l.backward();
    const ls = x.detach().logSoftmax(1);
    expect(Array.from(q.grad!.data)).toEqual(Array.from(ls.data).map((v) => -v / 2));
  });
  test('smoothL1Loss / huberLoss parameters', () => {
    const a = torch.ones([2]), b = torch.zeros([2]);
    expect(() => F.smoothL1Loss(a, b, { beta: -1 })).toThrow(/^smoothL1Loss: beta must be a finite number >= 0/);
    expect(() => F.huberLoss(a, b, { delta: 0 })).toThrow(/^huberLoss: delta must be a finite number > 0/);
    expect(() => new nn.HuberLoss({ delta: -2 })).toThrow(/^HuberLoss: delta must be > 0, got -2$/);
    expect(() => F.l1Loss(a, torch.zeros([3]))).toThrow(/^l1Loss: target size \[3\] must be the same as input size \[2\]$/);
  });
  test('nllLoss: target out of range, float target, weight of the wrong size', () => {
    const lp = torch.zeros([2, 3]);
    expect(() => F.nllLoss(lp, torch.tensor([0, 3], { dtype: 'int32' }))).toThrow(/^nllLoss: target 3 out of range for 3 classes$/);
    expect(() => F.nllLoss(lp, torch.tensor([0, 1]))).toThrow(/^nllLoss: target must hold class indices of dtype int32; got dtype float32$/);
    expect(() => F.nllLoss(lp, torch.tensor([0, 1], { dtype: 'int32' }), { weight: torch.ones([2]) })).toThrow(
      /^nllLoss: weight must be a 1-D tensor of 3 class weights/);
  });
  test('BCEWithLogitsLoss: posWeight that does not broadcast', () => {
    expect(() => F.binaryCrossEntropyWithLogits(torch.zeros([2, 3]), torch.zeros([2, 3]), { posWeight: torch.ones([2]) })).toThrow(
      /^binaryCrossEntropyWithLogits: posWeight of shape \[2\] does not broadcast to the input's shape \[2, 3\]/);
  });
  test('weights are buffers in the state dict under PyTorch\'s keys', () => {
    expect([...new nn.CrossEntropyLoss({ weight: torch.ones([3]) }).stateDict().keys()]).toEqual(['weight']);
    expect([...new nn.BCEWithLogitsLoss({ posWeight: torch.ones([3]) }).stateDict().keys()]).toEqual(['pos_weight']);
    expect([...new nn.CrossEntropyLoss().stateDict().keys()]).toEqual([]);
    const m = new nn.BCEWithLogitsLoss({ posWeight: torch.ones([3]) }).double();
    expect(m.posWeight!.dtype).toBe('float64');
  });
});

describe('loss module options are strict', () => {
  test('a positional argument is a TypeError (PyTorch: CrossEntropyLoss(weight), MSELoss(reduction=...))', () => {
    expect(() => new torch.nn.CrossEntropyLoss(torch.ones([3]) as never)).toThrow(/^CrossEntropyLoss: options must be an object .*got a Tensor of shape \[3\]/);
    expect(() => new torch.nn.MSELoss('sum' as never)).toThrow(TypeError);
    expect(() => new torch.nn.MSELoss('sum' as never)).toThrow(/^MSELoss: options must be an object like \{ reduction: 'sum' \}.*got string "sum"/);
    expect(() => new torch.nn.NLLLoss(null as never)).toThrow(/^NLLLoss: options must be an object/);
  });
  test('an unknown key is a TypeError; a snake_case one suggests the camelCase name', () => {
    expect(() => new torch.nn.CrossEntropyLoss({ label_smoothing: 0.1 } as never)).toThrow(
      /^CrossEntropyLoss: unknown option 'label_smoothing' \(did you mean 'labelSmoothing'\?\); valid options: 'reduction', 'weight', 'ignoreIndex', 'labelSmoothing'/);
    expect(() => new torch.nn.MSELoss({ reduce: 'sum' } as never)).toThrow(/^MSELoss: unknown option 'reduce'; valid options: 'reduction'/);
    expect(() => new torch.nn.HuberLoss({ beta: 1 } as never)).toThrow(/^HuberLoss: unknown option 'beta'; valid options: 'reduction', 'delta'/);
    expect(() => new torch.nn.BCEWithLogitsLoss({ pos_weight: torch.ones([1]) } as never)).toThrow(/did you mean 'posWeight'/);
    for (const L of [torch.nn.L1Loss, torch.nn.BCELoss, torch.nn.SmoothL1Loss, torch.nn.NLLLoss])
      expect(() => new L({ reductio: 'sum' } as never)).toThrow(new RegExp(`^${L.name}: unknown option 'reductio'`));
  });
  test('valid options still work', () => {
    expect(new torch.nn.CrossEntropyLoss({ labelSmoothing: 0.1, reduction: 'sum' }).labelSmoothing).toBe(0.1);
    expect(new torch.nn.SmoothL1Loss({ beta: 0.5 }).beta).toBe(0.5);
    expect(new torch.nn.MSELoss().reduction).toBe('mean');
  });
});
