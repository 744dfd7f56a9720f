/**
 * The recorded graph: one Node per op output that requires grad, with an edge
 * per tensor input (the input's own node, its leaf accumulator, or null when
 * the input needs no gradient).
 */
import type { Tensor } from '../tensor';

/** What an op keeps between its forward and its backward. */
export class Ctx {
  /** Tensors saved by the forward (ctx.save / saveForBackward). */
  saved: Tensor[] = [];
  /** The storage version of each saved tensor when it was saved. */
  savedVersions: number[] = [];
  /** For each tensor input: whether its gradient is wanted. */
  needsInputGrad: boolean[] = [];
  // Op-specific values (shapes, dims, flags) go here.
  [key: string]: unknown;

  save(...tensors: Tensor[]): void {
    for (const t of tensors) {
      this.saved.push(t);
      this.savedVersions.push(t._storage.version);
    }
  }

  /** PyTorch's name for save. */
  saveForBackward(...tensors: Tensor[]): void {
    this.save(...tensors);
  }

  get savedTensors(): Tensor[] {
    return this.saved;
  }
}

export type BackwardFn = (ctx: Ctx, gOut: Tensor) => (Tensor | null | undefined)[];

export class Node {
  /** PyTorch's grad_fn name, e.g. 'AddBackward0'. */
  readonly name: string;
  /** One edge per tensor input; null where no gradient flows. */
  next: (Node | null)[];
  /** Shape of each tensor input: gradients are reduced to it (broadcasting). */
  readonly inputShapes: (readonly number[])[];
  ctx: Ctx | null;
  backwardFn: BackwardFn | null;
  /** For the leaf accumulator: the leaf tensor whose .grad receives the sum. */
  readonly variable: Tensor | null;
  /** Non-leaf tensors that asked for retainGrad(). */
  retained: Tensor[] | null = null;
  /** Set once the graph behind this node was freed by a backward without retainGraph. */
  released = false;
  /**
   * A built-in op's node: its backward neither keeps the gradient it is given
   * nor returns tensors it keeps, so the engine may recycle both. False for
   * autograd.Function subclasses (user code may hold on to them).
   */
  builtin = true;

  constructor(name: string, next: (Node | null)[], inputShapes: (readonly number[])[], ctx: Ctx | null,
              backwardFn: BackwardFn | null, variable: Tensor | null = null) {
    this.name = name;
    this.next = next;
    this.inputShapes = inputShapes;
    this.ctx = ctx;
    this.backwardFn = backwardFn;
    this.variable = variable;
  }

  toString(): string {
    return `<${this.name}>`;
  }
}
