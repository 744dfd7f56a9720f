/** nn.functional: the stateless forms of the layers and losses (F.relu, F.crossEntropy, ...). */
export { relu, tanh, sigmoid } from '../ops/unary';
export { softmax, logSoftmax } from '../ops/softmax';
export { linear } from '../ops/matmul';
export { mseLoss, crossEntropy, binaryCrossEntropy, binaryCrossEntropyWithLogits } from '../ops/loss';
export type { Reduction } from '../ops/loss';
