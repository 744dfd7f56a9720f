/**
 * Learning-rate schedulers, PyTorch 1.13's torch.optim.lr_scheduler: the same
 * learning rates epoch by epoch (the chainable forms, computed in the same
 * order in double precision), getLastLr(), step(), stateDict()/loadStateDict().
 *
 *   const opt = new optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
 *   const sched = new optim.lrScheduler.StepLR(opt, { stepSize: 30, gamma: 0.1 });
 *   for (let epoch = 0; epoch < 100; epoch++) { train(opt); sched.step(); }
 *
 * A scheduler writes `lr` (and, for OneCycleLR, `momentum` or `betas[0]`) into
 * the optimizer's parameter groups; creating one records each group's
 * starting lr as `initialLr` (PyTorch's 'initial_lr'). Call optimizer.step()
 * before scheduler.step(), as in PyTorch >= 1.1: the other order skips the
 * first value of the schedule, and gives a one-time warning.
 */
import { Tensor } from '../tensor';
import { Optimizer } from './optimizer';

/** Any optimizer: schedulers only read and write its groups' lr (and momentum). */
export type AnyOptimizer = Optimizer<object>;
type Group = Record<string, unknown> & { lr: number };

function groupsOf(opt: AnyOptimizer): Group[] {
  return opt.paramGroups as unknown as Group[];
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

function checkNumber(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw new TypeError(`${op}: ${name} must be a number, got ${kind(v)}`);
  if (!Number.isFinite(v)) throw new RangeError(`${op}: invalid ${name} ${v}, must be finite`);
  return v;
}

function checkInt(op: string, name: string, v: unknown, min: number): number {
  if (typeof v !== 'number') throw new TypeError(`${op}: ${name} must be an integer, got ${kind(v)}`);
  if (!Number.isInteger(v) || v < min) throw new RangeError(`${op}: invalid ${name} ${v}, must be an integer >= ${min}`);
  return v;
}

function checkFactor(op: string, name: string, v: unknown, lo: number, loOpen: boolean): number {
  checkNumber(op, name, v);
  const n = v as number;
  if (!(loOpen ? n > lo : n >= lo) || !(n <= 1)) throw new RangeError(`${op}: invalid ${name} ${n}, must be in ${loOpen ? '(' : '['}${lo}, 1]`);
  return n;
}

function checkPositive(op: string, name: string, v: unknown): number {
  const n = checkNumber(op, name, v);
  if (!(n > 0)) throw new RangeError(`${op}: invalid ${name} ${n}, must be > 0`);
  return n;
}

/**
 * A scheduler's options object (undefined reads as {}): a TypeError when it
 * is not an object, lacks a required option or has one the scheduler does not
 * know (PyTorch's missing / unexpected keyword argument).
 */
function optionsOf<T extends object>(op: string, opts: T | undefined, keys: string[], required: string[] = []): Partial<T> {
  if (opts === undefined) opts = {} as T;
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) throw new TypeError(`${op}: options must be an object, got ${kind(opts)}`);
  for (const k of Object.keys(opts))
    if (!keys.includes(k)) throw new TypeError(`${op}: unknown option '${k}' (expected ${keys.map((x) => `'${x}'`).join(', ')})`);
  for (const k of required)
    if ((opts as Record<string, unknown>)[k] === undefined) throw new TypeError(`${op}: missing required option '${k}'`);
  return opts;
}

/** One value per parameter group: a number for all, or an array with one entry per group. */
function perGroup(op: string, name: string, v: unknown, groups: number, check: (x: unknown, what: string) => number): number[] {
  if (Array.isArray(v)) {
    if (v.length !== groups) throw new RangeError(`${op}: expected ${groups} values for ${name} (one per parameter group), got ${v.length}`);
    return v.map((x, i) => check(x, `${name}[${i}]`));
  }
  return new Array<number>(groups).fill(check(v, name));
}

/** Index of the first milestone > x in a sorted array (Python's bisect_right). */
function bisectRight(a: number[], x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < a[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function deepCopy<T>(v: T): T {
  if (Array.isArray(v)) return v.map(deepCopy) as unknown as T;
  if (v !== null && typeof v === 'object' && !(v instanceof Tensor)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = deepCopy(x);
    return out as T;
  }
  return v;
}

/** A scheduler's state: its own fields but the optimizer (and the sub-schedulers, saved by their own stateDict). */
function ownState(obj: object, skip: string[]): Record<string, unknown> {
  const sd: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!skip.includes(k) && typeof v !== 'function') sd[k] = deepCopy(v);
  return sd;
}

/** Integer fields of the schedulers' states (lists: each entry), with their least value. */
const INT_FIELDS: Record<string, number> = {
  lastEpoch: -1, _stepCount: 0, stepSize: 1, totalIters: 1, totalSteps: 1, milestones: 0, _milestones: 1,
  patience: 0, cooldown: 0, cooldownCounter: 0, numBadEpochs: 0,
};
const PHASE_VALUES = ['initialLr', 'maxLr', 'minLr', 'maxMomentum', 'baseMomentum'];
/** String fields and the values they may take. */
const ENUM_FIELDS: Record<string, string[]> = {
  mode: ['min', 'max'], thresholdMode: ['rel', 'abs'], annealStrategy: ['cos', 'linear'],
  startLr: PHASE_VALUES, endLr: PHASE_VALUES, startMomentum: PHASE_VALUES, endMomentum: PHASE_VALUES,
};

/**
 * Checks a loaded value against the scheduler's current one `cur`: the same
 * kind, all the way down (the keys of an object, every entry of a list against
 * the current entries' kind), numbers finite (ReduceLROnPlateau's best may be
 * +-Infinity), integer fields integers, string fields one of their values.
 */
function checkLike(op: string, path: string, key: string, v: unknown, cur: unknown): void {
  if (kind(v) !== kind(cur))
    throw new TypeError(`${op}: '${path}' must be ${kind(cur) === 'array' ? 'an array' : `a ${kind(cur)}`}, got ${kind(v)}`);
  if (typeof v === 'number') {
    if (key in INT_FIELDS) {
      if (!Number.isInteger(v) || v < INT_FIELDS[key]) throw new RangeError(`${op}: '${path}' must be an integer >= ${INT_FIELDS[key]}, got ${v}`);
    } else if (Number.isNaN(v) || (!Number.isFinite(v) && key !== 'best')) {
      throw new RangeError(`${op}: '${path}' must be a finite number, got ${v}`);
    }
  } else if (typeof v === 'string' && key in ENUM_FIELDS) {
    if (!ENUM_FIELDS[key].includes(v)) throw new RangeError(`${op}: '${path}' must be one of ${ENUM_FIELDS[key].map((x) => `'${x}'`).join(', ')}, got ${JSON.stringify(v)}`);
  } else if (Array.isArray(v)) {
    // Lists of numbers may be empty now (milestones); other lists are checked against their first entry.
    const like = (cur as unknown[]).length > 0 ? (cur as unknown[])[0] : 0;
    v.forEach((x, i) => checkLike(op, `${path}[${i}]`, key, x, like));
  } else if (v !== null && typeof v === 'object') {
    const want = Object.keys(cur as object), got = Object.keys(v);
    if (want.length !== got.length || !want.every((k) => k in v))
      throw new RangeError(`${op}: '${path}' must have the keys ${want.join(', ')}, got ${got.join(', ')}`);
    for (const k of want) checkLike(op, `${path}.${k}`, k, (v as Record<string, unknown>)[k], (cur as Record<string, unknown>)[k]);
  }
}

/**
 * Loads `sd` into obj's fields after checking it has exactly obj's keys, each
 * like the current value (checkLike), and one entry per parameter group in the
 * per-group lists. Nothing changes when a check fails.
 */
function loadOwnState(op: string, obj: object, sd: unknown, skip: string[], perGroupKeys: string[], groups: number): void {
  if (sd === null || typeof sd !== 'object' || Array.isArray(sd)) throw new TypeError(`${op}: expects a state dict object, got ${kind(sd)}`);
  const mine = ownState(obj, skip);
  const given = sd as Record<string, unknown>;
  for (const k of Object.keys(given))
    if (!(k in mine)) throw new RangeError(`${op}: unknown key '${k}' (this scheduler's keys: ${Object.keys(mine).join(', ')})`);
  for (const [k, cur] of Object.entries(mine)) {
    if (!(k in given)) throw new RangeError(`${op}: missing key '${k}'`);
    const v = given[k];
    checkLike(op, k, k, v, cur);
    if (perGroupKeys.includes(k) && Array.isArray(v) && v.length !== groups)
      throw new RangeError(`${op}: '${k}' has ${v.length} entries, the optimizer has ${groups} parameter groups`);
  }
  for (const k of Object.keys(mine)) (obj as Record<string, unknown>)[k] = deepCopy(given[k]);
}

/** PyTorch's warning (issue 20124), given once per process. */
let warnedStepOrder = false;
const STEP_ORDER_WARNING =
  'Detected call of `lr_scheduler.step()` before `optimizer.step()`. ' +
  'Like PyTorch >= 1.1.0, torchlet expects them in the opposite order: `optimizer.step()` before `lr_scheduler.step()`. ' +
  'Failure to do this will result in skipping the first value of the learning rate schedule. ' +
  'See https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate';

/** @internal Lets tests see the one-time warning again. */
export function _resetStepOrderWarning(): void {
  warnedStepOrder = false;
}

/**
 * Base of the epoch-indexed schedulers (PyTorch's _LRScheduler). A subclass
 * checks its options, then calls _attach(lastEpoch), which records the
 * groups' initialLr and performs the initial step (lastEpoch -1 -> 0).
 */
export abstract class LRScheduler {
  declare readonly optimizer: AnyOptimizer;
  /** Each group's initialLr, the schedule's starting point. */
  baseLrs: number[] = [];
  /** Index of the last epoch (step() calls since creation, minus one). */
  lastEpoch = -1;
  /** @internal step() calls, the initial one included (PyTorch's _step_count). */
  _stepCount = 0;
  /** @internal */
  _lastLr: number[] = [];

  constructor(optimizer: AnyOptimizer) {
    const name = this.constructor.name;
    if (!(optimizer instanceof Optimizer)) throw new TypeError(`${name}: optimizer must be an Optimizer, got ${kind(optimizer)}`);
    Object.defineProperty(this, 'optimizer', { value: optimizer, enumerable: false, writable: false });
  }

  /** @internal Records initialLr and baseLrs, then takes the initial step. */
  protected _attach(lastEpoch: number): void {
    const name = this.constructor.name;
    checkInt(name, 'lastEpoch', lastEpoch, -1);
    const groups = groupsOf(this.optimizer);
    groups.forEach((g, i) => {
      if (lastEpoch !== -1 && typeof g.initialLr !== 'number')
        throw new RangeError(`${name}: param 'initialLr' is not specified in paramGroups[${i}] when resuming an optimizer (lastEpoch ${lastEpoch})`);
      if ('initialLr' in g) checkNumber(name, `paramGroups[${i}].initialLr`, g.initialLr);
    });
    if (lastEpoch === -1) for (const g of groups) if (!('initialLr' in g)) g.initialLr = g.lr;
    this.baseLrs = groups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
    this._initialStep();
  }

  /** @internal */
  _initialStep(): void {
    this.optimizer._stepCount = 0;
    this._stepCount = 0;
    this.step();
  }

  /** The learning rates this scheduler set last, one per parameter group. */
  getLastLr(): number[] {
    return this._lastLr.slice();
  }

  /** Advances one epoch (or one batch, for OneCycleLR) and writes the new learning rates into the optimizer. */
  step(): void {
    this._checkOrder();
    this._stepCount++;
    this.lastEpoch++;
    let values: number[];
    try {
      values = this.getLr();
      // Never write a NaN or infinite lr into the optimizer (e.g. from a hand-edited state).
      values.forEach((v, i) => {
        if (!Number.isFinite(v))
          throw new RangeError(`${this.constructor.name}.step: the schedule gives a non-finite lr ${v} for paramGroups[${i}] at epoch ${this.lastEpoch}`);
      });
    } catch (e) {
      this._stepCount--;
      this.lastEpoch--;
      throw e;
    }
    this._apply(values);
  }

  /**
   * @internal The deprecated step(epoch) that SequentialLR uses at its
   * milestones: jumps to `epoch`, by the closed form when there is one.
   */
  _stepTo(epoch: number): void {
    this._checkOrder();
    this._stepCount++;
    this.lastEpoch = epoch;
    this._apply(this._closedFormLr() ?? this.getLr());
  }

  /** The chainable form: the new lrs from the groups' current ones (PyTorch's get_lr). */
  protected abstract getLr(): number[];

  /** The lrs at lastEpoch from baseLrs, or null without a closed form. */
  protected _closedFormLr(): number[] | null {
    return null;
  }

  protected get groups(): Group[] {
    return groupsOf(this.optimizer);
  }

  private _checkOrder(): void {
    if (this._stepCount === 1 && this.optimizer._stepCount < 1 && !warnedStepOrder) {
      warnedStepOrder = true;
      console.warn(`${this.constructor.name}.step: ${STEP_ORDER_WARNING}`);
    }
  }

  private _apply(values: number[]): void {
    this.groups.forEach((g, i) => { g.lr = values[i]; });
    this._lastLr = this.groups.map((g) => g.lr);
  }

  /** Keys of the state dict that hold one entry per parameter group. */
  protected _perGroupKeys(): string[] {
    return ['baseLrs', '_lastLr'];
  }

  /** The scheduler's state (every field but the optimizer), a copy. Save it with the optimizer's. */
  stateDict(): Record<string, unknown> {
    return ownState(this, ['optimizer']);
  }

  /**
   * Restores a state from stateDict(). It must come from a scheduler of the
   * same kind over as many parameter groups (RangeError/TypeError otherwise,
   * and nothing changes).
   */
  loadStateDict(sd: Record<string, unknown>): void {
    loadOwnState(`${this.constructor.name}.loadStateDict`, this, sd, ['optimizer'], this._perGroupKeys(), this.groups.length);
  }
}

/**
 * Multiplies each group's lr by gamma every stepSize epochs:
 *   lr(epoch) = initialLr * gamma^floor(epoch / stepSize)
 * Defaults: gamma 0.1. As PyTorch, it updates the current lr (chainable), so it composes with other schedulers.
 * @example new StepLR(opt, { stepSize: 30 })  // lr 0.05 for epochs 0-29, 0.005 for 30-59, ...
 */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;
  constructor(optimizer: AnyOptimizer, options: { stepSize: number; gamma?: number; lastEpoch?: number }) {
    super(optimizer);
    const { stepSize, gamma = 0.1, lastEpoch = -1 } = optionsOf('StepLR', options, ['stepSize', 'gamma', 'lastEpoch'], ['stepSize']);
    this.stepSize = checkInt('StepLR', 'stepSize', stepSize, 1);
    this.gamma = checkNumber('StepLR', 'gamma', gamma);
    this._attach(lastEpoch);
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }
  protected override _closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

/**
 * Multiplies each group's lr by gamma at each milestone epoch (a milestone
 * given k times multiplies by gamma^k):
 *   lr(epoch) = initialLr * gamma^(number of milestones <= epoch)
 * Defaults: gamma 0.1.
 * @example new MultiStepLR(opt, { milestones: [30, 80], gamma: 0.1 })
 */
export class MultiStepLR extends LRScheduler {
  /** Sorted, repeats kept (PyTorch keeps a Counter). */
  milestones: number[];
  gamma: number;
  constructor(optimizer: AnyOptimizer, options: { milestones: number[]; gamma?: number; lastEpoch?: number }) {
    super(optimizer);
    const { milestones, gamma = 0.1, lastEpoch = -1 } = optionsOf('MultiStepLR', options, ['milestones', 'gamma', 'lastEpoch'], ['milestones']);
    if (!Array.isArray(milestones)) throw new TypeError(`MultiStepLR: milestones must be an array of epochs, got ${kind(milestones)}`);
    this.milestones = milestones.map((m, i) => checkInt('MultiStepLR', `milestones[${i}]`, m, 0)).sort((a, b) => a - b);
    this.gamma = checkNumber('MultiStepLR', 'gamma', gamma);
    this._attach(lastEpoch);
  }
  protected getLr(): number[] {
    const count = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (count === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma ** count);
  }
  protected override _closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** bisectRight(this.milestones, this.lastEpoch));
  }
}

/**
 * Multiplies each group's lr by gamma every epoch: lr(epoch) = initialLr * gamma^epoch.
 * @example new ExponentialLR(opt, { gamma: 0.95 })
 */
export class ExponentialLR extends LRScheduler {
  gamma: number;
  constructor(optimizer: AnyOptimizer, options: { gamma: number; lastEpoch?: number }) {
    super(optimizer);
    const { gamma, lastEpoch = -1 } = optionsOf('ExponentialLR', options, ['gamma', 'lastEpoch'], ['gamma']);
    this.gamma = checkNumber('ExponentialLR', 'gamma', gamma);
    this._attach(lastEpoch);
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }
  protected override _closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }
}

/**
 * Cosine annealing (SGDR without restarts):
 *   lr(epoch) = etaMin + (initialLr - etaMin) * (1 + cos(pi * epoch / tMax)) / 2
 * computed, as PyTorch, in its chainable (recursive) form, which follows the
 * cosine back up after tMax (period 2 tMax) and composes with other schedulers.
 * Defaults: etaMin 0.
 * @example new CosineAnnealingLR(opt, { tMax: 50 })  // from lr down to 0 over 50 epochs
 */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;
  constructor(optimizer: AnyOptimizer, options: { tMax: number; etaMin?: number; lastEpoch?: number }) {
    super(optimizer);
    const { tMax, etaMin = 0, lastEpoch = -1 } = optionsOf('CosineAnnealingLR', options, ['tMax', 'etaMin', 'lastEpoch'], ['tMax']);
    this.tMax = checkPositive('CosineAnnealingLR', 'tMax', tMax);
    // getLr divides pi by tMax: a subnormal tMax would give cos(Infinity) = NaN.
    if (!Number.isFinite(Math.PI / this.tMax)) throw new RangeError(`CosineAnnealingLR: invalid tMax ${tMax}, too small (pi / tMax overflows)`);
    this.etaMin = checkNumber('CosineAnnealingLR', 'etaMin', etaMin);
    this._attach(lastEpoch);
  }
  protected getLr(): number[] {
    const { lastEpoch: e, tMax: T, etaMin } = this;
    if (e === 0) return this.groups.map((g) => g.lr);
    if (this._stepCount === 1 && e > 0)
      return this.baseLrs.map((b) => etaMin + (b - etaMin) * (1 + Math.cos((e * Math.PI) / T)) / 2);
    if ((e - 1 - T) % (2 * T) === 0)
      return this.groups.map((g, i) => g.lr + (this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / T)) / 2);
    return this.groups.map((g) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (g.lr - etaMin) + etaMin);
  }
  protected override _closedFormLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + (b - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax)) / 2);
  }
}

/**
 * Scales each group's lr by a factor going linearly from startFactor to
 * endFactor over totalIters epochs, then stays at endFactor (a warmup when
 * startFactor < endFactor):
 *   lr(epoch) = initialLr * (startFactor + (endFactor - startFactor) * min(epoch, totalIters) / totalIters)
 * Defaults: startFactor 1/3, endFactor 1, totalIters 5.
 * Note: startFactor must be > 0 (PyTorch 1.13 accepts 0 and then divides by zero at epoch 1).
 * @example new LinearLR(opt, { startFactor: 0.1, totalIters: 5 })  // 5 epochs of warmup
 */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;
  constructor(optimizer: AnyOptimizer, options: { startFactor?: number; endFactor?: number; totalIters?: number; lastEpoch?: number } = {}) {
    super(optimizer);
    const { startFactor = 1 / 3, endFactor = 1, totalIters = 5, lastEpoch = -1 } = optionsOf('LinearLR', options, ['startFactor', 'endFactor', 'totalIters', 'lastEpoch']);
    this.startFactor = checkFactor('LinearLR', 'startFactor', startFactor, 0, true);
    this.endFactor = checkFactor('LinearLR', 'endFactor', endFactor, 0, false);
    this.totalIters = checkInt('LinearLR', 'totalIters', totalIters, 1);
    this._attach(lastEpoch);
  }
  protected getLr(): number[] {
    const { lastEpoch: e, startFactor: s, endFactor: f, totalIters: n } = this;
    if (e === 0) return this.groups.map((g) => g.lr * s);
    if (e > n) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1 + (f - s) / (n * s + (e - 1) * (f - s))));
  }
  protected override _closedFormLr(): number[] {
    const { lastEpoch: e, startFactor: s, endFactor: f, totalIters: n } = this;
    return this.baseLrs.map((b) => b * (s + ((f - s) * Math.min(n, e)) / n));
  }
}

export interface OneCycleLROptions {
  /** Peak learning rate, one for all groups or one per group. */
  maxLr: number | number[];
  /** Steps in the cycle; or give epochs and stepsPerEpoch. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the lr. Default 0.3. */
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (or Adam's beta1) inversely to the lr. Default true. */
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
  /** initialLr = maxLr / divFactor. Default 25. */
  divFactor?: number;
  /** minLr = initialLr / finalDivFactor. Default 1e4. */
  finalDivFactor?: number;
  /** Three phases (up, back down to initialLr, then to minLr) instead of two. Default false. */
  threePhase?: boolean;
  lastEpoch?: number;
}

interface Phase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

/**
 * Phase k runs from the end of phase k - 1 (step 0 for the first) to its own
 * end; getLr divides by its length. A first phase that ends before step 0 is
 * never used (a tiny pctStart), as in PyTorch; PyTorch divides by zero on a
 * first phase that ends at step 0, and runs a phase that ends before the previous one backwards.
 */
function checkPhases(op: string, setting: string, phases: Phase[]): void {
  const ends = phases.map((ph) => ph.endStep);
  if (ends.length < 2 || ends.length > 3) throw new RangeError(`${op}: ${setting} ${ends.length} phases; a cycle has 2 or 3`);
  if (ends[0] === 0) throw new RangeError(`${op}: ${setting} a first phase of zero steps (it ends at step 0)`);
  for (let k = 1; k < ends.length; k++)
    if (!(ends[k] > ends[k - 1]))
      throw new RangeError(`${op}: ${setting} phases ending at steps ${ends.join(', ')}; each phase must end after the previous one`);
}

/**
 * The 1cycle policy (Smith & Topin, 2017), stepped after every batch: the lr
 * goes from initialLr = maxLr / divFactor up to maxLr over the first pctStart
 * of totalSteps, then down to minLr = initialLr / finalDivFactor (cosine or
 * linear annealing); with cycleMomentum the momentum (SGD, RMSprop) or
 * betas[0] (Adam, AdamW) goes the other way between maxMomentum and baseMomentum.
 * In phase k from step s0 to s1 (PyTorch's phase ends: pctStart * totalSteps - 1, totalSteps - 1):
 *   pct = (step - s0) / (s1 - s0);  cos: lr = end + (start - end) / 2 * (cos(pi * pct) + 1);  linear: lr = start + (end - start) * pct
 * Defaults: pctStart 0.3, annealStrategy 'cos', cycleMomentum true, baseMomentum 0.85,
 * maxMomentum 0.95, divFactor 25, finalDivFactor 1e4, threePhase false.
 * Stepping more than totalSteps times is a RangeError. Each group gets
 * initialLr, maxLr, minLr, maxMomentum and baseMomentum options, as in PyTorch.
 * @example new OneCycleLR(opt, { maxLr: 0.1, epochs: 10, stepsPerEpoch: loader.length })
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  useBeta1: boolean;
  /** @internal */
  _schedulePhases: Phase[];

  constructor(optimizer: AnyOptimizer, opts: OneCycleLROptions) {
    super(optimizer);
    const op = 'OneCycleLR';
    const { maxLr, totalSteps, epochs, stepsPerEpoch, pctStart = 0.3, annealStrategy = 'cos', cycleMomentum = true,
      baseMomentum = 0.85, maxMomentum = 0.95, divFactor = 25, finalDivFactor = 1e4, threePhase = false, lastEpoch = -1 } = optionsOf(op, opts,
      ['maxLr', 'totalSteps', 'epochs', 'stepsPerEpoch', 'pctStart', 'annealStrategy', 'cycleMomentum', 'baseMomentum', 'maxMomentum',
        'divFactor', 'finalDivFactor', 'threePhase', 'lastEpoch'], ['maxLr']);
    if (totalSteps === undefined && (epochs === undefined || stepsPerEpoch === undefined))
      throw new TypeError(`${op}: you must define either totalSteps or (epochs and stepsPerEpoch)`);
    this.totalSteps = totalSteps !== undefined ? checkInt(op, 'totalSteps', totalSteps, 1)
      : checkInt(op, 'epochs', epochs, 1) * checkInt(op, 'stepsPerEpoch', stepsPerEpoch, 1);
    checkFactor(op, 'pctStart', pctStart, 0, false);
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear')
      throw new RangeError(`${op}: annealStrategy must be 'cos' or 'linear', got ${JSON.stringify(annealStrategy)}`);
    this.annealStrategy = annealStrategy;
    checkPositive(op, 'divFactor', divFactor);
    checkPositive(op, 'finalDivFactor', finalDivFactor);
    if (typeof threePhase !== 'boolean') throw new TypeError(`${op}: threePhase must be a boolean, got ${kind(threePhase)}`);
    if (typeof cycleMomentum !== 'boolean') throw new TypeError(`${op}: cycleMomentum must be a boolean, got ${kind(cycleMomentum)}`);
    const total = this.totalSteps;
    this._schedulePhases = threePhase
      ? [
          { endStep: pctStart * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: 2 * pctStart * total - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
          { endStep: total - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
        ]
      : [
          { endStep: pctStart * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: total - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        ];
    checkPhases(op, `pctStart ${pctStart} and totalSteps ${total}${threePhase ? ' with threePhase' : ''} give`, this._schedulePhases);
    const groups = this.groups;
    const num = (x: unknown, what: string) => checkNumber(op, what, x);
    const maxLrs = perGroup(op, 'maxLr', maxLr, groups.length, (x, what) => checkPositive(op, what, x));
    this.cycleMomentum = cycleMomentum;
    const defaults = optimizer.defaults as Record<string, unknown>;
    this.useBeta1 = 'betas' in defaults;
    let maxMs: number[] = [], baseMs: number[] = [];
    if (cycleMomentum) {
      if (!('momentum' in defaults) && !this.useBeta1)
        throw new TypeError(`${op}: optimizer must support momentum (a momentum or betas option) with the cycleMomentum option enabled`);
      maxMs = perGroup(op, 'maxMomentum', maxMomentum, groups.length, num);
      baseMs = perGroup(op, 'baseMomentum', baseMomentum, groups.length, num);
    }
    checkInt(op, 'lastEpoch', lastEpoch, -1);
    // Every option is valid: now write the groups (PyTorch does this before its base init).
    if (lastEpoch === -1) {
      // A tiny divFactor or finalDivFactor would make them infinite (and the lrs NaN).
      maxLrs.forEach((m, i) => {
        if (!Number.isFinite(m / divFactor) || !Number.isFinite(m / divFactor / finalDivFactor))
          throw new RangeError(`${op}: maxLr ${m} with divFactor ${divFactor} and finalDivFactor ${finalDivFactor} give an infinite ` +
            `initialLr (maxLr / divFactor = ${m / divFactor}) or minLr (initialLr / finalDivFactor = ${m / divFactor / finalDivFactor}) for paramGroups[${i}]`);
      });
    } else {
      // Resuming: the groups must hold what a first OneCycleLR wrote (PyTorch's KeyError otherwise).
      const keys = ['maxLr', 'minLr', ...(cycleMomentum ? ['maxMomentum', 'baseMomentum'] : [])];
      groups.forEach((g, i) => {
        for (const k of keys) {
          if (!(k in g)) throw new RangeError(`${op}: param '${k}' is not specified in paramGroups[${i}] when resuming an optimizer (lastEpoch ${lastEpoch})`);
          checkNumber(op, `paramGroups[${i}].${k}`, g[k]);
        }
      });
    }
    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        g.initialLr = maxLrs[i] / divFactor;
        g.maxLr = maxLrs[i];
        g.minLr = (g.initialLr as number) / finalDivFactor;
      });
      if (cycleMomentum)
        groups.forEach((g, i) => {
          if (this.useBeta1) g.betas = [maxMs[i], (g.betas as number[])[1]];
          else g.momentum = maxMs[i];
          g.maxMomentum = maxMs[i];
          g.baseMomentum = baseMs[i];
        });
    }
    this._attach(lastEpoch);
  }

  override loadStateDict(sd: Record<string, unknown>): void {
    const before = this.stateDict();
    super.loadStateDict(sd);
    try {
      checkPhases('OneCycleLR.loadStateDict', "'_schedulePhases' has", this._schedulePhases);
    } catch (e) {
      Object.assign(this, before); // a copy of the previous state: no checks needed
      throw e;
    }
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'cos') return end + ((start - end) / 2.0) * (Math.cos(Math.PI * pct) + 1);
    return (end - start) * pct + start;
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps)
      throw new RangeError(`OneCycleLR: tried to step ${stepNum + 1} times; the specified number of total steps is ${this.totalSteps}`);
    const lrs: number[] = [];
    for (const g of this.groups) {
      let startStep = 0;
      let lr = 0, momentum = 0;
      for (const [i, phase] of this._schedulePhases.entries()) {
        const endStep = phase.endStep;
        if (stepNum <= endStep || i === this._schedulePhases.length - 1) {
          const pct = (stepNum - startStep) / (endStep - startStep);
          lr = this.anneal(g[phase.startLr] as number, g[phase.endLr] as number, pct);
          if (this.cycleMomentum) momentum = this.anneal(g[phase.startMomentum] as number, g[phase.endMomentum] as number, pct);
          break;
        }
        startStep = phase.endStep;
      }
      lrs.push(lr);
      if (this.cycleMomentum) {
        if (this.useBeta1) g.betas = [momentum, (g.betas as number[])[1]];
        else g.momentum = momentum;
      }
    }
    return lrs;
  }
}

/**
 * Runs schedulers one after the other: schedulers[i] from milestones[i - 1]
 * on (restarted at its epoch 0 there). The usual warmup:
 *   new SequentialLR(opt, { schedulers: [new LinearLR(opt, { startFactor: 0.1, totalIters: 5 }),
 *                                         new CosineAnnealingLR(opt, { tMax: 95 })], milestones: [5] })
 * Every scheduler must belong to this optimizer; milestones are increasing
 * epochs >= 1, one fewer than the schedulers. Its stateDict holds the sub-schedulers' states.
 */
export class SequentialLR extends LRScheduler {
  /** @internal */
  declare readonly _schedulers: LRScheduler[];
  /** @internal */
  _milestones: number[];

  constructor(optimizer: AnyOptimizer, options: { schedulers: LRScheduler[]; milestones: number[]; lastEpoch?: number }) {
    super(optimizer);
    const op = 'SequentialLR';
    const { schedulers, milestones, lastEpoch = -1 } = optionsOf(op, options, ['schedulers', 'milestones', 'lastEpoch'], ['schedulers', 'milestones']);
    if (!Array.isArray(schedulers) || schedulers.length === 0) throw new TypeError(`${op}: schedulers must be a non-empty array of schedulers`);
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler)) throw new TypeError(`${op}: schedulers[${i}] is not an LRScheduler (got ${kind(s)})`);
      if (s.optimizer !== optimizer)
        throw new RangeError(`${op}: expects all schedulers to belong to the same optimizer, but got schedulers at index ${i} to be different than the optimizer passed in`);
    });
    if (!Array.isArray(milestones)) throw new TypeError(`${op}: milestones must be an array of epochs, got ${kind(milestones)}`);
    if (milestones.length !== schedulers.length - 1)
      throw new RangeError(`${op}: expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${schedulers.length} and the number of milestones ${milestones.length}`);
    milestones.forEach((m, i) => {
      checkInt(op, `milestones[${i}]`, m, 1);
      if (i > 0 && !(m > milestones[i - 1])) throw new RangeError(`${op}: milestones must be increasing, got ${JSON.stringify(milestones)}`);
    });
    checkInt(op, 'lastEpoch', lastEpoch, -1);
    Object.defineProperty(this, '_schedulers', { value: schedulers.slice(), enumerable: false, writable: false });
    this._milestones = milestones.slice();
    this.lastEpoch = lastEpoch + 1;
    const groups = this.groups;
    this.baseLrs = groups.map((g) => g.initialLr as number);
    // Reset the learning rates to their initial values and undo the step each scheduler took when created.
    for (const g of groups) g.lr = g.initialLr as number;
    for (const s of schedulers) s.lastEpoch -= 1;
    schedulers[0]._initialStep();
    this._lastLr = schedulers[0].getLastLr();
  }

  override step(): void {
    this.lastEpoch += 1;
    const idx = bisectRight(this._milestones, this.lastEpoch);
    const s = this._schedulers[idx];
    if (idx > 0 && this._milestones[idx - 1] === this.lastEpoch) s._stepTo(0);
    else s.step();
    this._lastLr = s.getLastLr();
  }

  protected getLr(): number[] {
    return this.groups.map((g) => g.lr);
  }

  override stateDict(): Record<string, unknown> {
    return { ...ownState(this, ['optimizer', '_schedulers']), _schedulers: this._schedulers.map((s) => s.stateDict()) };
  }

  override loadStateDict(sd: Record<string, unknown>): void {
    const op = 'SequentialLR.loadStateDict';
    if (sd === null || typeof sd !== 'object') throw new TypeError(`${op}: expects a state dict object, got ${kind(sd)}`);
    const subs = sd._schedulers;
    if (!Array.isArray(subs) || subs.length !== this._schedulers.length)
      throw new RangeError(`${op}: expects _schedulers with ${this._schedulers.length} state dicts, got ${Array.isArray(subs) ? subs.length : kind(subs)}`);
    const { _schedulers: _s, ...own } = sd;
        // A sub-scheduler's dict may fail after others were loaded: put everything back then.
    const ownBefore = ownState(this, ['optimizer', '_schedulers']);
    const subsBefore = this._schedulers.map((s) => s.stateDict());
    try {
      loadOwnState(op, this, own, ['optimizer', '_schedulers'], this._perGroupKeys(), this.groups.length);
      this._schedulers.forEach((s, i) => s.loadStateDict(subs[i] as Record<string, unknown>));
    } catch (e) {
      loadOwnState(op, this, ownBefore, ['optimizer', '_schedulers'], [], this.groups.length);
      this._schedulers.forEach((s, i) => s.loadStateDict(subsBefore[i]));
      throw e;
    }
  }
}

export interface ReduceLROnPlateauOptions {
  /** 'min': reduce when the metric stops decreasing; 'max': when it stops increasing. Default 'min'. */
  mode?: 'min' | 'max';
  /** new lr = lr * factor. Default 0.1. */
  factor?: number;
  /** Epochs without improvement to tolerate before reducing. Default 10. */
  patience?: number;
  /** Minimal change that counts as an improvement. Default 1e-4. */
  threshold?: number;
  /** 'rel': better than best * (1 -+ threshold); 'abs': than best -+ threshold. Default 'rel'. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again. Default 0. */
  cooldown?: number;
  /** Lower bound on the lr, one for all groups or one per group. Default 0. */
  minLr?: number | number[];
  /** A reduction smaller than eps is skipped. Default 1e-8. */
  eps?: number;
}

/**
 * Reduces each group's lr by `factor` when a metric has stopped improving for
 * more than `patience` epochs (PyTorch's ReduceLROnPlateau):
 *   after step(metric): if metric is better than best (by threshold) then best = metric, bad = 0 else bad += 1
 *   in cooldown: bad epochs are not counted;  if bad > patience: lr = max(lr * factor, minLr) (when the change > eps), cooldown starts
 * Defaults: mode 'min', factor 0.1, patience 10, threshold 1e-4, thresholdMode 'rel', cooldown 0, minLr 0, eps 1e-8.
 * @example const s = new ReduceLROnPlateau(opt, { patience: 3 }); ... s.step(validationLoss);
 */
export class ReduceLROnPlateau {
  declare readonly optimizer: AnyOptimizer;
  factor: number;
  minLrs: number[];
  patience: number;
  cooldown: number;
  cooldownCounter = 0;
  mode: 'min' | 'max';
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  best: number;
  numBadEpochs = 0;
  eps: number;
  lastEpoch = 0;
  /** @internal */
  _lastLr: number[];

  constructor(optimizer: AnyOptimizer, options: ReduceLROnPlateauOptions = {}) {
    const op = 'ReduceLROnPlateau';
    if (!(optimizer instanceof Optimizer)) throw new TypeError(`${op}: optimizer must be an Optimizer, got ${kind(optimizer)}`);
    const { mode = 'min', factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = 'rel', cooldown = 0, minLr = 0, eps = 1e-8 } = optionsOf(op, options,
      ['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps']);
    Object.defineProperty(this, 'optimizer', { value: optimizer, enumerable: false, writable: false });
    checkNumber(op, 'factor', factor);
    if (!(factor < 1)) throw new RangeError(`${op}: invalid factor ${factor}, must be < 1`);
    this.factor = factor;
    const groups = groupsOf(optimizer).length;
    this.minLrs = perGroup(op, 'minLr', minLr, groups, (x, what) => {
      const n = checkNumber(op, what, x);
      if (n < 0) throw new RangeError(`${op}: invalid ${what} ${n}, must be >= 0`);
      return n;
    });
    this.patience = checkInt(op, 'patience', patience, 0);
    this.cooldown = checkInt(op, 'cooldown', cooldown, 0);
    if (mode !== 'min' && mode !== 'max') throw new RangeError(`${op}: mode must be 'min' or 'max', got ${JSON.stringify(mode)}`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') throw new RangeError(`${op}: thresholdMode must be 'rel' or 'abs', got ${JSON.stringify(thresholdMode)}`);
    this.mode = mode;
    this.thresholdMode = thresholdMode;
    this.threshold = checkNumber(op, 'threshold', threshold);
    this.eps = checkNumber(op, 'eps', eps);
    this.best = mode === 'min' ? Infinity : -Infinity;
    this._lastLr = groupsOf(optimizer).map((g) => g.lr);
  }

  /** The learning rates after the last step(), one per parameter group. */
  getLastLr(): number[] {
    return this._lastLr.slice();
  }

  /** Takes this epoch's metric (a number or a one-element tensor) and reduces the lrs if it has plateaued. */
  step(metrics: number | Tensor): void {
    const op = 'ReduceLROnPlateau.step';
    let current: number;
    if (metrics instanceof Tensor) {
      if (metrics.numel() !== 1) throw new RangeError(`${op}: the metric must be a number or a one-element tensor, got a tensor of shape [${metrics.shape.join(', ')}]`);
      current = metrics.item();
    } else if (typeof metrics === 'number') current = metrics;
    else throw new TypeError(`${op}: the metric must be a number or a one-element tensor, got ${kind(metrics)}`);
    const epoch = this.lastEpoch + 1;
    this.lastEpoch = epoch;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // ignore any bad epochs in cooldown
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this._lastLr = groupsOf(this.optimizer).map((g) => g.lr);
  }

  private reduceLr(): void {
    groupsOf(this.optimizer).forEach((g, i) => {
      const oldLr = g.lr;
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i]);
      if (oldLr - newLr > this.eps) g.lr = newLr;
    });
  }

  private isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min') return a < best - this.threshold;
    if (this.thresholdMode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  stateDict(): Record<string, unknown> {
    return ownState(this, ['optimizer']);
  }

  loadStateDict(sd: Record<string, unknown>): void {
    // JSON.stringify writes the starting best, +-Infinity, as null.
    if (sd !== null && typeof sd === 'object' && sd.best === null) sd = { ...sd, best: sd.mode === 'max' ? -Infinity : Infinity };
    loadOwnState('ReduceLROnPlateau.loadStateDict', this, sd, ['optimizer'], ['minLrs', '_lastLr'], groupsOf(this.optimizer).length);
  }
}
