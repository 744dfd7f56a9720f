// nn.Dropout / F.dropout: PyTorch 1.13's masks for the same seed (layers.json
// 'dropout': bernoulli_(1 - p) on the input's dtype, then / (1 - p)), the
// gradient, eval as the exact identity, p = 0 and p = 1, bad p.
import * as torch from 'torchlet';
import { expectMatch, layers, toTensor } from './layers_fixture';

const { nn } = torch;
const F = nn.functional;

describe('the same mask as PyTorch after the same seed', () => {
  const cases: any[] = layers.dropout;
  test.each(cases.map((c) => [`seed ${c.seed} p ${c.p} ${c.dtype} ${JSON.stringify(c.x.shape)}`, c]))('%s', (_n, c) => {
    const x = toTensor(c.x, true);
    torch.manualSeed(c.seed);
    const d = new nn.Dropout(c.p);
    const y = d.forward(x);
    const y2 = F.dropout(x, c.p);
    // Bit for bit: the same kept elements and the same float scale.
    expectMatch(y, c.y, 'first draw', { rtol: 0, atol: 0 });
    expectMatch(y2, c.y2, 'second draw', { rtol: 0, atol: 0 });
    expect(y.gradFn?.name).toBe(c.gradFn);
    y.sum().add(y2.sum().mul(2)).backward();
    expectMatch(x.grad, c.gx, 'input gradient', { rtol: 0, atol: 0 });
  });
});

describe('modes and edge cases', () => {
  test('eval is the exact identity (the same tensor), and so is p = 0', () => {
    const x = torch.randn([3, 4]);
    const d = new nn.Dropout(0.5).eval();
    expect(d.forward(x)).toBe(x);
    expect(new nn.Dropout(0).forward(x)).toBe(x);
    expect(F.dropout(x, 0.7, false)).toBe(x);
  });

  test('p = 1 gives zeros and zero gradients, never NaN', () => {
    const x = torch.randn([3, 4], { requiresGrad: true });
    const y = new nn.Dropout(1).forward(x);
    expect(Array.from(y.data).every((v) => v === 0 && !Object.is(v, NaN))).toBe(true);
    y.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual(new Array(12).fill(0));
  });

  test('inverted dropout keeps the mean: about 1 - p of the elements survive, scaled by 1 / (1 - p)', () => {
    torch.manualSeed(5);
    const y = F.dropout(torch.ones([100000]), 0.2);
    const d = y.data;
    let kept = 0;
    for (let i = 0; i < d.length; i++) {
      if (d[i] !== 0) { kept++; expect(d[i]).toBe(Math.fround(1 / Math.fround(0.8))); }
    }
    expect(Math.abs(kept / d.length - 0.8)).toBeLessThan(0.01);
  });

  test('p outside [0, 1] is a RangeError naming Dropout and p', () => {
    expect(() => new nn.Dropout(1.5)).toThrow(RangeError);
    expect(() => new nn.Dropout(1.5)).toThrow(/^Dropout: dropout probability has to be between 0 and 1, but got p = 1.5$/);
    expect(() => new nn.Dropout(-0.1)).toThrow(/^Dropout: dropout probability has to be between 0 and 1, but got p = -0.1$/);
    expect(() => new nn.Dropout(NaN)).toThrow(/^Dropout: dropout probability has to be between 0 and 1, but got p = NaN$/);
    expect(() => F.dropout(torch.ones([2]), 2)).toThrow(/^dropout: dropout probability has to be between 0 and 1, but got p = 2$/);
    expect(() => new nn.Dropout('0.5' as any)).toThrow(/^Dropout: p must be a number, got string$/);
  });

  test('repr', () => {
    expect(new nn.Dropout().toString()).toBe('Dropout(p=0.5, inplace=False)');
    expect(new nn.Dropout(0).toString()).toBe('Dropout(p=0.0, inplace=False)');
  });
});
