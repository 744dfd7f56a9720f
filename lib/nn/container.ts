import { Module } from './module';

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

  forward(x: any): any {
    for (let i = 0; i < this._length; i++) x = this[i].forward(x);
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
