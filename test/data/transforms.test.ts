// Transforms: values on small images and tensors (by hand), the per-sample
// generator (the same draws for the same (seed, epoch, position), whatever
// ran before), and errors.
import * as torch from 'torchlet';
import { values } from '../fixtures/nn';

const { data } = torch;
const T = data.transforms;

/** A 3 x 4 single-channel image with pixel (y, x) = 10 y + x. */
function img(h = 3, w = 4, c = 1): torch.data.Image {
  const d = new Uint8Array(h * w * c);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) d[(y * w + x) * c + ch] = 10 * y + x + 100 * ch;
  return new data.Image(d, h, w, c);
}
const rows = (im: torch.data.Image) => Array.from({ length: im.height }, (_, y) => Array.from({ length: im.width }, (_, x) => im.get(y, x)));
/** Runs fn under the generator the DataLoader would give sample `pos` of `epoch` with `seed`. */
function underLoader<R>(seed: number, epoch: number, pos: number, fn: () => R): R {
  // The loader's own path: a dataset whose getItem runs fn, loaded at that position.
  class One extends data.Dataset<R> {
    get length() { return pos + 1; }
    getItem() { return fn(); }
  }
  const loader = new data.DataLoader(new One(), { batchSize: null, seed, sampler: Array(pos + 1).fill(0) });
  for (let e = 0; e < epoch; e++) for (const _ of loader) void _;
  return [...loader][pos] as R;
}

describe('ToTensor and Normalize', () => {
  test('ToTensor: bytes (H, W, C) -> float32 (C, H, W) / 255', () => {
    const t = new T.ToTensor().forward(img(2, 2, 2));
    expect(t.shape).toEqual([2, 2, 2]);
    expect(t.dtype).toBe('float32');
    expect(values(t).map((v) => Math.round(v * 255))).toEqual([0, 1, 10, 11, 100, 101, 110, 111]);
    expect(new T.ToTensor().forward(img(28, 28)).shape).toEqual([1, 28, 28]);
  });

  test('Normalize per channel', () => {
    const x = torch.tensor([[[1, 2]], [[3, 5]]]);
    const y = new T.Normalize([1, 1], [1, 2]).forward(x);
    expect(values(y)).toEqual([0, 1, 1, 2]);
    expect(values(new T.Normalize(0.5, 0.5).forward(torch.tensor([[0, 1]])))).toEqual([-1, 1]);
  });

  test('Compose chains them', () => {
    const c = new T.Compose([new T.ToTensor(), new T.Normalize([0.5], [0.5]), (x: torch.Tensor) => x.mul(2)]);
    const y = c.forward(new data.Image(new Uint8Array([0, 255]), 1, 2)) as torch.Tensor;
    expect(values(y)).toEqual([-2, 2]);
    expect(String(c)).toMatch(/^Compose\(\n    ToTensor\(\)\n    Normalize\(\[0.5\], \[0.5\]\)/);
  });

  test('errors name the transform and the input', () => {
    expect(() => new T.ToTensor().forward(torch.zeros([1, 2, 2]) as unknown as torch.data.Image)).toThrow(
      /^ToTensor: pic should be an Image; got Tensor \(it is already a Tensor: is ToTensor in the pipeline twice\?\)$/);
    expect(() => new T.Normalize([0.5], [0.5]).forward(img() as unknown as torch.Tensor)).toThrow(/^Normalize: expects a float tensor \(C, H, W\); got Image \(put ToTensor\(\) before Normalize\)$/);
    expect(() => new T.Normalize([0.5, 0.5], [1, 1]).forward(torch.zeros([3, 2, 2]))).toThrow(
      /^Normalize: mean has 2 values but the tensor has 3 channels \(shape \[3, 2, 2\]\); give 1 or 3$/);
    expect(() => new T.Normalize([0], [0])).toThrow(/^Normalize: std evaluated to zero after conversion to float32, leading to division by zero/);
    expect(() => new T.Compose([new T.ToTensor(), 3 as unknown as torch.data.transforms.Transform])).toThrow(/^Compose: transform 1 must be a Transform or a function, got number$/);
  });
});

describe('geometric transforms on images and tensors', () => {
  test('flips with p = 1 and p = 0', () => {
    expect(rows(new T.RandomHorizontalFlip(1).forward(img()) as torch.data.Image)).toEqual([[3, 2, 1, 0], [13, 12, 11, 10], [23, 22, 21, 20]]);
    expect(rows(new T.RandomVerticalFlip(1).forward(img()) as torch.data.Image)).toEqual([[20, 21, 22, 23], [10, 11, 12, 13], [0, 1, 2, 3]]);
    const im = img();
    expect(new T.RandomHorizontalFlip(0).forward(im)).toBe(im);
    const t = torch.arange(6).reshape(1, 2, 3);
    expect(values(new T.RandomHorizontalFlip(1).forward(t) as torch.Tensor)).toEqual([2, 1, 0, 5, 4, 3]);
  });

  test('RandomCrop: every crop is a window of the padded image; all windows occur', () => {
    const crop = new T.RandomCrop(2, { padding: 1 });
    const seen = new Set<string>();
    for (let pos = 0; pos < 400; pos++) {
      const out = underLoader(1, 0, pos, () => crop.forward(img()) as torch.data.Image);
      expect(out.shape).toEqual([2, 2, 1]);
      seen.add(JSON.stringify(rows(out)));
    }
    // Padded 5 x 6 frame: 4 x 5 = 20 windows.
    expect(seen.size).toBe(20);
    expect(seen.has(JSON.stringify([[0, 0], [0, 0]]))).toBe(true); // the top-left corner of the padding
    expect(seen.has(JSON.stringify([[12, 13], [22, 23]]))).toBe(true);
  });

  test('RandomCrop on a tensor keeps leading dims; padIfNeeded; too large a crop', () => {
    const t = torch.arange(24).reshape(2, 3, 4);
    expect((new T.RandomCrop([3, 4]).forward(t) as torch.Tensor).shape).toEqual([2, 3, 4]);
    expect(values(new T.RandomCrop([3, 4]).forward(t) as torch.Tensor)).toEqual(values(t));
    expect((new T.RandomCrop(5, { padIfNeeded: true }).forward(img()) as torch.data.Image).shape).toEqual([5, 5, 1]);
    expect(() => new T.RandomCrop(5).forward(img())).toThrow(/^RandomCrop: required crop size \[5, 5\] is larger than the input image size \[3, 4\]$/);
    expect(() => new T.RandomCrop(0)).toThrow(/^RandomCrop: size must be a positive integer or a pair \[h, w\] of them, got 0$/);
    expect(() => new T.RandomCrop(2, { padding: [1, 2, 3] })).toThrow(/padding must be a non-negative integer or an array of 2 or 4 of them/);
  });

  test('CenterCrop', () => {
    expect(rows(new T.CenterCrop([1, 2]).forward(img()) as torch.data.Image)).toEqual([[11, 12]]);
  });

  test('a crop too large to allocate is a RangeError naming the transform and the size', () => {
    const big = (fn: () => unknown, re: RegExp) => {
      expect(fn).toThrow(RangeError);
      expect(fn).toThrow(re);
    };
    big(() => new T.RandomCrop([1e5, 1e5], { padIfNeeded: true }).forward(img()),
      /^RandomCrop: a crop of size \[100000, 100000\] of a 1-channel image has 10000000000 elements, more than the 4294967296 an image or tensor can hold$/);
    big(() => new T.CenterCrop(1e9).forward(torch.zeros([3, 2, 2])),
      /^CenterCrop: a crop of size \[1000000000, 1000000000\] of a 3-channel image has 3000000000000000000 elements, more than the 4294967296 an image or tensor can hold$/);
  });

  test('RandomRotation: 0 degrees is the identity; 90 degrees turns counter-clockwise', () => {
    const sq = img(3, 3);
    expect(rows(new T.RandomRotation([0, 0]).forward(sq) as torch.data.Image)).toEqual(rows(sq));
    // Counter-clockwise: the right column becomes the top row.
    expect(rows(new T.RandomRotation([90, 90]).forward(sq) as torch.data.Image)).toEqual([[2, 12, 22], [1, 11, 21], [0, 10, 20]]);
    expect(rows(new T.RandomRotation([180, 180]).forward(sq) as torch.data.Image)).toEqual([[22, 21, 20], [12, 11, 10], [2, 1, 0]]);
    // Corners rotated out of a non-square image are filled.
    const r = new T.RandomRotation([90, 90], { fill: 255 }).forward(img(2, 4)) as torch.data.Image;
    expect(rows(r)[0]).toContain(255);
    expect(() => new T.RandomRotation(-5)).toThrow(/^RandomRotation: If degrees is a single number, it must be positive; got -5$/);
  });

  test('a fill that the pixels cannot hold is a RangeError naming it, not a wrapped byte', () => {
    // 300 would be stored as 44 in a byte, -1 as 255, 2.5 as 2.
    for (const fill of [300, 256, -1, 2.5]) {
      expect(() => new T.RandomCrop(4, { padding: 1, fill }).forward(img())).toThrow(RangeError);
      expect(() => new T.RandomCrop(4, { padding: 1, fill }).forward(img()))
        .toThrow(new RegExp(`^RandomCrop: fill ${fill} does not fit a uint8 image \\(an integer in \\[0, 255\\]\\)$`));
      expect(() => new T.RandomRotation(10, { fill }).forward(img())).toThrow(/^RandomRotation: fill .* does not fit a uint8 image/);
    }
    expect(() => new T.RandomCrop(4, { padding: 1, fill: 2.5 }).forward(torch.zeros([1, 3, 4], { dtype: 'int32' })))
      .toThrow(/^RandomCrop: fill 2.5 does not fit an int32 tensor/);
    expect(() => new T.RandomCrop(4, { padIfNeeded: 1 as unknown as boolean })).toThrow(/^RandomCrop: padIfNeeded must be a boolean/);
    expect(() => new T.GaussianNoise({ clip: 'no' as unknown as boolean })).toThrow(/^GaussianNoise: clip must be a boolean/);
    // Non-finite is wrong for any input; a non-number is a TypeError.
    expect(() => new T.RandomCrop(4, { fill: NaN })).toThrow(/^RandomCrop: fill must be a finite number, got NaN$/);
    expect(() => new T.RandomRotation(10, { fill: Infinity })).toThrow(RangeError);
    expect(() => new T.RandomRotation(10, { fill: '0' as unknown as number })).toThrow(TypeError);
    // Float images take any finite fill; bytes take 0..255.
    const t = new T.RandomCrop([5, 6], { padding: 1, fill: -3.5 }).forward(torch.zeros([1, 3, 4])) as torch.Tensor;
    expect(values(t)).toContain(-3.5);
    const b = new T.RandomCrop([5, 6], { padding: 1, fill: 255 }).forward(img()) as torch.data.Image;
    expect(rows(b)[0]).toEqual([255, 255, 255, 255, 255, 255]);
  });

  test('GaussianNoise: mean and spread of the noise; clipping', () => {
    const x = torch.full([20000], 0.5);
    const y = underLoader(3, 0, 0, () => new T.GaussianNoise({ sigma: 0.1, clip: false }).forward(x));
    const d = values(y).map((v) => v - 0.5);
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
    expect(Math.abs(mean)).toBeLessThan(0.005);
    expect(Math.abs(sd - 0.1)).toBeLessThan(0.005);
    const c = values(new T.GaussianNoise(5).forward(torch.full([1000], 0.5)));
    expect(c.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(() => new T.GaussianNoise(-1)).toThrow(/^GaussianNoise: sigma should be a finite number >= 0, got -1$/);
    expect(() => new T.GaussianNoise(0.1).forward(torch.zeros([2], { dtype: 'int32' }))).toThrow(/GaussianNoise: expects a floating point tensor; got int32/);
  });

  test('geometric transforms refuse what is not an image', () => {
    expect(() => new T.RandomCrop(2).forward([1, 2] as unknown as torch.Tensor)).toThrow(/^RandomCrop: expects an Image or a Tensor, got Array$/);
    expect(() => new T.RandomRotation(5).forward(torch.zeros([4]))).toThrow(/^RandomRotation: expects an image tensor \(\.\.\., H, W\); got shape \[4\]$/);
  });
});

describe('per-sample randomness', () => {
  const aug = new T.Compose([new T.RandomCrop(2, { padding: 1 }), new T.RandomHorizontalFlip(), new T.RandomRotation(30), new T.ToTensor(), new T.GaussianNoise(0.05)]);
  const run = (seed: number, epoch: number, pos: number) => values(underLoader(seed, epoch, pos, () => aug.forward(img())) as torch.Tensor);

  test('the same (seed, epoch, position) gives the same result, whatever was drawn before', () => {
    const a = run(1, 0, 5);
    torch.manualSeed(99);
    torch.rand([10]);
    expect(run(1, 0, 5)).toEqual(a);
  });

  test('another position, epoch or seed gives another result', () => {
    const a = run(1, 0, 5);
    expect(run(1, 0, 6)).not.toEqual(a);
    expect(run(1, 1, 5)).not.toEqual(a);
    expect(run(2, 0, 5)).not.toEqual(a);
  });

  test('outside a loader, transforms draw from torch\'s generator (torch.manualSeed makes them reproducible)', () => {
    torch.manualSeed(3);
    const a = values(aug.forward(img()) as torch.Tensor);
    torch.manualSeed(3);
    expect(values(aug.forward(img()) as torch.Tensor)).toEqual(a);
  });

  test('Generator: uniform ranges and integer bounds', () => {
    const g = new data.Generator(1);
    for (let i = 0; i < 1000; i++) {
      const u = g.random();
      expect(u >= 0 && u < 1).toBe(true);
      const k = g.randint(3, 6);
      expect(k >= 3 && k < 6 && Number.isInteger(k)).toBe(true);
    }
    expect(() => g.randint(2, 2)).toThrow(/expects integers lo < hi/);
  });
});
