/**
 * nn.init: in-place initialisers drawing from torch's generator, with
 * PyTorch's formulas (so a seeded torchlet model starts from PyTorch's weights).
 */
import { noGrad } from '../autograd/grad_mode';
import { Tensor } from '../tensor';
import { fmtShape } from '../shape';
import { checkOptions } from '../ops/util';

export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

/** The recommended gain for a nonlinearity (PyTorch's calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d': case 'sigmoid': return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.sqrt(2.0);
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2.0 / (1 + slope ** 2));
    }
    case 'selu': return 3.0 / 4;
  }
  throw new RangeError(`calculateGain: unsupported nonlinearity ${JSON.stringify(nonlinearity)}`);
}

/** fan_in and fan_out as PyTorch computes them (dim 1 and dim 0, times the receptive field). */
export function calculateFanInAndFanOut(t: Tensor, op = 'init'): [number, number] {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: expects a Tensor, got ${t === null ? 'null' : typeof t}`);
  if (t.ndim < 2)
    throw new RangeError(`${op}: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (shape ${fmtShape(t.shape)})`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.size(1) * receptive, t.size(0) * receptive];
}

export function uniform_(t: Tensor, a = 0, b = 1): Tensor {
  return noGrad(() => t.uniform_(a, b));
}
export function normal_(t: Tensor, mean = 0, std = 1): Tensor {
  return noGrad(() => t.normal_(mean, std));
}
export function constant_(t: Tensor, value: number): Tensor {
  return noGrad(() => t.fill_(value));
}
export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}
export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

export interface KaimingOptions {
  a?: number;
  mode?: 'fanIn' | 'fanOut';
  nonlinearity?: Nonlinearity;
}

function kaimingStd(op: string, t: Tensor, opts: KaimingOptions | undefined): number {
  const { a = 0, mode = 'fanIn', nonlinearity = 'leaky_relu' } = checkOptions(op, opts, ['a', 'mode', 'nonlinearity'], "{ mode: 'fanOut' }");
  const [fanIn, fanOut] = calculateFanInAndFanOut(t, op);
  if (mode !== 'fanIn' && mode !== 'fanOut') throw new RangeError(`${op}: mode must be 'fanIn' or 'fanOut', got ${JSON.stringify(mode)}`);
  const fan = mode === 'fanIn' ? fanIn : fanOut;
  const gain = calculateGain(nonlinearity, a);
  return gain / Math.sqrt(fan);
}

/** U(-bound, bound) with bound = gain * sqrt(3 / fan) (He et al.). */
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  if (t instanceof Tensor && t.numel() === 0) return t; // PyTorch: "Initializing zero-element tensors is a no-op"
  const bound = Math.sqrt(3.0) * kaimingStd('kaimingUniform_', t, opts);
  return uniform_(t, -bound, bound);
}
/** N(0, std^2) with std = gain / sqrt(fan). */
export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  if (t instanceof Tensor && t.numel() === 0) return t;
  return normal_(t, 0, kaimingStd('kaimingNormal_', t, opts));
}
/** U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio). */
export function xavierUniform_(t: Tensor, gain = 1): Tensor {
  const [fi, fo] = calculateFanInAndFanOut(t, 'xavierUniform_');
  const a = gain * Math.sqrt(2.0 / (fi + fo)) * Math.sqrt(3.0);
  return uniform_(t, -a, a);
}
export function xavierNormal_(t: Tensor, gain = 1): Tensor {
  const [fi, fo] = calculateFanInAndFanOut(t, 'xavierNormal_');
  return normal_(t, 0, gain * Math.sqrt(2.0 / (fi + fo)));
}
