/**
 * PyTorch 1.13's optimizer trajectories and scheduler learning rates:
 * test/fixtures/optim.json, written by test/fixtures/gen_optim.py (its
 * docstring describes the sections), and the problem they were run on.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as torch from 'torchlet';
import { expectClose, fromJSON, TensorJSON, values } from '../fixtures/nn';

// JSON whose layout gen_optim.py defines; the tests index it freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const optimFixture: any = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/optim.json'), 'utf8'));

export const NAMES: string[] = optimFixture.problem.names;
export const STEPS: number = optimFixture.problem.steps;

/** float32 against PyTorch's float32: gradients summed in another order and PyTorch's fused multiply-adds, a few ulps a step. */
export const TOL32 = { atol: 1e-6, rtol: 1e-6 };
/**
 * The state buffers at the end, float32: RMSprop's and Adam's buffers hold
 * g / sqrt(v) and g^2 sums where a component's gradient is a small difference of
 * larger terms, so they amplify the gradients' rounding (the parameters,
 * which move by lr times them, stay within TOL32).
 */
export const STATE_TOL32 = { atol: 1e-5, rtol: 1e-4 };
export const STATE_TOL64 = { atol: 1e-12, rtol: 1e-11 };
/** float64 against PyTorch's float64: the same update rule to rounding. */
export const TOL64 = { atol: 1e-13, rtol: 1e-12 };

export type Params = Record<string, torch.nn.Parameter>;

/** The problem's parameters with their fixed initial values, as leaves requiring grad. */
export function makeParams(dtype: 'float32' | 'float64'): Params {
  const init = optimFixture.problem.init as Record<string, TensorJSON>;
  return Object.fromEntries(NAMES.map((k) => [k, new torch.nn.Parameter(fromJSON(init[k], dtype))]));
}

/** gen_optim.py's loss at step `step` (gate is used on even steps only). */
export function lossAt(p: Params, x: torch.Tensor, y: torch.Tensor, step: number): torch.Tensor {
  const h = x.matmul(p['l1.weight'].t()).add(p['l1.bias']).tanh();
  let out = h.matmul(p['l2.weight'].t()).add(p['l2.bias']);
  if (step % 2 === 0) out = out.mul(p.gate);
  return out.sub(y).pow(2).mean();
}

export interface Trajectory {
  losses: number[];
  params: Record<string, number[]>[];
  state: Record<string, Record<string, TensorJSON | number>>;
}

export interface OptimConfig {
  name: string;
  options: Record<string, unknown>;
  groups?: ({ params: string[] } & Record<string, unknown>)[];
  float32: Trajectory;
  float64: Trajectory;
}

/** The optimizer's params argument for a config: one list, or groups of named parameters. */
export function paramsArg(c: OptimConfig, p: Params): any {
  if (!c.groups) return NAMES.map((k) => p[k]);
  return c.groups.map(({ params, ...opts }) => ({ ...opts, params: params.map((k) => p[k]) }));
}

export function problemData(dtype: 'float32' | 'float64'): { x: torch.Tensor; y: torch.Tensor } {
  return { x: fromJSON(optimFixture.problem.x, dtype), y: fromJSON(optimFixture.problem.y, dtype) };
}

/** Steps from..to-1 of the problem, comparing loss and every parameter with the fixture after each step. */
export function follow(opt: torch.optim.Optimizer<any>, p: Params, dtype: 'float32' | 'float64', want: Trajectory,
                       from: number, to: number, tol = dtype === 'float32' ? TOL32 : TOL64): void {
  const { x, y } = problemData(dtype);
  for (let s = from; s < to; s++) {
    opt.zeroGrad();
    const loss = lossAt(p, x, y, s);
    loss.backward();
    opt.step();
    expectClose([loss.item()], [want.losses[s]], { ...tol, what: `loss at step ${s + 1}` });
    for (const k of NAMES) expectClose(values(p[k]), want.params[s][k], { ...tol, what: `${k} after step ${s + 1}` });
  }
}
