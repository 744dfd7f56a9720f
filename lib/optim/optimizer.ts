/**
 * Optimizer: parameter groups with per-group options, per-parameter state,
 * zeroGrad, and a state dict in PyTorch's layout (state keyed by the
 * parameter's index across groups, param_groups holding the options and the
 * indices of their parameters).
 */
import { Tensor } from '../tensor';
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

/** p.grad as a contiguous tensor of p's dtype, after checking it is a tensor of p's shape. */
export function checkGrad(opt: string, p: Tensor): Tensor {
  const g = p.grad as unknown;
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
  protected readonly defaults: O;

  constructor(params: ParamsArg<O>, defaults: O) {
    this.defaults = defaults;
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
    for (const g of this.paramGroups)
      for (const p of g.params) {
        if (setToNone) p.grad = null;
        else if (p.grad) p.grad.detach().zero_();
      }
  }

  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    let i = 0;
    const param_groups = this.paramGroups.map((g) => {
      const { params, ...opts } = g as ParamGroup<O> & Record<string, unknown>;
      return { ...opts, params: params.map((p) => { index.set(p, i); return i++; }) };
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

  loadStateDict(sd: OptimizerStateDict): void {
    const name = this.constructor.name;
    if (!sd || !Array.isArray(sd.param_groups) || typeof sd.state !== 'object')
      throw new TypeError(`${name}.loadStateDict: expects { state, param_groups }`);
    if (sd.param_groups.length !== this.paramGroups.length)
      throw new RangeError(`${name}.loadStateDict: loaded state dict has ${sd.param_groups.length} parameter groups, the optimizer has ${this.paramGroups.length}`);
    const byIndex = new Map<number, Tensor>();
    sd.param_groups.forEach((g, gi) => {
      const ids = g.params as number[];
      if (!Array.isArray(ids) || ids.length !== this.paramGroups[gi].params.length)
        throw new RangeError(`${name}.loadStateDict: loaded state dict contains a parameter group that doesn't match the size of optimizer's group ${gi}`);
      ids.forEach((id, j) => {
        if (!Number.isInteger(id) || id < 0 || byIndex.has(id))
          throw new RangeError(`${name}.loadStateDict: param_groups[${gi}].params[${j}] must be a unique non-negative integer index, got ${JSON.stringify(id)}`);
        byIndex.set(id, this.paramGroups[gi].params[j]);
      });
    });
    for (const [k, s] of Object.entries(sd.state)) {
      const p = byIndex.get(Number(k));
      if (!p) throw new RangeError(`${name}.loadStateDict: state for unknown parameter index ${k}`);
      if (s === null || typeof s !== 'object') throw new TypeError(`${name}.loadStateDict: state of parameter ${k} must be an object`);
      for (const [key, v] of Object.entries(s)) {
        if (!(v instanceof Tensor) && typeof v !== 'number')
          throw new TypeError(`${name}.loadStateDict: state '${key}' of parameter ${k} must be a Tensor or a number`);
        // Per-parameter buffers have the parameter's shape; only a step count may be a one-element tensor.
        if (v instanceof Tensor && key !== 'step' && !sameShape(v._shape, p._shape))
          throw new RangeError(`${name}.loadStateDict: state '${key}' of parameter ${k} has shape ${fmtShape(v._shape)}, the parameter ${fmtShape(p._shape)}`);
      }
    }
    this.state.clear();
    for (const [k, s] of Object.entries(sd.state)) {
      const copy: Record<string, Tensor | number> = {};
      for (const [n, v] of Object.entries(s)) copy[n] = v instanceof Tensor ? v.clone().detach() : v;
      this.state.set(byIndex.get(Number(k))!, copy);
    }
    sd.param_groups.forEach((g, gi) => {
      const { params: _p, ...opts } = g;
      Object.assign(this.paramGroups[gi], opts);
    });
  }
}

export { Parameter };
