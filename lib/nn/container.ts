import { Module } from './module';
import { Linear } from './linear';
import { ReLU, Sigmoid, Tanh } from './activation';
import type { FusedActivation } from '../ops/matmul';

/** The activation a Linear may be fused with: only these exact classes (a subclass may change forward). */
function fusable(m: Module | undefined): FusedActivation | null {
  const c = m?.constructor;
  return c === ReLU ? 'relu' : c === Tanh ? 'tanh' : c === Sigmoid ? 'sigmoid' : null;
}

/**
 * Runs modules in order; they are named '0', '1', ... (so parameters are
 * '0.weight', '0.bias', ... as in PyTorch).
 * @example new Sequential(new Linear(13, 5), new Tanh(), new Linear(5, 1))
 */
export class Sequential extends Module {
  [index: number]: Module;
  private _length = 0;

  constructor(...modules: Module[]) {
    super();
    for (const m of modules) this.append(m);
  }

  append(m: Module): this {
    if (!(m instanceof Module)) throw new TypeError(`Sequential: every entry must be an nn.Module, got ${typeof m} at index ${this._length}`);
    (this as any)[this._length++] = m;
    return this;
  }

  get length(): number {
    return this._length;
  }

  get(i: number): Module {
    const k = i < 0 ? i + this._length : i;
    if (!Number.isInteger(k) || k < 0 || k >= this._length) throw new RangeError(`Sequential: index ${i} out of range for ${this._length} modules`);
    return this[k];
  }

  /**
   * Runs the modules in order. A Linear followed by a ReLU, Tanh or Sigmoid
   * runs as one op (same values and gradients, one buffer and node fewer).
   */
  forward(x: any): any {
    for (let i = 0; i < this._length; i++) {
      const m = this[i];
      const act = m.constructor === Linear ? fusable(this[i + 1]) : null;
      if (act) {
        x = (m as Linear)._forwardAct(x, act);
        i++;
      } else x = m.forward(x);
    }
    return x;
  }

  *[Symbol.iterator](): Iterator<Module> {
    for (let i = 0; i < this._length; i++) yield this[i];
  }
}

/** Holds submodules in a list (named '0', '1', ...), without a forward of its own. */
export class ModuleList extends Module {
  [index: number]: Module;
  private _length = 0;

  constructor(modules: Module[] = []) {
    super();
    for (const m of modules) this.append(m);
  }
  append(m: Module): this {
    if (!(m instanceof Module)) throw new TypeError('ModuleList: every entry must be an nn.Module');
    (this as any)[this._length++] = m;
    return this;
  }
  get length(): number {
    return this._length;
  }
  get(i: number): Module {
    return this[i < 0 ? i + this._length : i];
  }
  forward(): never {
    throw new Error('ModuleList has no forward; call its modules');
  }
  *[Symbol.iterator](): Iterator<Module> {
    for (let i = 0; i < this._length; i++) yield this[i];
  }
}
