export { Dataset, TensorDataset } from './dataset';
export { DataLoader, defaultCollate } from './dataloader';
export type { DataLoaderOptions } from './dataloader';
