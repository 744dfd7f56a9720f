/**
 * The backward engine (lib/autograd/engine.ts), grad modes and
 * autograd.Function: accumulation, tensors used twice, broadcast reduction,
 * retainGraph, noGrad/enableGrad, detach, backward(gradient), retainGrad,
 * hand-written Linear and MSE checked against the built-ins, a chain of
 * 10000 ops, and the error messages.
 */
import * as torch from '../../lib';
import type { Tensor } from '../../lib';
import { expectAllClose } from '../ops/fixture';

const f64 = (data: torch.NestedArray, requiresGrad = false): Tensor => torch.tensor(data, { dtype: 'float64', requiresGrad });

describe('gradient flow', () => {
  test('gradients accumulate across two backward calls', () => {
    const x = f64([1, 2, 3], true);
    x.mul(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([2, 4, 6]);
    x.mul(3).sum().backward();
    expect(x.grad!.toArray()).toEqual([5, 7, 9]);
    // zeroing: grad = null starts afresh
    x.grad = null;
    x.sum().backward();
    expect(x.grad!.toArray()).toEqual([1, 1, 1]);
  });

  test('a tensor used twice receives the sum of both gradients', () => {
    const x = f64([1, -2, 3], true);
    x.mul(x).sum().backward(); // d(x^2) = 2x
    expect(x.grad!.toArray()).toEqual([2, -4, 6]);
    x.grad = null;
    const y = x.exp();
    y.add(y.mul(2)).add(x).sum().backward(); // 3 e^x + 1
    expectAllClose(x.grad!.toArray(), [1, -2, 3].map((v) => 3 * Math.exp(v) + 1));
    // the same tensor as both operands of one op
    x.grad = null;
    x.add(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([2, 2, 2]);
  });

  test('a diamond: two paths from one intermediate', () => {
    const x = f64([0.5, 2], true);
    const h = x.mul(3);
    h.sin().add(h.cos()).sum().backward();
    expectAllClose(x.grad!.toArray(), [0.5, 2].map((v) => 3 * (Math.cos(3 * v) - Math.sin(3 * v))));
  });

  test('broadcast gradients are summed back to each input shape', () => {
    const a = f64([[1], [2], [3]], true); // (3, 1)
    const b = f64([10, 20, 30, 40], true); // (4)
    const c = f64(2, true); // 0-d
    a.mul(b).add(c).sum().backward();
    expect(a.grad!.shape).toEqual([3, 1]);
    expect(a.grad!.toArray()).toEqual([[100], [100], [100]]);
    expect(b.grad!.toArray()).toEqual([6, 6, 6, 6]);
    expect(c.grad!.shape).toEqual([]);
    expect(c.grad!.item()).toBe(12);
  });

  test('the leaf gradient has the leaf dtype when an op promoted it', () => {
    const a = torch.tensor([1, 2], { requiresGrad: true });
    const b = f64([3, 4], true);
    a.mul(b).sum().backward();
    expect(a.grad!.dtype).toBe('float32');
    expect(a.grad!.toArray()).toEqual([3, 4]);
    expect(b.grad!.dtype).toBe('float64');
  });

  test('inputs that do not require grad get no gradient; integer outputs carry none', () => {
    const x = f64([1, 2], true);
    const k = f64([5, 6]);
    x.mul(k).sum().backward();
    expect(k.grad).toBeNull();
    expect(x.argmax().requiresGrad).toBe(false);
    expect(x.gt(1).requiresGrad).toBe(false); // comparisons are not differentiable (bool in PyTorch)
  });

  test('torch.autograd.backward with several roots', () => {
    const x = f64([1, 2], true);
    const y = x.mul(2), z = x.mul(x);
    torch.autograd.backward([y, z.sum()], [f64([1, 10]), null]);
    expect(x.grad!.toArray()).toEqual([2 + 2, 20 + 4]);
  });

  test('grad_fn names follow PyTorch', () => {
    const x = f64([1, 2], true);
    expect(x.gradFn).toBeNull();
    expect(x.isLeaf).toBe(true);
    expect(x.mul(2).gradFn!.name).toBe('MulBackward0');
    expect(x.add(x).gradFn!.name).toBe('AddBackward0');
    expect(x.sum().gradFn!.name).toBe('SumBackward0');
    expect(x.exp().gradFn!.name).toBe('ExpBackward0');
    expect(x.relu().isLeaf).toBe(false);
  });
});

describe('retainGraph', () => {
  test('a second backward works with retainGraph and accumulates', () => {
    const x = f64([1, 2, 3], true);
    const y = x.mul(x).sum();
    y.backward(null, { retainGraph: true });
    y.backward();
    expect(x.grad!.toArray()).toEqual([4, 8, 12]);
  });

  test('without it the second backward throws a clear error', () => {
    const x = f64([1, 2, 3], true);
    const y = x.exp().sum();
    y.backward();
    expect(() => y.backward()).toThrow(
      /^backward: trying to backward through the graph a second time \(at SumBackward0\); the saved tensors were freed after the first backward\. Pass \{ retainGraph: true \} to the first call\.$/,
    );
  });

  test('a fresh graph over the same leaves is fine', () => {
    const x = f64([1, 2], true);
    x.mul(2).sum().backward();
    x.mul(2).sum().backward();
    expect(x.grad!.toArray()).toEqual([4, 4]);
  });
});

describe('grad modes and detach', () => {
  test('noGrad records no graph and returns its result', () => {
    const x = f64([1, 2], true);
    const y = torch.noGrad(() => x.mul(2).exp());
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    expect(torch.isGradEnabled()).toBe(true);
    expect(() => y.sum().backward()).toThrow(/^backward: element 0 of tensors does not require grad and does not have a gradFn$/);
  });

  test('noGrad restores the mode after a throw; enableGrad inside noGrad records', () => {
    expect(() => torch.noGrad(() => { throw new Error('boom'); })).toThrow('boom');
    expect(torch.isGradEnabled()).toBe(true);
    const x = f64([1, 2], true);
    const y = torch.noGrad(() => torch.enableGrad(() => x.mul(3)));
    expect(y.requiresGrad).toBe(true);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([3, 3]);
  });

  test('detach shares storage, cuts the graph, and blocks the gradient', () => {
    const x = f64([1, 2], true);
    const d = x.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.gradFn).toBeNull();
    torch.noGrad(() => x.data[0] = 5);
    expect(d.toArray()).toEqual([5, 2]);
    const y = x.mul(x.detach()); // d/dx = x.detach() only
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([5, 2]);
  });

  test('detach_ makes a non-leaf a leaf', () => {
    const x = f64([1, 2], true);
    const y = x.mul(2).detach_();
    expect(y.isLeaf).toBe(true);
    expect(y.requiresGrad).toBe(false);
  });

  test('in-place ops on a leaf that requires grad are refused outside noGrad', () => {
    const x = f64([1, 2], true);
    expect(() => x.add_(1)).toThrow(/^add_: a leaf tensor that requires grad is being used in an in-place operation; wrap it in noGrad\(\)$/);
    expect(() => x.mul(2).mul_(2)).toThrow(/^mul_: in-place operations on tensors that are part of a graph are not supported/);
    torch.noGrad(() => x.add_(1));
    expect(x.toArray()).toEqual([2, 3]);
  });

  test('requiresGrad is for floating point tensors and leaves', () => {
    expect(() => torch.tensor([1, 2], { dtype: 'int32', requiresGrad: true })).toThrow(
      /^requiresGrad: only floating point tensors can require gradients; got dtype int32$/,
    );
    const x = f64([1], true);
    expect(() => { x.mul(2).requiresGrad = false; }).toThrow(/^requiresGrad: you can only change requiresGrad of leaf tensors/);
  });
});

describe('backward(gradient)', () => {
  test('a non-scalar output takes a gradient of its shape', () => {
    const x = f64([[1, 2, 3], [4, 5, 6]], true);
    const y = x.mul(x);
    y.backward(f64([[1, 0, 1], [0.5, 0, -1]]));
    expect(x.grad!.toArray()).toEqual([[2, 0, 6], [4, 0, -12]]);
  });

  test('a non-scalar output without a gradient is an error naming the shape', () => {
    const y = f64([[1, 2, 3], [4, 5, 6]], true).mul(2);
    expect(() => y.backward()).toThrow(
      /^backward: grad can be implicitly created only for scalar outputs; got shape \[2, 3\] \(pass a gradient of that shape\)$/,
    );
  });

  test('a gradient of the wrong shape is an error naming both shapes', () => {
    const y = f64([1, 2, 3], true).mul(2);
    expect(() => y.backward(f64([1, 2]))).toThrow(RangeError);
    expect(() => y.backward(f64([1, 2]))).toThrow(/^backward: gradient has shape \[2\] but the tensor has shape \[3\]$/);
  });

  test('a one-element non-0-d output needs no gradient (like PyTorch)', () => {
    const x = f64([[2]], true);
    x.mul(x).backward();
    expect(x.grad!.toArray()).toEqual([[4]]);
  });
});

describe('retainGrad', () => {
  test('a non-leaf keeps its gradient only when asked', () => {
    const x = f64([1, 2], true);
    const h = x.mul(3);
    const k = h.exp();
    h.retainGrad();
    k.sum().backward();
    expectAllClose(h.grad!.toArray(), [Math.exp(3), Math.exp(6)]);
    expect(k.grad).toBeNull();
    expectAllClose(x.grad!.toArray(), [3 * Math.exp(3), 3 * Math.exp(6)]);
  });

  test('retainGrad on a tensor that does not require grad is an error', () => {
    expect(() => f64([1]).retainGrad()).toThrow(/^retainGrad: can't retain the gradient of a tensor that does not require grad$/);
  });
});

describe('autograd.Function: Linear and MSE written by hand (the course exercise)', () => {
  const Ctx = torch.autograd.Ctx;
  type C = InstanceType<typeof Ctx>;

  class MyLinear extends torch.autograd.Function {
    static override forward(ctx: C, x: Tensor, w: Tensor, b: Tensor): Tensor {
      ctx.saveForBackward(x, w);
      return x.matmul(w.t()).add(b);
    }
    static override backward(ctx: C, g: Tensor): (Tensor | null)[] {
      const [x, w] = ctx.savedTensors;
      return [
        ctx.needsInputGrad[0] ? g.matmul(w) : null,
        ctx.needsInputGrad[1] ? g.t().matmul(x) : null,
        ctx.needsInputGrad[2] ? g.sum(0) : null,
      ];
    }
  }

  class MyMSE extends torch.autograd.Function {
    static override forward(ctx: C, yhat: Tensor, y: Tensor): Tensor {
      ctx.saveForBackward(yhat, y);
      return yhat.sub(y).pow(2).mean();
    }
    static override backward(ctx: C, g: Tensor): (Tensor | null)[] {
      const [yhat, y] = ctx.savedTensors;
      const d = yhat.sub(y).mul(2 / yhat.numel()).mul(g);
      return [d, d.neg()];
    }
  }

  const data = () => ({
    x: f64([[0.5, -1, 2], [1.5, 0.25, -0.75], [0, 1, 1], [-2, 0.5, 0.1]]),
    y: f64([[1, 0], [0, 1], [0.5, 0.5], [-1, 2]]),
    w: f64([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]], true),
    b: f64([0.01, -0.02], true),
  });

  test('forward and gradients match F.linear and F.mseLoss', () => {
    const a = data(), e = data();
    const loss = MyMSE.apply(MyLinear.apply(a.x, a.w, a.b), a.y);
    loss.backward();
    const ref = torch.nn.functional.mseLoss(torch.nn.functional.linear(e.x, e.w, e.b), e.y);
    ref.backward();
    expectAllClose(loss.item(), ref.item());
    expectAllClose(a.w.grad!.toArray(), e.w.grad!.toArray());
    expectAllClose(a.b.grad!.toArray(), e.b.grad!.toArray());
    expect(loss.gradFn!.name).toBe('MyMSEBackward');
  });

  test('gradcheck agrees with the hand-written backward', () => {
    const { x, w, b } = data();
    expect(torch.autograd.gradcheck((xx, ww, bb) => MyLinear.apply(xx, ww, bb), [x.detach().requiresGrad_(), w, b])).toBe(true);
  });

  test('forward runs without recording; needsInputGrad tells which inputs want a gradient', () => {
    let recorded: boolean | null = null;
    let needs: boolean[] = [];
    class Probe extends torch.autograd.Function {
      static override forward(ctx: C, x: Tensor, k: Tensor): Tensor {
        recorded = x.mul(2).requiresGrad;
        needs = ctx.needsInputGrad;
        return x.mul(k);
      }
      static override backward(_ctx: C, g: Tensor): (Tensor | null)[] {
        return [g, null];
      }
    }
    const y = Probe.apply(f64([1], true), f64([2]));
    expect(recorded).toBe(false);
    expect(needs).toEqual([true, false]);
    expect(y.requiresGrad).toBe(true);
    expect(torch.noGrad(() => Probe.apply(f64([1], true), f64([2]))).requiresGrad).toBe(false);
  });

  test('a backward returning too few gradients is an error naming the Function', () => {
    class Bad extends torch.autograd.Function {
      static override forward(_ctx: C, x: Tensor, y: Tensor): Tensor { return x.mul(y); }
      static override backward(_ctx: C, g: Tensor): Tensor[] { return [g]; }
    }
    const y = Bad.apply(f64([1], true), f64([2], true));
    expect(() => y.sum().backward()).toThrow(/^Bad\.backward returned 1 gradients but forward had 2 tensor inputs$/);
  });

  test('an unimplemented forward names the subclass', () => {
    class Empty extends torch.autograd.Function {}
    expect(() => Empty.apply(f64([1], true))).toThrow(/^Empty\.forward is not implemented/);
  });
});

describe('deep graphs', () => {
  test('a chain of 10000 ops backpropagates without a stack overflow', () => {
    const x = f64([1, 2], true);
    let y = x;
    for (let i = 0; i < 10000; i++) y = i % 2 ? y.mul(1.0001) : y.add(0.5);
    y.sum().backward();
    const g = Math.pow(1.0001, 5000);
    expectAllClose(x.grad!.toArray(), [g, g], 1e-9);
  });

  test('a wide fan-in: one leaf used 2000 times', () => {
    const x = f64([1.5], true);
    let acc = x.mul(0);
    for (let i = 0; i < 2000; i++) acc = acc.add(x.mul(i % 3));
    acc.backward();
    let expected = 0;
    for (let i = 0; i < 2000; i++) expected += i % 3;
    expect(x.grad!.item()).toBe(expected);
  });
});

describe('review findings', () => {
  type C = InstanceType<typeof torch.autograd.Ctx>;
  test('an autograd.Function returning a gradient of an incompatible shape is an error naming it', () => {
    class BadMatmul extends torch.autograd.Function {
      static override forward(ctx: C, x: Tensor, w: Tensor): Tensor {
        ctx.saveForBackward(x, w);
        return x.matmul(w.t());
      }
      static override backward(ctx: C, g: Tensor): Tensor[] {
        const [x, w] = ctx.savedTensors;
        return [g.matmul(w), x.t().matmul(g)]; // the second is w's gradient transposed: [3, 2] for w [2, 3]
      }
    }
    const x = torch.randn([4, 3], { requiresGrad: true }), w = torch.randn([2, 3], { requiresGrad: true });
    expect(() => BadMatmul.apply(x, w).sum().backward()).toThrow(
      'BadMatmulBackward returned an invalid gradient at index 1: got [3, 2] but expected a shape compatible with [2, 3]');
    expect(w.grad).toBeNull();
  });

  test('a broadcast gradient from a Function is still summed to the input shape', () => {
    class Twice extends torch.autograd.Function {
      static override forward(_ctx: C, x: Tensor): Tensor { return x.mul(2); }
      static override backward(_ctx: C, g: Tensor): Tensor[] { return [g.mul(2).expand([2, 3])]; }
    }
    const x = torch.ones([3], { requiresGrad: true });
    Twice.apply(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([4, 4, 4]);
  });

  test('backward into a disposed .grad says so', () => {
    const p = torch.ones([3], { requiresGrad: true });
    p.mul(2).sum().backward();
    p.grad!.dispose();
    expect(() => p.mul(2).sum().backward()).toThrow(
      'backward: the .grad of a leaf of shape [3] was disposed; set it to null (or call zeroGrad()) before backward');
    p.grad = null;
    p.mul(2).sum().backward();
    expect(p.grad!.toArray()).toEqual([2, 2, 2]);
  });

  test('gradcheck leaves the inputs\' .grad alone', () => {
    const x = torch.randn([3], { dtype: 'float64', requiresGrad: true });
    x.mul(3).sum().backward();
    const before = x.grad!;
    expect(torch.autograd.gradcheck((t) => t.tanh(), [x])).toBe(true);
    expect(x.grad).toBe(before);
    expect(before.toArray()).toEqual([3, 3, 3]);
  });
});

describe('backward options', () => {
  test('backward({ retainGraph }) as the only argument, and backward(gradient, { retainGraph })', () => {
    const a = torch.tensor([1, 2], { requiresGrad: true });
    const y = a.mul(3).sum();
    y.backward({ retainGraph: true });
    y.backward();
    expect(Array.from(a.grad!.data)).toEqual([6, 6]);
    const b = torch.tensor([1, 2], { requiresGrad: true });
    const z = b.mul(2);
    z.backward(torch.ones([2]), { retainGraph: true });
    z.backward(torch.ones([2]));
    expect(Array.from(b.grad!.data)).toEqual([4, 4]);
    const c = torch.tensor([1], { requiresGrad: true });
    torch.autograd.backward([c.mul(2).sum()], { retainGraph: false });
    expect(Array.from(c.grad!.data)).toEqual([2]);
  });
  test('an unknown key, a non-boolean retainGraph or a positional flag is a TypeError', () => {
    const a = torch.tensor([1, 2], { requiresGrad: true });
    const y = a.sum();
    expect(() => y.backward({ retain_graph: true } as never)).toThrow(/^backward: unknown option 'retain_graph' \(did you mean 'retainGraph'\?\); valid options: 'retainGraph'$/);
    expect(() => y.backward(null, { retainGraph: 'yes' } as never)).toThrow(/^backward: retainGraph must be a boolean/);
    expect(() => y.backward(null, true as never)).toThrow(/^backward: options must be an object like \{ retainGraph: true \}.*got boolean true/);
    expect(() => torch.autograd.backward([y], [null], { retain_graph: true } as never)).toThrow(/did you mean 'retainGraph'/);
    expect(a.grad).toBeNull();
  });
});
