export { clipGradNorm, clipGradValue } from './clip_grad';
export * as tensorboard from './tensorboard';
export { ProgressBar, progress } from './progress';
export type { ProgressOptions, ProgressStream } from './progress';
