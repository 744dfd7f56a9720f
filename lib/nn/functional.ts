/** nn.functional: the stateless forms of the layers and losses (F.relu, F.crossEntropy, ...). */
export { relu, tanh, sigmoid, leakyRelu, gelu, elu, softplus } from '../ops/unary';
export { softmax, logSoftmax } from '../ops/softmax';
export { linear } from '../ops/matmul';
export {
  mseLoss, crossEntropy, binaryCrossEntropy, binaryCrossEntropyWithLogits, nllLoss, l1Loss, smoothL1Loss, huberLoss,
} from '../ops/loss';
export type { CrossEntropyOptions, NllLossOptions } from '../ops/loss';
export { batchNorm, layerNorm } from '../ops/norm';
export { dropout } from './dropout';
export type { Reduction } from '../ops/loss';
