/**
 * Shared harness of the op tests: loads test/fixtures/ops.json (written by
 * test/fixtures/gen_ops.py from PyTorch 1.13), builds torchlet tensors from
 * its inputs, runs one op through a per-family dispatch table, and compares
 * the forward outputs and the input gradients with PyTorch's.
 *
 * Tolerances (|actual - expected| <= atol + rtol * |expected|, per element):
 *   float64: rtol 1e-10, atol 1e-12
 *   float32: rtol 1e-5,  atol 1e-6
 * NaN must match NaN and an infinity the same infinity; integer results
 * (indices, int32 arithmetic) must be exact.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../../lib';
import type { Tensor } from '../../lib';

export interface FxTensor {
  shape: number[];
  /** PyTorch's dtype: torchlet gives int32 for int64 indices and the operands' dtype for bool. */
  dtype: 'float32' | 'float64' | 'int32' | 'int64' | 'bool';
  data: (number | string)[];
  /** For inputs: whether it requires grad. */
  grad?: boolean;
}

export interface FxCase {
  id: string;
  op: string;
  args: Record<string, any>;
  inputs: FxTensor[];
  outputs: FxTensor[];
  gradOutputs: (FxTensor | null)[] | null;
  grads: (FxTensor | null)[] | null;
  /** A looser tolerance for this case's gradients, with the reason. */
  gradTol?: { rtol: number; atol: number; why: string };
}

export interface FxRepr extends FxTensor {
  id: string;
  requiresGrad: boolean;
  make: null | 'mul2' | 'sum' | 'add1' | 'exp';
  expected: string;
}

interface Fixture {
  torch: string;
  cases: Record<string, FxCase[]>;
  repr: FxRepr[];
}

let loaded: Fixture | null = null;

export function fixture(): Fixture {
  if (!loaded) {
    const file = path.join(__dirname, '..', 'fixtures', 'ops.json');
    loaded = JSON.parse(fs.readFileSync(file, 'utf8')) as Fixture;
  }
  return loaded;
}

export function cases(family: string): FxCase[] {
  const cs = fixture().cases[family];
  if (!cs || cs.length === 0) throw new Error(`ops.json has no cases for family '${family}': rerun test/fixtures/gen_ops.py`);
  return cs;
}

export function decode(v: number | string): number {
  if (typeof v === 'number') return v;
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  throw new Error(`ops.json: bad value ${JSON.stringify(v)}`);
}

/** The torchlet dtype a PyTorch dtype maps to (null: any, e.g. bool results). */
function expectedDtype(d: FxTensor['dtype']): string | null {
  if (d === 'int64') return 'int32';
  if (d === 'bool') return null;
  return d;
}

export function toTensor(fx: FxTensor, requiresGrad = false): Tensor {
  const vals = fx.data.map(decode);
  const arr =
    fx.dtype === 'float64' ? Float64Array.from(vals) : fx.dtype === 'float32' ? Float32Array.from(vals) : Int32Array.from(vals);
  return torch.fromTypedArray(arr, fx.shape, { requiresGrad });
}

export const TOL: Record<string, { rtol: number; atol: number }> = {
  float64: { rtol: 1e-10, atol: 1e-12 },
  float32: { rtol: 1e-5, atol: 1e-6 },
};

function close(a: number, b: number, dtype: string, tol?: { rtol: number; atol: number }): boolean {
  if (Number.isNaN(b)) return Number.isNaN(a);
  if (!Number.isFinite(b)) return a === b;
  if (dtype !== 'float32' && dtype !== 'float64') return a === b;
  const { rtol, atol } = tol ?? TOL[dtype];
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}

/** Throws a readable error unless `actual` matches the fixture tensor (shape, dtype, values). */
export function expectClose(actual: Tensor | null | undefined, expected: FxTensor, what: string,
                            tol?: { rtol: number; atol: number }): void {
  if (!actual) throw new Error(`${what}: expected a tensor of shape [${expected.shape}], got ${actual}`);
  if (actual.shape.join(',') !== expected.shape.join(','))
    throw new Error(`${what}: shape [${actual.shape}] but PyTorch gives [${expected.shape}]`);
  const dt = expectedDtype(expected.dtype);
  if (dt !== null && actual.dtype !== dt) throw new Error(`${what}: dtype ${actual.dtype} but expected ${dt}`);
  const got = Array.from(actual.contiguous().data as ArrayLike<number>);
  const exp = expected.data.map(decode);
  const cmpDtype = expected.dtype === 'float32' || expected.dtype === 'float64' ? expected.dtype : 'exact';
  const bad: string[] = [];
  for (let i = 0; i < exp.length; i++) {
    const e = cmpDtype === 'float32' ? Math.fround(exp[i]) : exp[i];
    if (!close(got[i], e, cmpDtype, tol)) bad.push(`[${i}] got ${got[i]}, expected ${e}`);
  }
  if (bad.length)
    throw new Error(`${what}: ${bad.length} of ${exp.length} elements differ (tolerance ${JSON.stringify(tol ?? TOL[cmpDtype] ?? 'exact')}):\n  ` +
      bad.slice(0, 8).join('\n  '));
}

export type OpOut = Tensor | Tensor[] | { values: Tensor; indices: Tensor };
export type OpFn = (xs: Tensor[], args: Record<string, any>) => OpOut;

function outputsOf(r: OpOut): Tensor[] {
  if (Array.isArray(r)) return r;
  if (r instanceof torch.Tensor) return [r];
  return [r.values, r.indices];
}

/** Runs one fixture case: forward values, then (when PyTorch had a graph) backward and the input gradients. */
export function runCase(c: FxCase, ops: Record<string, OpFn>): void {
  const fn = ops[c.op];
  if (!fn) throw new Error(`no dispatch entry for op '${c.op}'`);
  const inputs = c.inputs.map((fx) => toTensor(fx, fx.grad === true));
  const outs = outputsOf(fn(inputs, c.args));
  expect(outs.length).toBe(c.outputs.length);
  outs.forEach((o, i) => expectClose(o, c.outputs[i], `${c.id} output ${i}`));
  if (!c.gradOutputs || !c.grads) return;
  const roots: Tensor[] = [];
  const grads: Tensor[] = [];
  c.gradOutputs.forEach((g, i) => {
    if (!g) return;
    if (!outs[i].requiresGrad) throw new Error(`${c.id} output ${i} does not require grad, but PyTorch's does`);
    roots.push(outs[i]);
    grads.push(toTensor(g));
  });
  torch.autograd.backward(roots, grads);
  c.grads.forEach((g, i) => {
    const actual = inputs[i].grad;
    if (!c.inputs[i].grad) {
      expect(actual).toBeNull();
    } else if (g === null) {
      // PyTorch's grad is None (no path from the outputs): torchlet may leave null or give zeros.
      if (actual) expect(Array.from(actual.data as ArrayLike<number>).every((v) => v === 0)).toBe(true);
    } else {
      expectClose(actual, g, `${c.id} grad of input ${i}`, c.gradTol);
    }
  });
}

/**
 * One jest test per fixture case of the family, for every instruction set the
 * CPU can run (the kernels behind the ops are per-ISA), and a check that every
 * op has a dispatch entry.
 */
export function runFamily(family: string, ops: Record<string, OpFn>): void {
  const cs = cases(family);
  test('every op in the fixture has a dispatch entry', () => {
    const missing = [...new Set(cs.map((c) => c.op))].filter((op) => !ops[op]);
    expect(missing).toEqual([]);
  });
  const initial = torch.backend.activeIsa();
  describe.each(torch.backend.availableIsas())('isa %s', (isa) => {
    beforeAll(() => torch.backend.setIsa(isa));
    // Leave the addon as we found it: it is shared by the test files of this jest worker.
    afterAll(() => torch.backend.setIsa(initial));
    test.each(cs.map((c) => [`${c.id} ${JSON.stringify(c.args)} ${c.inputs.map((x) => `${x.dtype}[${x.shape}]`).join(' ')}`, c] as const))(
      '%s matches PyTorch',
      (_name, c) => runCase(c, ops),
    );
  });
}

/** Elementwise closeness of nested arrays / numbers (relative tolerance, for hand-written checks). */
export function expectAllClose(actual: unknown, expected: unknown, rtol = 1e-12, atol = 1e-12): void {
  const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
  const a = flat(actual), e = flat(expected);
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => {
    if (Number.isNaN(e[i])) expect(v).toBeNaN();
    else if (!Number.isFinite(e[i])) expect(v).toBe(e[i]);
    else if (!(Math.abs(v - e[i]) <= atol + rtol * Math.abs(e[i])))
      throw new Error(`element ${i}: got ${v}, expected ${e[i]} (rtol ${rtol}, atol ${atol})`);
  });
}
