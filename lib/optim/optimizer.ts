/**
 * Optimizer: parameter groups with per-group options, per-parameter state,
 * zeroGrad, and a state dict in PyTorch's layout (state keyed by the
 * parameter's index across groups, param_groups holding the options and the
 * indices of their parameters).
 */
import { Tensor, zeros } from '../tensor';
import { fmtShape, sameShape } from '../shape';
import { Parameter } from '../nn/parameter';

export type ParamGroup<O> = O & { params: Tensor[] };
export type ParamsArg<O> = Tensor[] | Iterable<Tensor> | Partial<ParamGroup<O>>[];

export interface OptimizerStateDict {
  state: Record<number, Record<string, Tensor | number>>;
  param_groups: Record<string, unknown>[];
}

/** A finite number >= min (when given): TypeError for a non-number, RangeError otherwise ("SGD: invalid lr -0.1, must be >= 0"). */
export function checkHyper(opt: string, name: string, v: unknown, min?: number): void {
  if (typeof v !== 'number') throw new TypeError(`${opt}: ${name} must be a number, got ${v === null ? 'null' : typeof v}`);
  if (!Number.isFinite(v)) throw new RangeError(`${opt}: invalid ${name} ${v}, must be finite`);
  if (min !== undefined && !(v >= min)) throw new RangeError(`${opt}: invalid ${name} ${v}, must be >= ${min}`);
}

/** A finite number in [lo, hi) (or [lo, hi] when closed): "Adam: invalid betas[0] 1, must be in [0, 1)". */
export function checkInRange(opt: string, name: string, v: unknown, lo: number, hi: number, closed = false): void {
  checkHyper(opt, name, v);
  const n = v as number;
  if (!(n >= lo && (closed ? n <= hi : n < hi))) throw new RangeError(`${opt}: invalid ${name} ${n}, must be in [${lo}, ${hi}${closed ? ']' : ')'}`);
}

/** A boolean option: "Adam: amsgrad must be a boolean, got number". */
export function checkBool(opt: string, name: string, v: unknown): void {
  if (typeof v !== 'boolean') throw new TypeError(`${opt}: ${name} must be a boolean, got ${v === null ? 'null' : typeof v}`);
}

/** p.grad as a contiguous tensor of p's dtype, after checking it is a tensor of p's shape. */
export function checkGrad(opt: string, p: Tensor): Tensor {
  const g = p._grad as unknown;
  if (!(g instanceof Tensor)) throw new TypeError(`${opt}: a parameter's grad must be a Tensor or null, got ${typeof g}`);
  if (!sameShape(g._shape, p._shape))
    throw new RangeError(`${opt}: gradient of shape ${fmtShape(g._shape)} does not match its parameter of shape ${fmtShape(p._shape)}`);
  const c = g.contiguous();
  return c.dtype === p.dtype ? c : c.to(p.dtype);
}

export abstract class Optimizer<O extends object> {
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state (e.g. the momentum buffer). */
  readonly state = new Map<Tensor, Record<string, Tensor | number>>();
  /** The options a group gets for those it does not set (PyTorch's optimizer.defaults). */
  readonly defaults: O;
  /**
   * @internal Calls of step() so far (PyTorch's optimizer._step_count): an lr
   * scheduler resets it when it is created and warns when it is stepped first.
   */
  _stepCount = 0;

  /**
   * `given` is the options object the user passed: a key that is not one of
   * the defaults' is a TypeError (PyTorch's unexpected keyword argument), not
   * a silently ignored typo such as { momentun: 0.9 }.
   */
  constructor(params: ParamsArg<O>, defaults: O, given?: object) {
    if (given !== undefined && (given === null || typeof given !== 'object'))
      throw new TypeError(`${new.target.name}: options must be an object, got ${given === null ? 'null' : typeof given}`);
    for (const k of Object.keys(given ?? {}))
      if (!(k in defaults))
        throw new TypeError(`${new.target.name}: unknown option '${k}' (expected ${Object.keys(defaults).map((d) => `'${d}'`).join(', ')})`);
    this.defaults = defaults;
    // Count the steps whatever the subclass's step() does (PyTorch wraps
    // optimizer.step the same way when a scheduler is attached).
    const step = this.step;
    this.step = () => {
      this._stepCount++;
      step.call(this);
    };
    const name = this.constructor.name;
    const list = Array.isArray(params) ? params : params && typeof (params as Iterable<Tensor>)[Symbol.iterator] === 'function' ? [...(params as Iterable<Tensor>)] : null;
    if (!list) throw new TypeError(`${name}: params must be an array of tensors or of parameter groups`);
    if (list.length === 0) throw new RangeError(`${name}: got an empty parameter list`);
    const groups = (list[0] instanceof Tensor ? [{ params: list as Tensor[] }] : list) as Partial<ParamGroup<O>>[];
    for (const g of groups) this.addParamGroup(g);
  }

  addParamGroup(group: Partial<ParamGroup<O>>): void {
    const name = this.constructor.name;
    if (!group || !Array.isArray(group.params)) throw new TypeError(`${name}: a parameter group needs a params array`);
    const params = group.params;
    const seen = new Set<Tensor>();
    for (const g of this.paramGroups) for (const p of g.params) seen.add(p);
    for (const [i, p] of params.entries()) {
      if (!(p instanceof Tensor)) throw new TypeError(`${name}: parameter ${i} is not a Tensor`);
      if (!p.isLeaf) throw new Error(`${name}: can't optimize a non-leaf Tensor (parameter ${i})`);
      if (seen.has(p)) throw new Error(`${name}: some parameters appear in more than one parameter group (parameter ${i} is given twice)`);
      seen.add(p);
    }
    const full = { ...this.defaults, ...group, params: params.slice() } as ParamGroup<O>;
    this.validate(full);
    this.paramGroups.push(full);
  }

  /** Checks a group's options; throws e.g. "SGD: invalid lr -0.1, must be >= 0". */
  protected abstract validate(group: ParamGroup<O>): void;

  /** Applies one update to every parameter that has a gradient. */
  abstract step(): void;

  /** Clears the gradients (to null by default, like PyTorch 2's set_to_none). */
  zeroGrad(setToNone = true): void {
    checkBool(`${this.constructor.name}.zeroGrad`, 'setToNone', setToNone);
    for (const g of this.paramGroups)
      for (const p of g.params) {
        if (setToNone) p._dropGrad();
        else if (p._grad) p._grad.detach().zero_();
      }
  }

  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    let i = 0;
    const param_groups = this.paramGroups.map((g) => {
      const { params, ...opts } = g as ParamGroup<O> & Record<string, unknown>;
      return { ...copyOptions(opts), params: params.map((p) => { index.set(p, i); return i++; }) };
    });
    const state: OptimizerStateDict['state'] = {};
    for (const [p, s] of this.state) {
      const k = index.get(p);
      if (k === undefined) continue;
      const copy: Record<string, Tensor | number> = {};
      for (const [name, v] of Object.entries(s)) copy[name] = v instanceof Tensor ? v.clone().detach() : v;
      state[k] = copy;
    }
    return { state, param_groups };
  }

  /**
   * Loads a state from stateDict() (PyTorch's layout). Everything is checked
   * first: the groups and their sizes, the state's parameter indices, its
   * buffers' shapes, finite numbers, the options; a refused dict changes nothing.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const name = this.constructor.name;
    const op = `${name}.loadStateDict`;
    if (!isPlainObject(sd) || !Array.isArray(sd.param_groups) || !isPlainObject(sd.state))
      throw new TypeError(`${op}: expects { state, param_groups } as stateDict() returns`);
    if (sd.param_groups.length !== this.paramGroups.length)
      throw new RangeError(`${op}: loaded state dict has ${sd.param_groups.length} parameter groups, the optimizer has ${this.paramGroups.length}`);
    const byIndex = new Map<number, Tensor>();
    sd.param_groups.forEach((g, gi) => {
      if (!isPlainObject(g)) throw new TypeError(`${op}: param_groups[${gi}] must be an object, got ${kindOf(g)}`);
      const ids = g.params as number[];
      if (!Array.isArray(ids) || ids.length !== this.paramGroups[gi].params.length)
        throw new RangeError(`${op}: loaded state dict contains a parameter group that doesn't match the size of optimizer's group ${gi}`);
      ids.forEach((id, j) => {
        if (!Number.isInteger(id) || id < 0 || byIndex.has(id))
          throw new RangeError(`${op}: param_groups[${gi}].params[${j}] must be a unique non-negative integer index, got ${JSON.stringify(id)}`);
        byIndex.set(id, this.paramGroups[gi].params[j]);
      });
      // The options this optimizer knows are checked by validate() below; the others (a scheduler's
      // initialLr...) here: finite when numbers, and numbers where the current group has a number.
      const cur = this.paramGroups[gi] as Record<string, unknown>;
      for (const [key, v] of Object.entries(g)) {
        if (key in this.defaults || key === 'params') continue;
        if (typeof cur[key] === 'number' && typeof v !== 'number')
          throw new TypeError(`${op}: param_groups[${gi}].${key} must be a number, got ${kindOf(v)}`);
        if (typeof v === 'number' && !Number.isFinite(v))
          throw new RangeError(`${op}: param_groups[${gi}].${key} must be a finite number, got ${v}`);
      }
    });
    for (const [k, s] of Object.entries(sd.state)) {
      const p = /^(0|[1-9][0-9]*)$/.test(k) ? byIndex.get(Number(k)) : undefined;
      if (!p) throw new RangeError(`${op}: state for unknown parameter index ${JSON.stringify(k)}`);
      if (!isPlainObject(s)) throw new TypeError(`${op}: state of parameter ${k} must be an object, got ${kindOf(s)}`);
      for (const [key, v] of Object.entries(s)) {
        if (!(v instanceof Tensor) && typeof v !== 'number')
          throw new TypeError(`${op}: state '${key}' of parameter ${k} must be a Tensor or a number, got ${kindOf(v)}`);
        if (key === 'step') {
          // A step count: a number or a one-element tensor (PyTorch >= 1.12 keeps a float32 tensor), >= 0.
          const n = v instanceof Tensor ? (v.numel() === 1 ? v.item() : NaN) : v;
          if (!(n >= 0) || !Number.isFinite(n))
            throw new RangeError(`${op}: state 'step' of parameter ${k} must be a finite count >= 0 (a number or a one-element tensor), got ${v instanceof Tensor ? `a tensor of shape ${fmtShape(v._shape)}` : n}`);
          continue;
        }
        if (typeof v === 'number' && !Number.isFinite(v))
          throw new RangeError(`${op}: state '${key}' of parameter ${k} must be a finite number, got ${v}`);
        // Per-parameter buffers have the parameter's shape.
        if (v instanceof Tensor && !sameShape(v._shape, p._shape))
          throw new RangeError(`${op}: state '${key}' of parameter ${k} has shape ${fmtShape(v._shape)}, the parameter ${fmtShape(p._shape)}`);
      }
    }
    // The loaded options must be valid for this optimizer (checked on copies).
    const merged = sd.param_groups.map((g, gi) => {
      const { params: _p, ...opts } = g;
      return { ...this.paramGroups[gi], ...copyOptions(opts), params: this.paramGroups[gi].params } as ParamGroup<O>;
    });
    for (const g of merged) this.validate(g);
    // The new state is built in full before anything is replaced.
    const state = new Map<Tensor, Record<string, Tensor | number>>();
    for (const [k, s] of Object.entries(sd.state)) {
      const p = byIndex.get(Number(k))!;
      const copy: Record<string, Tensor | number> = {};
      // Like PyTorch, floating-point buffers take the parameter's dtype; the step count keeps its own.
      for (const [n, v] of Object.entries(s))
        copy[n] = v instanceof Tensor ? (n !== 'step' && v.dtype !== p.dtype && v.dtype !== 'int32' ? v.detach().to(p.dtype) : v.detach().clone()) : v;
      state.set(p, copy);
    }
    this.state.clear();
    for (const [p, s] of state) this.state.set(p, s);
    merged.forEach((g, gi) => Object.assign(this.paramGroups[gi], g));
  }

  /**
   * @internal The parameters of a group that have a gradient (the others are
   * skipped, weight decay included, as in PyTorch), each with its gradient as
   * a contiguous tensor of its dtype. All must share one dtype (one native call).
   */
  protected _withGrads(params: Tensor[]): { params: Tensor[]; grads: Tensor[] } {
    const owner = this._storageOwners(params);
    return owner ? this._withGradsOwned(params, owner) : this._withGradsShared(params);
  }

  /**
   * @internal For a group whose parameters each have a storage of their own
   * (the usual case): storage -> parameter index, built once per group and
   * reused while the parameters' storages stay the same. null when some
   * storage holds several parameters (then every step checks their spans).
   */
  private _storageOwners(params: Tensor[]): Map<object, number> | null {
    const known = this._owners.get(params);
    if (known && known.storages.length === params.length) {
      let same = true;
      for (let i = 0; i < params.length && same; i++) same = known.storages[i] === params[i]._storage;
      if (same) return known.owner;
    }
    const storages = params.map((p) => p._storage);
    let owner: Map<object, number> | null = new Map();
    storages.forEach((s, i) => {
      if (owner?.has(s)) owner = null;
      else owner?.set(s, i);
    });
    this._owners.set(params, { storages, owner });
    return owner;
  }
  private readonly _owners = new WeakMap<Tensor[], { storages: object[]; owner: Map<object, number> | null }>();

  /** _withGrads when no two parameters share a storage: only a gradient over a parameter's memory needs a look. */
  private _withGradsOwned(params: Tensor[], owner: Map<object, number>): { params: Tensor[]; grads: Tensor[] } {
    const name = this.constructor.name;
    const ps: Tensor[] = [], gs: Tensor[] = [];
    params.forEach((p, i) => {
      if (p._grad === null) return;
      p._live(`${name}.step`);
      if (!p.isContiguous()) throw new Error(`${name}: parameters must be contiguous tensors`);
      if (p._grad instanceof Tensor && p._grad.isDisposed) throw new Error(`${name}: the gradient of parameter ${i} was disposed`);
    });
    params.forEach((p, i) => {
      if (p._grad === null) return;
      const g = checkGrad(name, p);
      const j = g === p._grad ? owner.get(g._storage) : undefined;
      if (j !== undefined && params[j]._grad !== null) {
        const q = params[j], lo = g._offset, hi = lo + g.numel();
        if (lo < q._offset + q.numel() && q._offset < hi && hi > lo)
          throw new Error(`${name}: the gradient of parameter ${i} shares memory with parameter ${j}`);
      }
      ps.push(p);
      gs.push(g);
    });
    return { params: ps, grads: this._oneDtype(name, ps, gs) };
  }

  private _oneDtype(name: string, ps: Tensor[], gs: Tensor[]): Tensor[] {
    for (const p of ps)
      if (p.dtype !== ps[0].dtype) throw new TypeError(`${name}: the parameters of one group must share a dtype; got ${ps[0].dtype} and ${p.dtype}`);
    return gs;
  }

  /** _withGrads when parameters share storages: every parameter's span is checked against the others'. */
  private _withGradsShared(params: Tensor[]): { params: Tensor[]; grads: Tensor[] } {
    const name = this.constructor.name;
    const ps: Tensor[] = [], gs: Tensor[] = [];
    // The parameters are updated in place: none may share memory with another
    // parameter or with a gradient (gradients may share memory among themselves).
    const spans = new Map<object, [number, number, number][]>();
    const sharer = (t: Tensor): number => {
      const lo = t._offset, hi = lo + t.numel();
      for (const [a, b, i] of spans.get(t._storage) ?? []) if (lo < b && a < hi && hi > lo) return i;
      return -1;
    };
    params.forEach((p, i) => {
      if (p._grad === null) return;
      p._live(`${name}.step`);
      if (!p.isContiguous()) throw new Error(`${name}: parameters must be contiguous tensors`);
      const j = sharer(p);
      if (j >= 0) throw new Error(`${name}: parameters ${j} and ${i} share memory`);
      const list = spans.get(p._storage);
      const span: [number, number, number] = [p._offset, p._offset + p.numel(), i];
      if (list) list.push(span);
      else spans.set(p._storage, [span]);
      if (p._grad instanceof Tensor && p._grad.isDisposed) throw new Error(`${name}: the gradient of parameter ${i} was disposed`);
    });
    params.forEach((p, i) => {
      if (p._grad === null) return;
      const g = checkGrad(name, p);
      // checkGrad returns the grad itself (contiguous, of p's dtype) or a fresh copy, which shares nothing.
      const j = g === p._grad ? sharer(g) : -1;
      if (j >= 0) throw new Error(`${name}: the gradient of parameter ${i} shares memory with parameter ${j}`);
      ps.push(p);
      gs.push(g);
    });
    return { params: ps, grads: this._oneDtype(name, ps, gs) };
  }

  /**
   * @internal State buffer `key` of parameter p (created as zeros when missing):
   * a contiguous tensor of p's shape and dtype (a loaded or hand-set buffer
   * of another layout or dtype is converted once).
   */
  protected _buffer(st: Record<string, Tensor | number>, key: string, p: Tensor): Tensor {
    let b = st[key];
    if (b === undefined) {
      b = zeros(p.shape, { dtype: p.dtype });
      st[key] = b;
    }
    if (!(b instanceof Tensor)) throw new TypeError(`${this.constructor.name}: state '${key}' must be a Tensor, got ${typeof b}`);
    if (!sameShape(b._shape, p._shape))
      throw new RangeError(`${this.constructor.name}: state '${key}' has shape ${fmtShape(b._shape)}, its parameter ${fmtShape(p._shape)}`);
    if (!b.isContiguous() || b.dtype !== p.dtype || b.requiresGrad) {
      b = b.detach().contiguous().to(p.dtype).clone();
      st[key] = b;
    }
    return b;
  }
}

function isPlainObject(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Tensor) && !(v instanceof Map);
}

function kindOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : v instanceof Map ? 'a Map' : typeof v;
}

/** A group's options with arrays (betas) copied, so that a state dict and the optimizer share nothing. */
function copyOptions(opts: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts)) out[k] = Array.isArray(v) ? v.slice() : v;
  return out;
}

export { Parameter };
