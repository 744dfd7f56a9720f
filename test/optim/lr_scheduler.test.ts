// optim.lrScheduler against PyTorch 1.13 epoch by epoch (gen_optim.py's
// `schedulers` section), the step-order warning, state dicts and bad options.
import * as torch from 'torchlet';
import { _resetStepOrderWarning } from '../../lib/optim/lr_scheduler';
import { optimFixture } from './fixture';

const { nn, optim } = torch;
const S = optim.lrScheduler;
type Spec = { kind: string; options: Record<string, any>; optimizer?: string; groupExtra?: Record<string, number>[] };
type Config = Spec & { name: string; lrs: number[][]; momenta?: number[][]; metrics?: number[] };
type Scheduler = torch.optim.lrScheduler.LRScheduler | torch.optim.lrScheduler.ReduceLROnPlateau;

const LRS: number[] = optimFixture.schedulers.lrs;
const EPOCHS: number = optimFixture.schedulers.epochs;
const configs: Config[] = optimFixture.schedulers.configs;

/** gen_optim.py's make_optimizer: two groups (lr 0.1 and 0.05) of one parameter each. */
function makeOptimizer(spec: Spec): torch.optim.Optimizer<any> {
  const groups = LRS.map((lr, i) => ({ params: [new nn.Parameter(torch.zeros([1]))], lr, ...(spec.groupExtra?.[i] ?? {}) }));
  return spec.optimizer === 'Adam' ? new optim.Adam(groups as any, { lr: 0.1 }) : new optim.SGD(groups as any, { lr: 0.1, momentum: 0.9 });
}

function build(opt: torch.optim.Optimizer<any>, spec: Spec): Scheduler {
  const o = spec.options;
  switch (spec.kind) {
    case 'StepLR': return new S.StepLR(opt, o as any);
    case 'MultiStepLR': return new S.MultiStepLR(opt, o as any);
    case 'ExponentialLR': return new S.ExponentialLR(opt, o as any);
    case 'CosineAnnealingLR': return new S.CosineAnnealingLR(opt, o as any);
    case 'LinearLR': return new S.LinearLR(opt, o);
    case 'OneCycleLR': return new S.OneCycleLR(opt, o as any);
    case 'ReduceLROnPlateau': return new S.ReduceLROnPlateau(opt, o);
    case 'SequentialLR':
      return new S.SequentialLR(opt, { ...o, schedulers: o.schedulers.map((s: Spec) => build(opt, s)) } as any);
    default: throw new Error(`unknown scheduler ${spec.kind}`);
  }
}

const momenta = (opt: torch.optim.Optimizer<any>) => opt.paramGroups.map((g: any) => (g.betas ? g.betas[0] : g.momentum));
const lrsOf = (opt: torch.optim.Optimizer<any>) => opt.paramGroups.map((g) => (g as any).lr as number);

/** The same doubles as PyTorch, up to an ulp or two of cos/pow (V8's and glibc's libm may round differently). */
function expectLrs(got: number[], want: number[], what: string): void {
  expect(got).toHaveLength(want.length);
  got.forEach((v, i) => {
    if (!(Math.abs(v - want[i]) <= 1e-15 + 1e-13 * Math.abs(want[i])))
      throw new Error(`${what}, group ${i}: lr ${v}, PyTorch ${want[i]}`);
  });
}

function run(c: Config, opt: torch.optim.Optimizer<any>, s: Scheduler, from: number, to: number): void {
  for (let e = from; e < to; e++) {
    opt.step();
    if (s instanceof S.ReduceLROnPlateau) s.step(c.metrics![e]);
    else s.step();
    expectLrs(lrsOf(opt), c.lrs[e + 1], `${c.name} after epoch ${e + 1}`);
    expectLrs(s.getLastLr(), c.lrs[e + 1], `${c.name} getLastLr after epoch ${e + 1}`);
    if (c.momenta) expectLrs(momenta(opt), c.momenta[e + 1], `${c.name} momentum after epoch ${e + 1}`);
  }
}

let warn: jest.SpyInstance;
beforeEach(() => {
  _resetStepOrderWarning();
  warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => warn.mockRestore());

describe.each(configs.map((c) => [c.name, c] as [string, Config]))('%s', (_name, c) => {
  test(`the same learning rates as PyTorch for ${EPOCHS} epochs`, () => {
    const opt = makeOptimizer(c);
    const s = build(opt, c);
    expectLrs(lrsOf(opt), c.lrs[0], `${c.name} after construction`);
    if (c.momenta) expectLrs(momenta(opt), c.momenta[0], `${c.name} momentum after construction`);
    run(c, opt, s, 0, EPOCHS);
    expect(warn).not.toHaveBeenCalled();
  });

  test('a state dict saved at epoch 12 and loaded into fresh objects continues the schedule', () => {
    const opt = makeOptimizer(c);
    const s = build(opt, c);
    run(c, opt, s, 0, 12);
    const optState = opt.stateDict(), schedState = s.stateDict();
    const json = JSON.parse(JSON.stringify(schedState, (_k, v) => (v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v)),
      (_k, v) => (v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v));
    const opt2 = makeOptimizer(c);
    const s2 = build(opt2, c);
    opt2.loadStateDict(optState);
    s2.loadStateDict(json);
    expect(s2.getLastLr()).toEqual(s.getLastLr());
    run(c, opt2, s2, 12, EPOCHS);
  });
});

describe('stepping the scheduler before the optimizer', () => {
  const msg = /^StepLR\.step: Detected call of `lr_scheduler\.step\(\)` before `optimizer\.step\(\)`\. .*opposite order.*skipping the first value of the learning rate schedule/;
  test('warns once (like Python\'s default warning filter), and the schedule still advances', () => {
    const opt = makeOptimizer({ kind: 'StepLR', options: {} });
    const s = new S.StepLR(opt, { stepSize: 1, gamma: 0.5 });
    s.step();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(msg);
    expect(s.getLastLr()).toEqual([0.05, 0.025]);
    s.step();
    const other = new S.StepLR(makeOptimizer({ kind: 'StepLR', options: {} }), { stepSize: 1 });
    other.step();
    expect(warn).toHaveBeenCalledTimes(1);
  });

  test('no warning in the right order, nor when the optimizer stepped before the scheduler was made... only after', () => {
    const opt = makeOptimizer({ kind: 'StepLR', options: {} });
    opt.step();
    // PyTorch resets the optimizer's step count when a scheduler is attached.
    const s = new S.ExponentialLR(opt, { gamma: 0.5 });
    s.step();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/^ExponentialLR\.step: Detected call of `lr_scheduler\.step\(\)` before `optimizer\.step\(\)`/);
    _resetStepOrderWarning();
    warn.mockClear();
    const opt2 = makeOptimizer({ kind: 'StepLR', options: {} });
    const s2 = new S.ExponentialLR(opt2, { gamma: 0.5 });
    for (let e = 0; e < 3; e++) { opt2.step(); s2.step(); }
    expect(warn).not.toHaveBeenCalled();
  });

  test('inside SequentialLR the first sub-scheduler warns', () => {
    const opt = makeOptimizer({ kind: 'StepLR', options: {} });
    const s = new S.SequentialLR(opt, { schedulers: [new S.LinearLR(opt), new S.ExponentialLR(opt, { gamma: 0.9 })], milestones: [3] });
    s.step();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/^LinearLR\.step: Detected call/);
  });
});

describe('options, state and errors', () => {
  const opt = () => makeOptimizer({ kind: 'StepLR', options: {} });

  test('creating a scheduler records initialLr in each group (PyTorch\'s initial_lr), visible in the optimizer\'s state dict', () => {
    const o = opt();
    new S.StepLR(o, { stepSize: 2 });
    expect(o.paramGroups.map((g: any) => g.initialLr)).toEqual([0.1, 0.05]);
    expect(o.stateDict().param_groups[1]).toMatchObject({ lr: 0.05, initialLr: 0.05 });
  });

  test('getLastLr returns a copy; stateDict is a copy', () => {
    const s = new S.StepLR(opt(), { stepSize: 2 });
    s.getLastLr()[0] = 7;
    expect(s.getLastLr()).toEqual([0.1, 0.05]);
    const sd = s.stateDict();
    expect(sd).toEqual({ baseLrs: [0.1, 0.05], lastEpoch: 0, _stepCount: 1, _lastLr: [0.1, 0.05], stepSize: 2, gamma: 0.1 });
    (sd.baseLrs as number[])[0] = 9;
    expect(s.baseLrs).toEqual([0.1, 0.05]);
  });

  test.each([
    ['StepLR stepSize 0', () => new S.StepLR(opt(), { stepSize: 0 }), RangeError, /^StepLR: invalid stepSize 0, must be an integer >= 1$/],
    ['StepLR stepSize 2.5', () => new S.StepLR(opt(), { stepSize: 2.5 }), RangeError, /^StepLR: invalid stepSize 2\.5, must be an integer >= 1$/],
    ['StepLR gamma string', () => new S.StepLR(opt(), { stepSize: 1, gamma: '0.1' as any }), TypeError, /^StepLR: gamma must be a number, got string$/],
    ['StepLR on a non-optimizer', () => new S.StepLR({} as any, { stepSize: 1 }), TypeError, /^StepLR: optimizer must be an Optimizer, got Object$/],
    ['MultiStepLR milestone -1', () => new S.MultiStepLR(opt(), { milestones: [3, -1] }), RangeError, /^MultiStepLR: invalid milestones\[1\] -1, must be an integer >= 0$/],
    ['ExponentialLR gamma NaN', () => new S.ExponentialLR(opt(), { gamma: NaN }), RangeError, /^ExponentialLR: invalid gamma NaN, must be finite$/],
    ['CosineAnnealingLR tMax 0', () => new S.CosineAnnealingLR(opt(), { tMax: 0 }), RangeError, /^CosineAnnealingLR: invalid tMax 0, must be > 0$/],
    ['LinearLR startFactor 0', () => new S.LinearLR(opt(), { startFactor: 0 }), RangeError, /^LinearLR: invalid startFactor 0, must be in \(0, 1\]$/],
    ['LinearLR endFactor 1.5', () => new S.LinearLR(opt(), { endFactor: 1.5 }), RangeError, /^LinearLR: invalid endFactor 1\.5, must be in \[0, 1\]$/],
    ['resuming without initialLr', () => new S.StepLR(opt(), { stepSize: 1, lastEpoch: 3 }), RangeError, /^StepLR: param 'initialLr' is not specified in paramGroups\[0\] when resuming an optimizer \(lastEpoch 3\)$/],
    ['OneCycleLR without steps', () => new S.OneCycleLR(opt(), { maxLr: 0.1 }), TypeError, /^OneCycleLR: you must define either totalSteps or \(epochs and stepsPerEpoch\)$/],
    ['OneCycleLR maxLr per group', () => new S.OneCycleLR(opt(), { maxLr: [0.1], totalSteps: 10 }), RangeError, /^OneCycleLR: expected 2 values for maxLr \(one per parameter group\), got 1$/],
    ['OneCycleLR pctStart 1.5', () => new S.OneCycleLR(opt(), { maxLr: 0.1, totalSteps: 10, pctStart: 1.5 }), RangeError, /^OneCycleLR: invalid pctStart 1\.5, must be in \[0, 1\]$/],
    ['OneCycleLR annealStrategy', () => new S.OneCycleLR(opt(), { maxLr: 0.1, totalSteps: 10, annealStrategy: 'exp' as any }), RangeError, /^OneCycleLR: annealStrategy must be 'cos' or 'linear', got "exp"$/],
    ['ReduceLROnPlateau factor 1', () => new S.ReduceLROnPlateau(opt(), { factor: 1 }), RangeError, /^ReduceLROnPlateau: invalid factor 1, must be < 1$/],
    ['ReduceLROnPlateau mode', () => new S.ReduceLROnPlateau(opt(), { mode: 'up' as any }), RangeError, /^ReduceLROnPlateau: mode must be 'min' or 'max', got "up"$/],
    ['ReduceLROnPlateau minLr per group', () => new S.ReduceLROnPlateau(opt(), { minLr: [0, 0, 0] }), RangeError, /^ReduceLROnPlateau: expected 2 values for minLr \(one per parameter group\), got 3$/],
    ['SequentialLR milestones', () => { const o = opt(); return new S.SequentialLR(o, { schedulers: [new S.LinearLR(o), new S.StepLR(o, { stepSize: 2 })], milestones: [] }); }, RangeError,
      /^SequentialLR: expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers 2 and the number of milestones 0$/],
    ['SequentialLR other optimizer', () => new S.SequentialLR(opt(), { schedulers: [new S.LinearLR(opt())], milestones: [] }), RangeError,
      /^SequentialLR: expects all schedulers to belong to the same optimizer, but got schedulers at index 0 to be different than the optimizer passed in$/],
    // Missing, misspelled or non-object options are TypeErrors naming the option (PyTorch: missing / unexpected keyword argument).
    ['StepLR without options', () => new (S.StepLR as any)(opt()), TypeError, /^StepLR: missing required option 'stepSize'$/],
    ['StepLR options null', () => new S.StepLR(opt(), null as any), TypeError, /^StepLR: options must be an object, got null$/],
    ['StepLR misspelled option', () => new S.StepLR(opt(), { stepSize: 2, gama: 0.5 } as any), TypeError, /^StepLR: unknown option 'gama' \(expected 'stepSize', 'gamma', 'lastEpoch'\)$/],
    ['StepLR gamma Infinity', () => new S.StepLR(opt(), { stepSize: 1, gamma: Infinity }), RangeError, /^StepLR: invalid gamma Infinity, must be finite$/],
    ['MultiStepLR without options', () => new (S.MultiStepLR as any)(opt()), TypeError, /^MultiStepLR: missing required option 'milestones'$/],
    ['ExponentialLR without options', () => new (S.ExponentialLR as any)(opt()), TypeError, /^ExponentialLR: missing required option 'gamma'$/],
    ['CosineAnnealingLR without options', () => new (S.CosineAnnealingLR as any)(opt()), TypeError, /^CosineAnnealingLR: missing required option 'tMax'$/],
    ['CosineAnnealingLR tMax string', () => new S.CosineAnnealingLR(opt(), { tMax: '5' as any }), TypeError, /^CosineAnnealingLR: tMax must be a number, got string$/],
    ['LinearLR options a number', () => new S.LinearLR(opt(), 3 as any), TypeError, /^LinearLR: options must be an object, got number$/],
    ['SequentialLR without options', () => new (S.SequentialLR as any)(opt()), TypeError, /^SequentialLR: missing required option 'schedulers'$/],
    ['ReduceLROnPlateau options null', () => new S.ReduceLROnPlateau(opt(), null as any), TypeError, /^ReduceLROnPlateau: options must be an object, got null$/],
    ['ReduceLROnPlateau misspelled option', () => new S.ReduceLROnPlateau(opt(), { min_lr: 0.1 } as any), TypeError, /^ReduceLROnPlateau: unknown option 'min_lr'/],
    // OneCycleLR checks what PyTorch checks (ValueError there) and what would give NaN or negative lrs.
    ['OneCycleLR without options', () => new (S.OneCycleLR as any)(opt()), TypeError, /^OneCycleLR: missing required option 'maxLr'$/],
    ['OneCycleLR totalSteps 0', () => new S.OneCycleLR(opt(), { maxLr: 0.1, totalSteps: 0 }), RangeError, /^OneCycleLR: invalid totalSteps 0, must be an integer >= 1$/],
    ['OneCycleLR stepsPerEpoch 2.5', () => new S.OneCycleLR(opt(), { maxLr: 0.1, epochs: 2, stepsPerEpoch: 2.5 }), RangeError, /^OneCycleLR: invalid stepsPerEpoch 2\.5, must be an integer >= 1$/],
    ['OneCycleLR epochs 0', () => new S.OneCycleLR(opt(), { maxLr: 0.1, epochs: 0, stepsPerEpoch: 5 }), RangeError, /^OneCycleLR: invalid epochs 0, must be an integer >= 1$/],
    ['OneCycleLR pctStart -0.1', () => new S.OneCycleLR(opt(), { maxLr: 0.1, totalSteps: 10, pctStart: -0.1 }), RangeError, /^OneCycleLR: invalid pctStart -0\.1, must be in \[0, 1\]$/],
    ['OneCycleLR maxLr 0', () => new S.OneCycleLR(opt(), { maxLr: 0, totalSteps: 10 }), RangeError, /^OneCycleLR: invalid maxLr 0, must be > 0$/],
    ['OneCycleLR maxLr NaN', () => new S.OneCycleLR(opt(), { maxLr: NaN, totalSteps: 10 }), RangeError, /^OneCycleLR: invalid maxLr NaN, must be finite$/],
    ['OneCycleLR a negative maxLr of a group', () => new S.OneCycleLR(opt(), { maxLr: [0.1, -1], totalSteps: 10 }), RangeError, /^OneCycleLR: invalid maxLr\[1\] -1, must be > 0$/],
    ['OneCycleLR divFactor 0', () => new S.OneCycleLR(opt(), { maxLr: 0.1, totalSteps: 10, divFactor: 0 }), RangeError, /^OneCycleLR: invalid divFactor 0, must be > 0$/],
    ['OneCycleLR finalDivFactor -1', () => new S.OneCycleLR(opt(), { maxLr: 0.1, totalSteps: 10, finalDivFactor: -1 }), RangeError, /^OneCycleLR: invalid finalDivFactor -1, must be > 0$/],
    ['OneCycleLR finalDivFactor Infinity', () => new S.OneCycleLR(opt(), { maxLr: 0.1, totalSteps: 10, finalDivFactor: Infinity }), RangeError, /^OneCycleLR: invalid finalDivFactor Infinity, must be finite$/],
    ['OneCycleLR a first phase of zero steps', () => new S.OneCycleLR(opt(), { maxLr: 0.1, totalSteps: 10, pctStart: 0.1 }), RangeError,
      /^OneCycleLR: pctStart 0\.1 and totalSteps 10 give a first phase of zero steps \(it ends at step 0\)$/],
    ['OneCycleLR pctStart 1', () => new S.OneCycleLR(opt(), { maxLr: 0.1, totalSteps: 4, pctStart: 1 }), RangeError,
      /^OneCycleLR: pctStart 1 and totalSteps 4 give phases ending at steps 3, 3; each phase must end after the previous one$/],
    ['OneCycleLR threePhase past the middle', () => new S.OneCycleLR(opt(), { maxLr: 0.1, totalSteps: 10, pctStart: 0.7, threePhase: true }), RangeError,
      /^OneCycleLR: pctStart 0\.7 and totalSteps 10 with threePhase give phases ending at steps 6, 12, 9; each phase must end after the previous one$/],
    ['OneCycleLR threePhase 1', () => new S.OneCycleLR(opt(), { maxLr: 0.1, totalSteps: 10, threePhase: 1 as any }), TypeError, /^OneCycleLR: threePhase must be a boolean, got number$/],
    // Options whose results would be NaN or infinite lrs.
    ['OneCycleLR divFactor 1e-320', () => new S.OneCycleLR(opt(), { maxLr: 1, totalSteps: 10, divFactor: 1e-320 }), RangeError,
      /^OneCycleLR: maxLr 1 with divFactor 1e-320 and finalDivFactor 10000 give an infinite initialLr \(maxLr \/ divFactor = Infinity\) or minLr .* for paramGroups\[0\]$/],
    ['OneCycleLR finalDivFactor 1e-320', () => new S.OneCycleLR(opt(), { maxLr: 1, totalSteps: 10, finalDivFactor: 1e-320 }), RangeError, /minLr \(initialLr \/ finalDivFactor = Infinity\)/],
    ['CosineAnnealingLR tMax 5e-324', () => new S.CosineAnnealingLR(opt(), { tMax: 5e-324 }), RangeError, /^CosineAnnealingLR: invalid tMax 5e-324, too small \(pi \/ tMax overflows\)$/],
    ['an initialLr that is not a number', () => { const o = opt(); (o.paramGroups[1] as any).initialLr = 'x'; return new S.LinearLR(o); }, TypeError,
      /^LinearLR: paramGroups\[1\]\.initialLr must be a number, got string$/],
    // Resuming OneCycleLR needs the options a first OneCycleLR wrote into the groups (PyTorch's KeyError).
    ['OneCycleLR resuming without maxLr', () => { const o = opt(); o.paramGroups.forEach((g: any) => { g.initialLr = 0.1; }); return new S.OneCycleLR(o, { maxLr: 1, totalSteps: 10, lastEpoch: 3 }); }, RangeError,
      /^OneCycleLR: param 'maxLr' is not specified in paramGroups\[0\] when resuming an optimizer \(lastEpoch 3\)$/],
    ['OneCycleLR resuming without baseMomentum', () => {
      const o = opt(); o.paramGroups.forEach((g: any) => Object.assign(g, { initialLr: 0.1, maxLr: 1, minLr: 1e-5, maxMomentum: 0.95 }));
      return new S.OneCycleLR(o, { maxLr: 1, totalSteps: 10, lastEpoch: 3 });
    }, RangeError, /^OneCycleLR: param 'baseMomentum' is not specified in paramGroups\[0\] when resuming an optimizer \(lastEpoch 3\)$/],
  ] as [string, () => unknown, ErrorConstructor, RegExp][])('%s', (_n, fn, cls, re) => {
    expect(fn).toThrow(cls);
    expect(fn).toThrow(re);
  });

  test('OneCycleLR: a first phase that ends before step 0 is skipped, as in PyTorch (pctStart 0, or tiny)', () => {
    for (const [pctStart, totalSteps] of [[0, 10], [0.05, 10], [0.3, 1]]) {
      const o = opt();
      const s = new S.OneCycleLR(o, { maxLr: 0.1, totalSteps, pctStart });
      for (let i = 0; i < totalSteps; i++) { o.step(); s.step(); }
      expect(s.getLastLr().every((lr) => Number.isFinite(lr) && lr > 0)).toBe(true);
    }
  });

  test('a failed constructor leaves the optimizer\'s groups alone', () => {
    const o = opt();
    expect(() => new S.OneCycleLR(o, { maxLr: 0.1, totalSteps: 10, pctStart: 2 })).toThrow(RangeError);
    expect(o.paramGroups.map((g: any) => [g.lr, g.initialLr, g.momentum])).toEqual([[0.1, undefined, 0.9], [0.05, undefined, 0.9]]);
  });

  test('OneCycleLR resumes from the options a first OneCycleLR wrote into the groups', () => {
    const o = opt();
    const first = new S.OneCycleLR(o, { maxLr: 1, totalSteps: 10 });
    for (let i = 0; i < 4; i++) { o.step(); first.step(); }
    const o2 = opt();
    o2.loadStateDict(o.stateDict());
    const s = new S.OneCycleLR(o2, { maxLr: 1, totalSteps: 10, lastEpoch: 3 });
    expect(s.getLastLr()).toEqual(first.getLastLr());
  });

  test('OneCycleLR.loadStateDict checks the phases as the constructor does, and changes nothing on a bad one', () => {
    const s = new S.OneCycleLR(opt(), { maxLr: 1, totalSteps: 10 });
    const before = s.stateDict();
    const zero: any = s.stateDict();
    zero._schedulePhases[0].endStep = 0;
    zero._schedulePhases[1].endStep = 0;
    expect(() => s.loadStateDict(zero)).toThrow(/^OneCycleLR\.loadStateDict: '_schedulePhases' has a first phase of zero steps \(it ends at step 0\)$/);
    const back: any = s.stateDict();
    back._schedulePhases[1].endStep = 1;
    expect(() => s.loadStateDict(back)).toThrow(/^OneCycleLR\.loadStateDict: '_schedulePhases' has phases ending at steps 2, 1; each phase must end after the previous one$/);
    expect(() => s.loadStateDict({ ...s.stateDict(), _schedulePhases: [] })).toThrow(/^OneCycleLR\.loadStateDict: '_schedulePhases' has 0 phases; a cycle has 2 or 3$/);
    expect(s.stateDict()).toEqual(before);
    s.step();
    expect(s.getLastLr().every(Number.isFinite)).toBe(true);
  });

  test('step() never writes a non-finite lr (e.g. from a hand-edited state) and stays where it was', () => {
    const o = opt();
    const s = new S.CosineAnnealingLR(o, { tMax: 10 });
    s.loadStateDict({ ...s.stateDict(), tMax: 1e-320 });
    expect(() => s.step()).toThrow(/^CosineAnnealingLR\.step: the schedule gives a non-finite lr NaN for paramGroups\[0\] at epoch 1$/);
    expect([s.lastEpoch, o.paramGroups[0].lr]).toEqual([0, 0.1]);
  });

  test('OneCycleLR refuses to step past totalSteps, and stays where it was', () => {
    const o = opt();
    const s = new S.OneCycleLR(o, { maxLr: 0.1, totalSteps: 3 });
    for (let i = 0; i < 3; i++) { o.step(); s.step(); }
    const lrs = s.getLastLr();
    o.step();
    expect(() => s.step()).toThrow(/^OneCycleLR: tried to step 5 times; the specified number of total steps is 3$/);
    expect(s.lastEpoch).toBe(3);
    expect(s.getLastLr()).toEqual(lrs);
  });

  test('OneCycleLR with cycleMomentum needs an optimizer with momentum or betas', () => {
    class Plain extends optim.Optimizer<{ lr: number }> {
      constructor(params: torch.Tensor[]) { super(params, { lr: 0.1 }); }
      protected validate(): void { /* nothing */ }
      step(): void { /* nothing */ }
    }
    const o = new Plain([new nn.Parameter(torch.zeros([1]))]);
    expect(() => new S.OneCycleLR(o, { maxLr: 0.1, totalSteps: 5 })).toThrow(/^OneCycleLR: optimizer must support momentum \(a momentum or betas option\) with the cycleMomentum option enabled$/);
    expect(() => new S.OneCycleLR(o, { maxLr: 0.1, totalSteps: 5, cycleMomentum: false })).not.toThrow();
  });

  test('ReduceLROnPlateau takes a one-element tensor as its metric, and refuses anything else', () => {
    const o = opt();
    const s = new S.ReduceLROnPlateau(o, { patience: 0 });
    s.step(torch.tensor([2]));
    s.step(torch.tensor(3));
    expect(s.getLastLr()).toEqual([0.1 * 0.1, 0.05 * 0.1]);
    expect(() => s.step(torch.zeros([2]))).toThrow(/^ReduceLROnPlateau\.step: the metric must be a number or a one-element tensor, got a tensor of shape \[2\]$/);
    expect(() => s.step('1' as any)).toThrow(TypeError);
  });

  describe('loadStateDict with a mismatched state dict is refused and changes nothing', () => {
    test('another kind of scheduler', () => {
      const s = new S.ExponentialLR(opt(), { gamma: 0.5 });
      const before = s.stateDict();
      expect(() => s.loadStateDict(new S.StepLR(opt(), { stepSize: 3 }).stateDict())).toThrow(/^ExponentialLR\.loadStateDict: unknown key 'stepSize' \(this scheduler's keys: baseLrs, lastEpoch, _stepCount, _lastLr, gamma\)$/);
      expect(s.stateDict()).toEqual(before);
    });
    test('another number of parameter groups', () => {
      const one = new optim.SGD([new nn.Parameter(torch.zeros([1]))], { lr: 0.1 });
      const s = new S.StepLR(opt(), { stepSize: 3 });
      expect(() => s.loadStateDict(new S.StepLR(one, { stepSize: 3 }).stateDict())).toThrow(/^StepLR\.loadStateDict: 'baseLrs' has 1 entries, the optimizer has 2 parameter groups$/);
      const p = new S.ReduceLROnPlateau(opt());
      expect(() => p.loadStateDict(new S.ReduceLROnPlateau(one).stateDict())).toThrow(/^ReduceLROnPlateau\.loadStateDict: 'minLrs' has 1 entries, the optimizer has 2 parameter groups$/);
    });
    test('missing keys, wrong kinds, not an object', () => {
      const s = new S.StepLR(opt(), { stepSize: 3 });
      const { gamma: _g, ...noGamma } = s.stateDict();
      expect(() => s.loadStateDict(noGamma)).toThrow(/^StepLR\.loadStateDict: missing key 'gamma'$/);
      expect(() => s.loadStateDict({ ...s.stateDict(), lastEpoch: '3' })).toThrow(/^StepLR\.loadStateDict: 'lastEpoch' must be a number, got string$/);
      expect(() => s.loadStateDict(null as any)).toThrow(/^StepLR\.loadStateDict: expects a state dict object, got null$/);
    });
    test.each([
      ['lastEpoch NaN', (sd: any) => { sd.lastEpoch = NaN; }, RangeError, /^StepLR\.loadStateDict: 'lastEpoch' must be an integer >= -1, got NaN$/],
      ['lastEpoch 1.5', (sd: any) => { sd.lastEpoch = 1.5; }, RangeError, /'lastEpoch' must be an integer >= -1, got 1\.5$/],
      ['stepSize 0', (sd: any) => { sd.stepSize = 0; }, RangeError, /^StepLR\.loadStateDict: 'stepSize' must be an integer >= 1, got 0$/],
      ['gamma Infinity', (sd: any) => { sd.gamma = Infinity; }, RangeError, /^StepLR\.loadStateDict: 'gamma' must be a finite number, got Infinity$/],
      ['a string in baseLrs', (sd: any) => { sd.baseLrs = [0.1, 'a']; }, TypeError, /^StepLR\.loadStateDict: 'baseLrs\[1\]' must be a number, got string$/],
      ['NaN in _lastLr', (sd: any) => { sd._lastLr = [NaN, 0.1]; }, RangeError, /^StepLR\.loadStateDict: '_lastLr\[0\]' must be a finite number, got NaN$/],
      ['lastEpoch null', (sd: any) => { sd.lastEpoch = null; }, TypeError, /^StepLR\.loadStateDict: 'lastEpoch' must be a number, got null$/],
    ] as [string, (sd: any) => void, ErrorConstructor, RegExp][])('StepLR: %s', (_n, edit, cls, re) => {
      const s = new S.StepLR(opt(), { stepSize: 3 });
      const sd = s.stateDict();
      edit(sd);
      const before = s.stateDict();
      expect(() => s.loadStateDict(sd)).toThrow(cls);
      expect(() => s.loadStateDict(sd)).toThrow(re);
      expect(s.stateDict()).toEqual(before);
    });

    test('OneCycleLR and ReduceLROnPlateau: their phases and modes are checked too', () => {
      const s = new S.OneCycleLR(opt(), { maxLr: 0.1, totalSteps: 10 });
      const sd: any = s.stateDict();
      const phases = (f: (p: any[]) => void) => { const c = JSON.parse(JSON.stringify(sd)); f(c._schedulePhases); return c; };
      expect(() => s.loadStateDict(phases((p) => { p[1].endLr = 'lr'; }))).toThrow(/^OneCycleLR\.loadStateDict: '_schedulePhases\[1\]\.endLr' must be one of 'initialLr', 'maxLr', 'minLr', 'maxMomentum', 'baseMomentum', got "lr"$/);
      expect(() => s.loadStateDict(phases((p) => { p[0].endStep = NaN; }))).toThrow(/'_schedulePhases\[0\]\.endStep' must be a finite number, got NaN$/);
      expect(() => s.loadStateDict(phases((p) => { delete p[0].endMomentum; }))).toThrow(/'_schedulePhases\[0\]' must have the keys endStep, startLr, endLr, startMomentum, endMomentum, got endStep, startLr, endLr, startMomentum$/);
      expect(() => s.loadStateDict({ ...sd, annealStrategy: 'exp' })).toThrow(/^OneCycleLR\.loadStateDict: 'annealStrategy' must be one of 'cos', 'linear', got "exp"$/);
      expect(s.stateDict()).toEqual(sd);
      const r = new S.ReduceLROnPlateau(opt(), { mode: 'max' });
      const rsd: any = r.stateDict();
      expect(() => r.loadStateDict({ ...rsd, mode: 'up' })).toThrow(/^ReduceLROnPlateau\.loadStateDict: 'mode' must be one of 'min', 'max', got "up"$/);
      expect(() => r.loadStateDict({ ...rsd, best: NaN })).toThrow(/^ReduceLROnPlateau\.loadStateDict: 'best' must be a finite number, got NaN$/);
      expect(() => r.loadStateDict({ ...rsd, numBadEpochs: -1 })).toThrow(/'numBadEpochs' must be an integer >= 0, got -1$/);
      // The starting best is -Infinity here, which JSON writes as null: it comes back as -Infinity.
      r.loadStateDict(JSON.parse(JSON.stringify(rsd)));
      expect(r.best).toBe(-Infinity);
    });

    test('SequentialLR: the sub-schedulers must match too', () => {
      const o = opt();
      const s = new S.SequentialLR(o, { schedulers: [new S.LinearLR(o), new S.ExponentialLR(o, { gamma: 0.9 })], milestones: [2] });
      const sd = s.stateDict();
      expect((sd._schedulers as unknown[]).length).toBe(2);
      const before = JSON.stringify(sd);
      const bad = { ...sd, lastEpoch: 7, _schedulers: [(sd._schedulers as any[])[0], { gamma: 0.5 }] };
      expect(() => s.loadStateDict(bad)).toThrow(/ExponentialLR\.loadStateDict: missing key 'baseLrs'/);
      expect(JSON.stringify(s.stateDict())).toEqual(before);
      expect(() => s.loadStateDict({ ...sd, _schedulers: [] })).toThrow(/^SequentialLR\.loadStateDict: expects _schedulers with 2 state dicts, got 0$/);
    });
  });
});
