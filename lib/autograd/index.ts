export { Function } from './function';
export { gradcheck } from './gradcheck';
export type { GradcheckOptions } from './gradcheck';
export { Ctx, Node } from './node';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './grad_mode';

import { BackwardOptions, Tensor, retainGraphOption } from '../tensor';
import { isOptionsObject } from '../ops/util';
import { runBackward } from './engine';

/** torch.autograd.backward: backward from several roots at once; backward(tensors, { retainGraph }) also works. */
export function backward(tensors: Tensor[], gradTensors?: (Tensor | null)[] | BackwardOptions, options?: BackwardOptions): void {
  if (isOptionsObject(gradTensors) && options === undefined) [gradTensors, options] = [undefined, gradTensors];
  const retainGraph = retainGraphOption(options);
  runBackward(tensors, (gradTensors as (Tensor | null)[] | undefined) ?? tensors.map(() => null), retainGraph);
}
