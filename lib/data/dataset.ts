/** Datasets: anything with a length and an indexable item, as torch.utils.data.Dataset. */
import { Tensor } from '../tensor';
import { fmtShape } from '../shape';

export abstract class Dataset<T = Tensor[]> {
  abstract get length(): number;
  abstract getItem(index: number): T;
}

/** Wraps tensors that share their first dim; item i is [t0[i], t1[i], ...]. */
export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: Tensor[];

  constructor(...tensors: Tensor[]) {
    super();
    if (tensors.length === 0) throw new RangeError('TensorDataset: expects at least one tensor');
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new TypeError(`TensorDataset: argument ${i} is not a Tensor`);
      if (t.ndim === 0) throw new RangeError(`TensorDataset: tensor ${i} is 0-d; tensors need a first (sample) dimension`);
    });
    const n = tensors[0].size(0);
    tensors.forEach((t, i) => {
      if (t.size(0) !== n)
        throw new RangeError(`TensorDataset: size mismatch between tensors: tensor 0 has ${n} samples (shape ${fmtShape(tensors[0].shape)}), tensor ${i} has ${t.size(0)} (shape ${fmtShape(t.shape)})`);
    });
    this.tensors = tensors.map((t) => t.detach());
  }

  get length(): number {
    return this.tensors[0].size(0);
  }

  getItem(index: number): Tensor[] {
    if (!Number.isInteger(index) || index < -this.length || index >= this.length)
      throw new RangeError(`TensorDataset: index ${index} out of range for ${this.length} samples`);
    return this.tensors.map((t) => t.get(index));
  }

  /** Fast path for the DataLoader: gathers a whole batch with one native call per tensor. */
  getBatch(indices: Int32Array): Tensor[] {
    return this.tensors.map((t) => t.indexSelect(0, indices));
  }
}
