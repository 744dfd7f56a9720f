/**
 * Image: 8-bit pixels in (height, width, channels) order, what the vision
 * datasets return before ToTensor (torchvision's PIL image). torchlet has no
 * uint8 tensors, so images stay bytes until ToTensor makes float32 (C, H, W)
 * in [0, 1] of them. `data` may be a view of the dataset's (shared) buffer:
 * transforms never write into their input.
 */
import { fmtShape } from '../shape';

export class Image {
  constructor(readonly data: Uint8Array, readonly height: number, readonly width: number, readonly channels = 1) {
    if (!(data instanceof Uint8Array)) throw new TypeError(`Image: data must be a Uint8Array, got ${(data as object)?.constructor?.name ?? typeof data}`);
    for (const [k, v] of [['height', height], ['width', width], ['channels', channels]] as const)
      if (!Number.isInteger(v) || v < 0) throw new RangeError(`Image: ${k} must be a non-negative integer, got ${v}`);
    if (data.length !== height * width * channels)
      throw new RangeError(`Image: ${height} x ${width} x ${channels} needs ${height * width * channels} bytes, got ${data.length}`);
  }
  /** [height, width, channels] */
  get shape(): number[] {
    return [this.height, this.width, this.channels];
  }
  /** The pixel value at (y, x, c). */
  get(y: number, x: number, c = 0): number {
    return this.data[(y * this.width + x) * this.channels + c];
  }
  toString(): string {
    return `Image(${fmtShape(this.shape)})`;
  }
}
