/**
 * defineOp: one op = its forward and its backward side by side. The forward
 * runs with recording off (it calls kernels, or other ops whose graph is not
 * wanted); when any tensor input requires grad, the output gets a Node whose
 * backward returns one gradient per tensor input (in argument order). The
 * engine reduces broadcast gradients and sums them, so ops need not.
 * A backward must not keep the gradient it is given, nor the tensors it
 * returns, beyond its call: the engine recycles their buffers once consumed.
 */
import { Tensor } from '../tensor';
import { isGradEnabled, setGradEnabled } from './grad_mode';
import { BackwardFn, Ctx, Node } from './node';
import { gradEdge } from './engine';

export interface OpDef<A extends unknown[]> {
  forward(ctx: Ctx, ...args: A): Tensor;
  backward?: BackwardFn;
}

/** PyTorch-style grad_fn name: 'relu' -> 'ReluBackward0'. */
function nodeName(op: string): string {
  return op.charAt(0).toUpperCase() + op.slice(1) + 'Backward0';
}

export function defineOp<A extends unknown[]>(name: string, def: OpDef<A>): (...args: A) => Tensor {
  const gradName = nodeName(name);
  return (...args: A): Tensor => {
    const inputs: Tensor[] = [];
    for (const a of args) if (a instanceof Tensor) inputs.push(a);
    let record = false;
    if (def.backward && isGradEnabled()) for (const t of inputs) if (t.requiresGrad) { record = true; break; }
    const ctx = new Ctx();
    ctx.needsInputGrad = inputs.map((t) => record && t.requiresGrad);
    const prev = isGradEnabled();
    setGradEnabled(false);
    let out: Tensor;
    try {
      out = def.forward(ctx, ...args);
    } finally {
      setGradEnabled(prev);
    }
    // Integer outputs (casts, comparisons) carry no gradient.
    return record && out.dtype !== 'int32' ? attach(out, gradName, inputs, ctx, def.backward!) : out;
  };
}

/** Records `out` as made from `inputs` by a node with `backward`. */
export function attach(out: Tensor, name: string, inputs: Tensor[], ctx: Ctx, backward: BackwardFn, builtin = true): Tensor {
  if (out.gradFn || out.requiresGrad || inputs.includes(out)) {
    // The forward returned an input (or a tensor already in a graph) as is: wrap it.
    out = out.detach();
  }
  out.gradFn = new Node(name, inputs.map(gradEdge), inputs.map((t) => t.shape), ctx, backward);
  out.gradFn.builtin = builtin;
  out._requiresGrad = true;
  return out;
}
