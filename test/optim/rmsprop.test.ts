// optim.RMSprop: options and their checks, the update rule by hand, the state's
// layout. Trajectories against PyTorch are in trajectories.test.ts.
import * as torch from 'torchlet';
import { expectClose, values } from '../fixtures/nn';

const { nn, optim } = torch;
const p2 = () => [new nn.Parameter(torch.zeros([2]))];

test('PyTorch\'s defaults', () => {
  const { params: _p, ...g } = new optim.RMSprop(p2()).paramGroups[0];
  expect(g).toEqual({ lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false });
});

test.each([
  [{ lr: -0.1 }, RangeError, /^RMSprop: invalid lr -0\.1, must be >= 0$/],
  [{ eps: -1 }, RangeError, /^RMSprop: invalid eps -1, must be >= 0$/],
  [{ alpha: -0.5 }, RangeError, /^RMSprop: invalid alpha -0\.5, must be >= 0$/],
  [{ momentum: -0.9 }, RangeError, /^RMSprop: invalid momentum -0\.9, must be >= 0$/],
  [{ weightDecay: -1 }, RangeError, /^RMSprop: invalid weightDecay -1, must be >= 0$/],
  [{ momentum: Infinity }, RangeError, /^RMSprop: invalid momentum Infinity, must be finite$/],
  [{ alpha: null }, TypeError, /^RMSprop: alpha must be a number, got null$/],
  [{ centered: 1 }, TypeError, /^RMSprop: centered must be a boolean, got number$/],
] as [Record<string, unknown>, ErrorConstructor, RegExp][])('%o is refused', (opts, cls, re) => {
  expect(() => new optim.RMSprop(p2(), opts as any)).toThrow(cls);
  expect(() => new optim.RMSprop(p2(), opts as any)).toThrow(re);
});

test.each([
  ['plain', { lr: 0.01, alpha: 0.9, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false }],
  ['centered + momentum + weight decay', { lr: 0.01, alpha: 0.8, eps: 1e-6, weightDecay: 0.1, momentum: 0.7, centered: true }],
])('three steps by hand (float64): %s', (_n, h) => {
  const p = new nn.Parameter(torch.tensor([1, -2], { dtype: 'float64' }));
  const o = new optim.RMSprop([p], h);
  const ref = [1, -2], v = [0, 0], ga = [0, 0], buf = [0, 0];
  const grads = [[0.5, 0.25], [-0.1, 0.3], [0.2, 0.2]];
  for (const gs of grads) {
    p.grad = torch.tensor(gs, { dtype: 'float64' });
    o.step();
    for (let i = 0; i < 2; i++) {
      const g = gs[i] + h.weightDecay * ref[i];
      v[i] = h.alpha * v[i] + (1 - h.alpha) * g * g;
      let avg: number;
      if (h.centered) {
        ga[i] = h.alpha * ga[i] + (1 - h.alpha) * g;
        avg = Math.sqrt(v[i] - ga[i] * ga[i]) + h.eps;
      } else avg = Math.sqrt(v[i]) + h.eps;
      if (h.momentum > 0) {
        buf[i] = h.momentum * buf[i] + g / avg;
        ref[i] -= h.lr * buf[i];
      } else ref[i] -= (h.lr * g) / avg;
    }
    expectClose(values(p), ref, { atol: 1e-15, rtol: 1e-13 });
  }
});

test('state: PyTorch 1.13\'s names and a plain-number step; buffers only for the options in use', () => {
  const a = new nn.Parameter(torch.zeros([2])), b = new nn.Parameter(torch.zeros([2]));
  const o = new optim.RMSprop([{ params: [a] }, { params: [b], momentum: 0.9, centered: true }]);
  a.grad = torch.ones([2]);
  b.grad = torch.ones([2]);
  o.step();
  o.step();
  const sd = o.stateDict();
  expect(sd.state[0]).toEqual({ step: 2, square_avg: expect.any(torch.Tensor) });
  expect(Object.keys(sd.state[1])).toEqual(['step', 'square_avg', 'momentum_buffer', 'grad_avg']);
  expect(sd.state[1].step).toBe(2);
});

test('maximize climbs', () => {
  const p = new nn.Parameter(torch.tensor([0, 0]));
  const o = new optim.RMSprop([p], { lr: 0.01, maximize: true });
  p.grad = torch.tensor([2, -3]);
  o.step();
  // First step: v = 0.01 g^2, so the move is lr * g / (0.1 |g|) = 0.1 in g's direction.
  expectClose(values(p), [0.1, -0.1], { atol: 1e-6, rtol: 1e-5 });
});
