/**
 * PyTorch's numbers for the layers and losses of issue 4: test/fixtures/layers.json,
 * written by test/fixtures/gen_layers.py (see its docstring for the sections).
 * Tensors are {shape, dtype, data} with "nan"/"inf"/"-inf" strings, as ops.json.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Tensor } from 'torchlet';
import { FxTensor, expectClose as expectFx, toTensor } from '../ops/fixture';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const layers: any = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'layers.json'), 'utf8'));

export type { FxTensor };
export { toTensor };

/** Per-dtype tolerances: float64 as ops.json's; float32 a little looser for the fused reductions. */
export const TOL = {
  float64: { rtol: 1e-10, atol: 1e-12 },
  float32: { rtol: 1e-5, atol: 1e-6 },
} as const;

/** Throws unless `actual` matches the fixture tensor (shape, dtype, values within tol). */
export function expectMatch(actual: Tensor | null | undefined, expected: FxTensor, what: string,
                            tol?: { rtol: number; atol: number }): void {
  expectFx(actual, expected, what, tol ?? TOL[expected.dtype as 'float32' | 'float64']);
}
