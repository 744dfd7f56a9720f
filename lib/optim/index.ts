export { Optimizer } from './optimizer';
export type { OptimizerStateDict, ParamGroup } from './optimizer';
export { SGD } from './sgd';
export type { SGDOptions } from './sgd';
