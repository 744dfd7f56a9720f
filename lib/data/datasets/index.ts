/** Built-in datasets, as torchvision.datasets. */
export { MNIST, FashionMNIST } from './mnist';
export type { MNISTOptions } from './mnist';
export { CSVDataset } from '../csv';
export { BostonHousing, MNISTDigits, BOSTON_FEATURES } from './npm';
