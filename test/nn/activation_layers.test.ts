// LeakyReLU, GELU (erf and tanh), ELU, Softplus against PyTorch 1.13
// (layers.json 'activations'): outputs, input gradients for a fixed upstream
// gradient, grad_fn names, in float32 and float64; modules and their reprs.
import * as torch from 'torchlet';
import { expectMatch, layers, toTensor } from './layers_fixture';

const { nn } = torch;
const F = nn.functional;

type Fn = (x: torch.Tensor, a: any) => torch.Tensor;
const functional: Record<string, Fn> = {
  leakyRelu: (x, a) => F.leakyRelu(x, a.negativeSlope),
  gelu: (x, a) => F.gelu(x, { approximate: a.approximate }),
  elu: (x, a) => F.elu(x, a.alpha),
  softplus: (x, a) => F.softplus(x, a.beta, a.threshold),
};
const modules: Record<string, (a: any) => torch.nn.Module> = {
  leakyRelu: (a) => new nn.LeakyReLU(a.negativeSlope),
  gelu: (a) => new nn.GELU({ approximate: a.approximate }),
  elu: (a) => new nn.ELU(a.alpha),
  softplus: (a) => new nn.Softplus(a.beta, a.threshold),
};

const cases: any[] = layers.activations;
describe.each(['functional', 'module'])('%s form matches PyTorch', (form) => {
  test.each(cases.map((c) => [`${c.op} ${JSON.stringify(c.args)} ${c.dtype}`, c]))('%s', (_n, c) => {
    const x = toTensor(c.x, true);
    const y = form === 'functional' ? functional[c.op](x, c.args) : modules[c.op](c.args).forward(x);
    expectMatch(y, c.y, 'output');
    expect(y.gradFn?.name).toBe(c.gradFn);
    y.backward(toTensor(c.gout));
    expectMatch(x.grad, c.gx, 'input gradient');
  });
});

test('reprs read like PyTorch', () => {
  expect(new nn.LeakyReLU().toString()).toBe('LeakyReLU(negative_slope=0.01)');
  expect(new nn.LeakyReLU(0.2).toString()).toBe('LeakyReLU(negative_slope=0.2)');
  expect(new nn.GELU().toString()).toBe("GELU(approximate='none')");
  expect(new nn.GELU({ approximate: 'tanh' }).toString()).toBe("GELU(approximate='tanh')");
  expect(new nn.ELU().toString()).toBe('ELU(alpha=1.0)');
  expect(new nn.Softplus().toString()).toBe('Softplus(beta=1, threshold=20)');
});

test('bad arguments name the op', () => {
  expect(() => F.gelu(torch.ones([2]), { approximate: 'fast' as any })).toThrow(/^gelu: approximate must be 'none' or 'tanh', got "fast"$/);
  expect(() => new nn.GELU({ approximate: 'erf' as any })).toThrow(RangeError);
  expect(() => F.softplus(torch.ones([2]), 0)).toThrow(/^softplus: beta must not be 0$/);
  expect(() => F.leakyRelu(torch.ones([2]), 'a' as any)).toThrow(/^leakyRelu: negativeSlope must be a number, got string$/);
  expect(() => F.elu(null as any)).toThrow(/^elu: argument 'input' must be a Tensor, got null$/);
});

test('Sequential still fuses Linear + ReLU, and runs the new activations unfused', () => {
  torch.manualSeed(0);
  const net = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2), new nn.GELU());
  const y = net.forward(torch.randn([5, 3]));
  expect(y.gradFn?.name).toBe('GeluBackward0');
  expect(y.shape).toEqual([5, 2]);
});

describe('activation options are strict', () => {
  test('GELU and F.gelu: a non-object or an unknown key is a TypeError', () => {
    expect(() => new torch.nn.GELU('tanh' as never)).toThrow(/^GELU: options must be an object like \{ approximate: 'tanh' \}.*got string "tanh"/);
    expect(() => new torch.nn.GELU({ approx: 'tanh' } as never)).toThrow(/^GELU: unknown option 'approx'; valid options: 'approximate'/);
    expect(() => torch.nn.functional.gelu(torch.ones([2]), 'tanh' as never)).toThrow(/^gelu: options must be an object/);
    expect(new torch.nn.GELU({ approximate: 'tanh' }).approximate).toBe('tanh');
  });
});
