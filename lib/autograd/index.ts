export { Function } from './function';
export { gradcheck } from './gradcheck';
export type { GradcheckOptions } from './gradcheck';
export { Ctx, Node } from './node';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './grad_mode';

import { Tensor } from '../tensor';
import { runBackward } from './engine';

/** torch.autograd.backward: backward from several roots at once. */
export function backward(tensors: Tensor[], gradTensors?: (Tensor | null)[], { retainGraph = false } = {}): void {
  runBackward(tensors, gradTensors ?? tensors.map(() => null), retainGraph);
}
