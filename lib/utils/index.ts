export { clipGradNorm, clipGradValue } from './clip_grad';
