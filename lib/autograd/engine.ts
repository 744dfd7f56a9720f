/**
 * The backward engine: walks the graph from the roots in reverse topological
 * order (iteratively: JS stack depth is finite), sums the gradients of tensors
 * used more than once, reduces broadcast gradients to each input's shape, and
 * adds the results into the leaves' .grad. Without retainGraph the saved
 * tensors are dropped, and a second backward through the same nodes throws.
 */
import { Tensor } from '../tensor';
import { nextSerial, Storage } from '../memory';
import { fmtShape, sameShape } from '../shape';
import { noGrad } from './grad_mode';
import { Ctx, Node } from './node';
import { torchName } from '../dtype';
import * as S from '../ops/shape';
import * as B from '../ops/binary';
import { sumToShape } from '../ops/reduce';

/** The node a gradient for `t` flows into: its grad_fn, or its leaf accumulator. */
export function gradEdge(t: Tensor): Node | null {
  if (!t.requiresGrad) return null;
  if (t.gradFn) return t.gradFn;
  if (!t._accNode) t._accNode = new Node('AccumulateGrad', [], [], null, null, t);
  return t._accNode;
}

/**
 * Which gradient buffers the engine may recycle. A gradient made during this
 * backward (its storage's serial is past `start`) by built-in code, and held
 * by nothing but the engine, is dead once consumed: it goes back to the
 * allocator's cache at once, so the next backward reuses it instead of
 * allocating. A buffer is "escaped" when anything else may hold it: a leaf's
 * .grad, a retained grad, a user-written autograd.Function.
 */
class GradBuffers {
  private readonly refs = new Map<Storage, number>();
  private readonly escaped = new Set<Storage>();
  constructor(private readonly start: number) {}

  hold(t: Tensor): void {
    const s = t._storage;
    this.refs.set(s, (this.refs.get(s) ?? 0) + 1);
  }
  escape(t: Tensor): void {
    this.escaped.add(t._storage);
  }
  /** The only engine reference to a fresh, unescaped buffer that `t` covers whole. */
  owned(t: Tensor): boolean {
    const s = t._storage;
    return s.serial >= this.start && !this.escaped.has(s) && this.refs.get(s) === 1 &&
      t._offset === 0 && t.isContiguous() && t.numel() * (t.dtype === 'float64' ? 8 : 4) === s.bytes;
  }
  /** Drops one engine reference; disposes the buffer when it was the last and the buffer is fresh. */
  release(t: Tensor): void {
    const s = t._storage;
    const n = (this.refs.get(s) ?? 1) - 1;
    if (n > 0) {
      this.refs.set(s, n);
      return;
    }
    this.refs.delete(s);
    if (s.serial >= this.start && !this.escaped.has(s)) s.dispose();
  }
}

function accumulateLeaf(leaf: Tensor, g: Tensor, bufs: GradBuffers): void {
  if (!sameShape(g._shape, leaf._shape))
    throw new Error(`backward: gradient of shape ${fmtShape(g._shape)} does not match the leaf's shape ${fmtShape(leaf._shape)}`);
  if (g.dtype !== leaf.dtype) {
    const c = S.cast(g, leaf.dtype);
    bufs.release(g);
    bufs.hold(c);
    g = c;
  }
  const prev = leaf._grad;
  if (prev !== null && prev.isDisposed)
    throw new Error(`backward: the .grad of a leaf of shape ${fmtShape(leaf._shape)} was disposed; set it to null (or call zeroGrad()) before backward`);
  if (prev === null) {
    if (bufs.owned(g)) {
      // Nothing else holds this fresh buffer: it becomes the leaf's gradient as is.
      leaf._setPrivateGrad(g.detach());
      bufs.escape(g);
    } else {
      // A fresh contiguous copy: the gradient may be a view or shared with another input.
      leaf._setPrivateGrad(S.clone(g).detach());
    }
  } else if (prev.isContiguous()) {
    const sum = B.add(prev, g);
    S.assignInto(prev, sum);
    sum.dispose();
  } else {
    leaf._setPrivateGrad(B.add(prev, g).detach());
  }
  bufs.release(g);
}

export function runBackward(roots: Tensor[], grads: (Tensor | null)[], retainGraph: boolean): void {
  noGrad(() => run(roots, grads, retainGraph));
}

function run(roots: Tensor[], grads: (Tensor | null)[], retainGraph: boolean): void {
  const bufs = new GradBuffers(nextSerial());
  const pending = new Map<Node, Tensor>();
  const addGrad = (node: Node, g: Tensor): void => {
    const prev = pending.get(node);
    if (!prev) {
      bufs.hold(g);
      pending.set(node, g);
      return;
    }
    const sum = B.add(prev, g);
    bufs.hold(sum);
    pending.set(node, sum);
    bufs.release(prev);
  };
  const starts: Node[] = [];
  roots.forEach((root, i) => {
    root._live('backward');
    if (!root.requiresGrad)
      throw new Error('backward: element 0 of tensors does not require grad and does not have a gradFn');
    let g = grads[i];
    if (g === null || g === undefined) {
      if (root.numel() !== 1)
        throw new Error(`backward: grad can be implicitly created only for scalar outputs; got shape ${fmtShape(root._shape)} (pass a gradient of that shape)`);
      g = S.fullOf(root._shape, 1, root.dtype);
    } else {
      if (!(g instanceof Tensor)) throw new TypeError('backward: gradient must be a Tensor');
      if (!sameShape(g._shape, root._shape))
        throw new RangeError(`backward: gradient has shape ${fmtShape(g._shape)} but the tensor has shape ${fmtShape(root._shape)}`);
    }
    const node = gradEdge(root)!;
    addGrad(node, g);
    starts.push(node);
  });

  // Count, for every node reachable from the roots, how many edges point at it.
  const deps = new Map<Node, number>();
  const seen = new Set<Node>();
  const stack: Node[] = [...new Set(starts)];
  for (const n of stack) seen.add(n);
  while (stack.length) {
    const node = stack.pop()!;
    if (node.released && node.backwardFn)
      throw new Error(
        `backward: trying to backward through the graph a second time (at ${node.name}); ` +
          'the saved tensors were freed after the first backward. Pass { retainGraph: true } to the first call.',
      );
    for (const next of node.next) {
      if (!next) continue;
      deps.set(next, (deps.get(next) ?? 0) + 1);
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }

  const ready: Node[] = [...new Set(starts)].filter((n) => !deps.get(n));
  const visited: Node[] = [];
  while (ready.length) {
    const node = ready.pop()!;
    const g = pending.get(node)!;
    pending.delete(node);
    visited.push(node);
    if (node.variable) {
      accumulateLeaf(node.variable, g, bufs);
      continue;
    }
    if (node.retained) {
      for (const t of node.retained) t.grad = g.detach();
      bufs.escape(g);
    }
    const ctx = node.ctx!;
    checkSavedVersions(node.name, ctx);
    if (!node.builtin) bufs.escape(g);
    const outs = node.backwardFn!(ctx, g);
    for (let i = 0; i < node.next.length; i++) {
      const next = node.next[i];
      if (!next) continue;
      let gi = outs[i];
      if (gi) {
        if (!node.builtin) bufs.escape(gi);
        if (!sameShape(gi._shape, node.inputShapes[i])) {
          // Only a broadcast gradient is summed back to the input's shape (PyTorch's validate_outputs).
          if (!expandableTo(node.inputShapes[i], gi._shape))
            throw new Error(`${node.name} returned an invalid gradient at index ${i}: got ${fmtShape(gi._shape)} but expected a shape compatible with ${fmtShape(node.inputShapes[i])}`);
          gi = sumToShape(gi, node.inputShapes[i]);
        }
        addGrad(next, gi);
      }
      const left = deps.get(next)! - 1;
      deps.set(next, left);
      if (left === 0) {
        if (pending.has(next)) ready.push(next);
        else releaseUnreached(next, deps, pending, ready);
      }
    }
    bufs.release(g);
  }
  if (!retainGraph)
    for (const node of visited)
      if (node.backwardFn) {
        node.ctx = null;
        node.released = true;
      }
}

/** Whether `shape` broadcasts to `target` (aligned at the right, each size equal or 1; target may have more dims). */
function expandableTo(shape: readonly number[], target: readonly number[]): boolean {
  if (shape.length > target.length) return false;
  const lead = target.length - shape.length;
  return shape.every((s, i) => s === target[lead + i] || s === 1);
}

/** Throws PyTorch's error when a tensor saved for this backward was modified in place since. */
function checkSavedVersions(name: string, ctx: Ctx): void {
  for (let i = 0; i < ctx.saved.length; i++) {
    const t = ctx.saved[i];
    if (t._storage.version !== ctx.savedVersions[i])
      throw new Error(
        `backward: one of the variables needed for gradient computation has been modified by an inplace operation: ` +
          `[${torchName(t.dtype)} ${fmtShape(t._shape)}] is at version ${t._storage.version}; expected version ` +
          `${ctx.savedVersions[i]} instead (saved by ${name}).`,
      );
  }
}

/**
 * A node none of whose inputs received a gradient (all were null): nothing
 * flows on from it, but its own inputs' dependency counts must still drop.
 */
function releaseUnreached(start: Node, deps: Map<Node, number>, pending: Map<Node, Tensor>, ready: Node[]): void {
  const stack = [start];
  while (stack.length) {
    const node = stack.pop()!;
    for (const next of node.next) {
      if (!next) continue;
      const left = deps.get(next)! - 1;
      deps.set(next, left);
      if (left === 0) {
        if (pending.has(next)) ready.push(next);
        else stack.push(next);
      }
    }
  }
}
