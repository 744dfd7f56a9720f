/**
 * nn.Module: the base of every layer and network. Parameters, buffers and
 * submodules are found by walking the instance's own fields in declaration
 * order (as tinygrad walks __dict__), so a subclass never lists them:
 *
 *   class TwoLayers extends nn.Module {
 *     un = new nn.Linear(13, 5); act = new nn.Tanh(); deux = new nn.Linear(5, 1);
 *     forward(x: Tensor) { return this.deux.forward(this.act.forward(this.un.forward(x))); }
 *   }
 *
 * Names are PyTorch's dotted paths: 'un.weight', '0.bias'.
 */
import { DType } from '../dtype';
import { fmtShape, sameShape } from '../shape';
import { Tensor } from '../tensor';
import { noGrad } from '../autograd/grad_mode';
import { Parameter } from './parameter';
import { assignInto } from '../ops/shape';
import { checkBool, checkOptions } from '../ops/util';

export type StateDict = Map<string, Tensor>;

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export abstract class Module {
  /** Training mode (Dropout and BatchNorm behave differently in eval). */
  training = true;
  /** @internal names of fields registered as buffers (persistent ones go in the state dict). */
  private _bufferNames?: Map<string, boolean>;

  /** The computation; subclasses define it. */
  abstract forward(...args: any[]): any;

  /** Same as forward (PyTorch's module(x)). */
  call(...args: any[]): any {
    return this.forward(...args);
  }

  /** Registers a tensor field that is state but not a parameter (e.g. BatchNorm's running mean). */
  registerBuffer(name: string, tensor: Tensor | null, persistent = true): void {
    checkBool('registerBuffer', 'persistent', persistent);
    if (!this._bufferNames) Object.defineProperty(this, '_bufferNames', { value: new Map(), enumerable: false, writable: true });
    this._bufferNames!.set(name, persistent);
    (this as any)[name] = tensor;
  }

  /** Own fields in declaration order: [name, value] for parameters, buffers and submodules. */
  private ownEntries(): [string, unknown][] {
    return Object.entries(this).filter(([k]) => k !== 'training' && !k.startsWith('_'));
  }

  *namedChildren(): Generator<[string, Module]> {
    for (const [k, v] of this.ownEntries()) {
      if (v instanceof Module) yield [k, v];
      else if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (v[i] instanceof Module) yield [`${k}.${i}`, v[i]];
      }
    }
  }
  children(): Module[] {
    return [...this.namedChildren()].map(([, m]) => m);
  }

  *namedModules(prefix = ''): Generator<[string, Module]> {
    const seen = new Set<Module>();
    const stack: [string, Module][] = [[prefix, this]];
    // Depth-first, preorder, iterative.
    while (stack.length) {
      const [name, m] = stack.pop()!;
      if (seen.has(m)) continue;
      seen.add(m);
      yield [name, m];
      const kids = [...m.namedChildren()].reverse();
      for (const [k, c] of kids) stack.push([name ? `${name}.${k}` : k, c]);
    }
  }
  modules(): Module[] {
    return [...this.namedModules()].map(([, m]) => m);
  }

  /** Parameters with their dotted names, each listed once, in declaration order. */
  *namedParameters(prefix = '', recurse = true): Generator<[string, Parameter]> {
    const seen = new Set<Parameter>();
    const mods: [string, Module][] = recurse ? [...this.namedModules(prefix)] : [[prefix, this]];
    for (const [mname, m] of mods)
      for (const [k, v] of m.ownEntries())
        if (v instanceof Parameter && !seen.has(v)) {
          seen.add(v);
          yield [mname ? `${mname}.${k}` : k, v];
        }
  }
  parameters(recurse = true): Parameter[] {
    return [...this.namedParameters('', recurse)].map(([, p]) => p);
  }

  *namedBuffers(prefix = ''): Generator<[string, Tensor, boolean]> {
    for (const [mname, m] of this.namedModules(prefix))
      if (m._bufferNames)
        for (const [k, persistent] of m._bufferNames) {
          const v = (m as any)[k];
          if (v instanceof Tensor) yield [mname ? `${mname}.${k}` : k, v, persistent];
        }
  }
  buffers(): Tensor[] {
    return [...this.namedBuffers()].map(([, b]) => b);
  }

  /** Sets training mode here and in every submodule. */
  train(mode = true): this {
    checkBool('train', 'mode', mode); // PyTorch: "training mode is expected to be boolean"
    for (const m of this.modules()) m.training = mode;
    return this;
  }
  eval(): this {
    return this.train(false);
  }

  /** Clears the gradients of every parameter (to null, like PyTorch's default set_to_none). */
  zeroGrad(setToNone = true): void {
    checkBool('zeroGrad', 'setToNone', setToNone);
    for (const p of this.parameters()) {
      if (setToNone) p._dropGrad();
      else if (p._grad) noGrad(() => p._grad!.zero_());
    }
  }

  /** Applies fn to every submodule and then to this one (like PyTorch's apply). */
  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  /** Parameters and persistent buffers by dotted name, sharing storage with the module. */
  /**
   * Parameters and persistent buffers by dotted name, in PyTorch's order:
   * module by module (preorder), each module's parameters then its buffers.
   * A parameter shared by two modules appears under both names, as in PyTorch.
   */
  stateDict(): StateDict {
    const sd: StateDict = new Map();
    for (const [mname, m] of this.namedModules()) {
      const key = (k: string) => (mname ? `${mname}.${k}` : k);
      for (const [k, v] of m.ownEntries()) if (v instanceof Parameter) sd.set(key(k), v.detach());
      if (m._bufferNames)
        for (const [k, persistent] of m._bufferNames) {
          const v = (m as any)[k];
          if (persistent && v instanceof Tensor) sd.set(key(k), v.detach());
        }
    }
    return sd;
  }

  /**
   * Copies a state dict into the module's parameters and buffers. With strict
   * (the default) missing and unexpected keys are an error; a shape mismatch
   * always is. Nothing is copied unless every check passes.
   */
  loadStateDict(sd: StateDict | Record<string, Tensor>, options: { strict?: boolean } | boolean = {}): LoadResult {
    // PyTorch's positional load_state_dict(sd, False) reads as loadStateDict(sd, false).
    const strict = typeof options === 'boolean' ? options : checkOptions('loadStateDict', options, ['strict'], '{ strict: false }').strict ?? true;
    if (typeof strict !== 'boolean') throw new TypeError(`loadStateDict: strict must be a boolean, got ${typeof strict}`);
    if (sd === null || typeof sd !== 'object' || sd instanceof Tensor)
      throw new TypeError(`loadStateDict: expects a Map or an object of tensors, got ${sd === null ? 'null' : sd instanceof Tensor ? 'a Tensor' : typeof sd}`);
    const entries = sd instanceof Map ? sd : new Map(Object.entries(sd));
    const own = this.stateDict();
    const ownTargets = new Map<string, Tensor>();
    for (const [k, p] of this.namedParameters()) ownTargets.set(k, p);
    for (const [k, b, persistent] of this.namedBuffers()) if (persistent) ownTargets.set(k, b);
    const missingKeys = [...own.keys()].filter((k) => !entries.has(k));
    const unexpectedKeys = [...entries.keys()].filter((k) => !own.has(k));
    const errors: string[] = [];
    for (const [k, v] of entries) {
      const target = ownTargets.get(k);
      if (!target) continue;
      if (!(v instanceof Tensor)) errors.push(`value for ${k} is not a Tensor`);
      else if (!sameShape(v.shape, target.shape))
        errors.push(`size mismatch for ${k}: copying a param with shape ${fmtShape(v.shape)} from checkpoint, the shape in current model is ${fmtShape(target.shape)}.`);
    }
    if (strict) {
      if (unexpectedKeys.length) errors.unshift(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}.`);
      if (missingKeys.length) errors.unshift(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}.`);
    }
    if (errors.length)
      throw new Error(`loadStateDict: error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join('\n\t')}`);
    noGrad(() => {
      for (const [k, v] of entries) {
        const target = ownTargets.get(k);
        if (target) assignInto(target, v);
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /** Converts every parameter and buffer to dtype in place (e.g. 'float64' for gradcheck). */
  to(dtype: DType): this {
    // One new Parameter per old one, so that tied weights (a Parameter held by two modules) stay tied.
    const converted = new Map<Parameter, Parameter>();
    const convert = (p: Parameter): Parameter => {
      let q = converted.get(p);
      if (!q) converted.set(p, (q = new Parameter(p.detach().to(dtype), p.requiresGrad)));
      return q;
    };
    for (const m of this.modules())
      for (const [k, v] of Object.entries(m)) {
        if (v instanceof Parameter && v.dtype !== dtype) (m as any)[k] = convert(v);
        else if (m._bufferNames?.has(k) && v instanceof Tensor && v.dtype !== dtype && v.dtype !== 'int32') (m as any)[k] = v.to(dtype);
      }
    return this;
  }
  double(): this {
    return this.to('float64');
  }
  float(): this {
    return this.to('float32');
  }

  /** One line for the module itself, e.g. 'in_features=13, out_features=5, bias=True'. */
  extraRepr(): string {
    return '';
  }

  toString(): string {
    const kids = [...this.namedChildren()];
    const name = this.constructor.name;
    if (kids.length === 0) return `${name}(${this.extraRepr()})`;
    const lines = kids.map(([k, m]) => `  (${k}): ${m.toString().split('\n').join('\n  ')}`);
    const extra = this.extraRepr();
    return `${name}(\n${extra ? `  ${extra}\n` : ''}${lines.join('\n')}\n)`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
