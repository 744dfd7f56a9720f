/** defaultCollate: samples to a batch, as torch.utils.data.default_collate. */
import { Tensor, tensor } from '../tensor';
import { stack } from '../ops/shape';
import { fmtShape, sameShape } from '../shape';
import { Image } from './image';

/** The batch that defaultCollate makes of samples of type T: tensors and numbers stack into a Tensor, tuples field by field. */
export type Collated<T> = 0 extends 1 & T
  ? any // eslint-disable-line @typescript-eslint/no-explicit-any -- items typed any (e.g. MNIST's, whose type depends on the transform) stay any
  : T extends Tensor | number
  ? Tensor
  : T extends readonly unknown[]
    ? { -readonly [K in keyof T]: Collated<T[K]> }
    : unknown;

function where(indices: ArrayLike<number> | undefined, entry: number): string {
  return indices ? `entry ${entry} (dataset index ${indices[entry]})` : `entry ${entry}`;
}

function collate(samples: unknown[], indices: ArrayLike<number> | undefined, field: string): unknown {
  const first = samples[0];
  const inField = field ? ` in field ${field} of the samples` : '';
  if (first instanceof Tensor) {
    samples.forEach((s, i) => {
      if (!(s instanceof Tensor)) throw new TypeError(`DataLoader: defaultCollate: ${where(indices, i)} is ${typeof s} where ${where(indices, 0)} is a Tensor${inField}`);
      if (!sameShape(s.shape, first.shape) || s.dtype !== first.dtype)
        throw new RangeError(
          `DataLoader: defaultCollate: stack expects each tensor to be equal size, but got ${fmtShape(first.shape)} ${first.dtype} at ${where(indices, 0)} ` +
            `and ${fmtShape(s.shape)} ${s.dtype} at ${where(indices, i)}${inField}; does a transform return tensors of different shapes?`,
        );
    });
    return stack(samples as Tensor[]);
  }
  if (typeof first === 'number') {
    samples.forEach((s, i) => {
      if (typeof s !== 'number') throw new TypeError(`DataLoader: defaultCollate: ${where(indices, i)} is ${typeof s} where ${where(indices, 0)} is a number${inField}`);
    });
    return tensor(samples as number[]);
  }
  if (Array.isArray(first)) {
    samples.forEach((s, i) => {
      if (!Array.isArray(s) || s.length !== first.length)
        throw new RangeError(`DataLoader: defaultCollate: each element in list of batch should be of equal size; ${where(indices, 0)} has ${first.length} fields but ${where(indices, i)} has ${Array.isArray(s) ? s.length : typeof s}${inField}`);
    });
    return first.map((_, f) => collate(samples.map((s) => (s as unknown[])[f]), indices, field ? `${field}.${f}` : String(f)));
  }
  const kind = first instanceof Image ? 'Image' : first === null ? 'null' : typeof first;
  const hint = first instanceof Image ? ' (add transforms.ToTensor() to the dataset\'s transform)' : '';
  throw new TypeError(`DataLoader: defaultCollate cannot batch items of type ${kind}${inField}${hint}; pass a collate function`);
}

/** Stacks samples field by field: [x, y] samples -> [X, Y] batch. */
export function defaultCollate(samples: unknown[]): unknown {
  return collate(samples, undefined, '');
}

/** defaultCollate whose errors name the dataset index of each sample. */
export function collateWithIndices(samples: unknown[], indices: ArrayLike<number>): unknown {
  return collate(samples, indices, '');
}
