/**
 * Transforms, as torchvision.transforms: per-sample preprocessing and
 * augmentation that a dataset applies in getItem (option `transform`).
 *
 * A transform is an object with `forward(x)` (a Transform) or a plain
 * function. Geometric transforms take an Image (bytes, H x W x C) or a
 * Tensor (..., H, W); ToTensor turns an Image into float32 (C, H, W) in
 * [0, 1]; Normalize and GaussianNoise take tensors.
 *
 * Random transforms draw from data.sampleGenerator(): inside a DataLoader
 * that is the generator of (seed, epoch, sample position), so a sample gets
 * the same crop in the main thread and in any worker (see docs/data.md).
 * Transform classes travel to worker threads by their spec; plain functions
 * and Lambda do not.
 */
import { constants as bufferConstants } from 'buffer';
import { Tensor, fromTypedArray } from '../tensor';
import { arrayCtor, TypedArray } from '../dtype';
import { fmtShape } from '../shape';
import { checkBool } from '../ops/util';
import { Image } from './image';
import { sampleGenerator } from './random';
import { registerKind, build, transformSpec, Spec, NotSendableError } from './spec';

export type TransformFn<I = any, O = any> = ((x: I) => O) | Transform<I, O>;

/** Base class: `forward(x)` maps one input (an image, a tensor, a label) to its output. */
export abstract class Transform<I = any, O = any> {
  abstract forward(x: I): O;
  /** @internal The constructor arguments, for the worker spec and toString. */
  protected specArgs(): unknown[] {
    return [];
  }
  /** @internal Built-in transforms travel by name and arguments; a subclass needs its own workerRecipe(). */
  _workerSpec(_dry: boolean): Spec {
    const name = this.constructor.name;
    if (registry.get(name) !== this.constructor)
      throw new NotSendableError(
        `the transform ${name} cannot be sent to worker threads: give the class a workerRecipe() returning ` +
          `{ module: '/absolute/path/to/its/module.js', export: '${name}', args: [...] }, or use numWorkers: 0`,
      );
    return { kind: `transform:${name}`, args: this.specArgs() };
  }
  toString(): string {
    const args = this.specArgs().map((a) => JSON.stringify(a)).filter((a) => a !== undefined);
    return `${this.constructor.name}(${args.join(', ')})`;
  }
}

/** Applies a transform or a function. */
export function applyTransform<I, O>(t: TransformFn<I, O>, x: I): O {
  return typeof t === 'function' ? t(x) : t.forward(x);
}

function checkTransform(op: string, t: unknown, i?: number): void {
  if (typeof t !== 'function' && !(t && typeof (t as Transform).forward === 'function'))
    throw new TypeError(`${op}: ${i === undefined ? 'the transform' : `transform ${i}`} must be a Transform or a function, got ${t === null ? 'null' : typeof t}`);
}

const registry = new Map<string, new (...args: any[]) => Transform>();
function register(cls: new (...args: any[]) => Transform): void {
  registry.set(cls.name, cls);
  registerKind(`transform:${cls.name}`, (s) => new cls(...(s.args as unknown[])));
}

// ---------------------------------------------------------------- pixel planes
/** An image or tensor seen as C planes of H x W values, in either layout. */
interface Planes {
  data: ArrayLike<number>;
  c: number;
  h: number;
  w: number;
  /** Index of (c, y, x). */
  at: (c: number, y: number, x: number) => number;
  /** A new empty result of shape (c, h, w) of the same kind, and how to finish it. */
  make: (h: number, w: number) => { out: { [i: number]: number }; at: (c: number, y: number, x: number) => number; done: () => Image | Tensor };
}

function planes(op: string, x: unknown): Planes {
  if (x instanceof Image) {
    const { data, height: h, width: w, channels: c } = x;
    return {
      data, c, h, w,
      at: (ch, y, xx) => (y * w + xx) * c + ch,
      make: (oh, ow) => {
        const out = new Uint8Array(oh * ow * c);
        return { out, at: (ch, y, xx) => (y * ow + xx) * c + ch, done: () => new Image(out, oh, ow, c) };
      },
    };
  }
  if (x instanceof Tensor) {
    if (x.ndim < 2) throw new RangeError(`${op}: expects an image tensor (..., H, W); got shape ${fmtShape(x.shape)}`);
    const shape = x.shape;
    const h = shape[shape.length - 2], w = shape[shape.length - 1];
    const lead = shape.slice(0, -2);
    const c = lead.reduce((a, b) => a * b, 1);
    const data = x.contiguous().data;
    const ctor = arrayCtor(x.dtype);
    return {
      data, c, h, w,
      at: (ch, y, xx) => (ch * h + y) * w + xx,
      make: (oh, ow) => {
        const out = new ctor(c * oh * ow);
        return { out, at: (ch, y, xx) => (ch * oh + y) * ow + xx, done: () => fromTypedArray(out as TypedArray, [...lead, oh, ow]) };
      },
    };
  }
  throw new TypeError(`${op}: expects an Image or a Tensor, got ${describe(x)}`);
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return typeof x;
}

/** [h, w] from a number or a pair. */
function pair(op: string, name: string, v: number | [number, number]): [number, number] {
  const p = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2 || !p.every((s) => Number.isInteger(s) && s > 0))
    throw new RangeError(`${op}: ${name} must be a positive integer or a pair [h, w] of them, got ${JSON.stringify(v)}`);
  return [p[0], p[1]];
}

// ---------------------------------------------------------------- transforms
/**
 * Applies transforms one after another (torchvision.transforms.Compose).
 * @example new Compose([new ToTensor(), new Normalize([0.5], [0.5])]).forward(img).shape  // [1, 28, 28]
 */
export class Compose extends Transform {
  readonly transforms: TransformFn[];
  constructor(transforms: TransformFn[]) {
    super();
    if (!Array.isArray(transforms)) throw new TypeError(`Compose: expects an array of transforms, got ${typeof transforms}`);
    transforms.forEach((t, i) => checkTransform('Compose', t, i));
    this.transforms = transforms.slice();
  }
  forward(x: unknown): unknown {
    for (const t of this.transforms) x = applyTransform(t, x);
    return x;
  }
  protected override specArgs(): unknown[] {
    return [];
  }
  override _workerSpec(): Spec {
    return { kind: 'transform:Compose', transforms: this.transforms.map((t, i) => transformSpec(t, `Compose's transform ${i}`)) };
  }
  override toString(): string {
    return `Compose(\n${this.transforms.map((t) => `    ${typeof t === 'function' ? t.name || '<function>' : String(t)}`).join('\n')}\n)`;
  }
}
registerKind('transform:Compose', (s) => new Compose((s.transforms as Spec[]).map((t) => build(t) as TransformFn)));

/** A function as a transform (torchvision's Lambda). It runs in the main thread only: a function cannot travel to workers. */
export class Lambda<I = any, O = any> extends Transform<I, O> {
  constructor(readonly fn: (x: I) => O) {
    super();
    if (typeof fn !== 'function') throw new TypeError(`Lambda: expects a function, got ${typeof fn}`);
  }
  forward(x: I): O {
    return this.fn(x);
  }
  protected override specArgs(): unknown[] {
    return [];
  }
  override _workerSpec(): Spec {
    throw new NotSendableError(
      'Lambda cannot be sent to worker threads (a function\'s code and closure do not travel); write a Transform subclass with a workerRecipe(), or use numWorkers: 0',
    );
  }
}

/**
 * Image (H, W, C) bytes -> float32 tensor (C, H, W) in [0, 1] (x / 255), as
 * torchvision's ToTensor; an MNIST digit becomes (1, 28, 28).
 */
export class ToTensor extends Transform<Image, Tensor> {
  forward(img: Image): Tensor {
    if (!(img instanceof Image)) {
      const hint = (img as unknown) instanceof Tensor ? ' (it is already a Tensor: is ToTensor in the pipeline twice?)' : '';
      throw new TypeError(`ToTensor: pic should be an Image; got ${describe(img)}${hint}`);
    }
    const { data, height: h, width: w, channels: c } = img;
    const out = new Float32Array(c * h * w);
    const hw = h * w;
    if (c === 1) for (let i = 0; i < hw; i++) out[i] = data[i] / 255;
    else for (let i = 0; i < hw; i++) for (let ch = 0; ch < c; ch++) out[ch * hw + i] = data[i * c + ch] / 255;
    return fromTypedArray(out, [c, h, w]);
  }
  protected override specArgs(): unknown[] {
    return [];
  }
}

/**
 * (x - mean[c]) / std[c] per channel of a float tensor (C, H, W) (or (C, *)),
 * as torchvision's Normalize. mean and std have one value or one per channel.
 * @example new Normalize([0.1307], [0.3081])  // MNIST's statistics
 */
export class Normalize extends Transform<Tensor, Tensor> {
  readonly mean: number[];
  readonly std: number[];
  constructor(mean: number[] | number, std: number[] | number) {
    super();
    this.mean = typeof mean === 'number' ? [mean] : Array.from(mean ?? []);
    this.std = typeof std === 'number' ? [std] : Array.from(std ?? []);
    for (const [k, v] of [['mean', this.mean], ['std', this.std]] as const)
      if (v.length === 0 || !v.every((x) => typeof x === 'number' && Number.isFinite(x)))
        throw new RangeError(`Normalize: ${k} must be a finite number or a non-empty array of them, got ${JSON.stringify(k === 'mean' ? mean : std)}`);
    if (this.std.some((s) => Math.fround(s) === 0))
      throw new RangeError(`Normalize: std evaluated to zero after conversion to float32, leading to division by zero (std ${JSON.stringify(this.std)})`);
  }
  forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor)) throw new TypeError(`Normalize: expects a float tensor (C, H, W); got ${describe(x)}${(x as unknown) instanceof Image ? ' (put ToTensor() before Normalize)' : ''}`);
    if (x.dtype === 'int32') throw new TypeError('Normalize: expects a floating point tensor, got int32');
    if (x.ndim < 1) throw new RangeError(`Normalize: expects a tensor (C, *); got shape ${fmtShape(x.shape)}`);
    const c = x.shape[0];
    for (const [k, v] of [['mean', this.mean], ['std', this.std]] as const)
      if (v.length !== 1 && v.length !== c)
        throw new RangeError(`Normalize: ${k} has ${v.length} values but the tensor has ${c} channels (shape ${fmtShape(x.shape)}); give 1 or ${c}`);
    const src = x.contiguous().data;
    const out = new (arrayCtor(x.dtype))(src.length);
    const per = c === 0 ? 0 : src.length / c;
    for (let ch = 0; ch < c; ch++) {
      const m = this.mean.length === 1 ? this.mean[0] : this.mean[ch];
      const s = this.std.length === 1 ? this.std[0] : this.std[ch];
      for (let i = ch * per, e = i + per; i < e; i++) out[i] = (src[i] - m) / s;
    }
    return fromTypedArray(out, x.shape);
  }
  protected override specArgs(): unknown[] {
    return [this.mean, this.std];
  }
}

function checkP(op: string, p: number): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${op}: p must be a probability in [0, 1], got ${String(p)}`);
  return p;
}

function flip(op: string, x: unknown, horizontal: boolean): Image | Tensor {
  const P = planes(op, x);
  const { out, at, done } = P.make(P.h, P.w);
  for (let c = 0; c < P.c; c++)
    for (let y = 0; y < P.h; y++)
      for (let xx = 0; xx < P.w; xx++)
        out[at(c, y, xx)] = horizontal ? P.data[P.at(c, y, P.w - 1 - xx)] : P.data[P.at(c, P.h - 1 - y, xx)];
  return done();
}

/** Mirrors left-right with probability p (default 0.5). */
export class RandomHorizontalFlip extends Transform<Image | Tensor, Image | Tensor> {
  constructor(readonly p = 0.5) {
    super();
    checkP('RandomHorizontalFlip', p);
  }
  forward(x: Image | Tensor): Image | Tensor {
    planes('RandomHorizontalFlip', x); // type check even when not flipping
    return sampleGenerator().random() < this.p ? flip('RandomHorizontalFlip', x, true) : x;
  }
  protected override specArgs(): unknown[] {
    return [this.p];
  }
}

/** Mirrors top-bottom with probability p (default 0.5). */
export class RandomVerticalFlip extends Transform<Image | Tensor, Image | Tensor> {
  constructor(readonly p = 0.5) {
    super();
    checkP('RandomVerticalFlip', p);
  }
  forward(x: Image | Tensor): Image | Tensor {
    planes('RandomVerticalFlip', x);
    return sampleGenerator().random() < this.p ? flip('RandomVerticalFlip', x, false) : x;
  }
  protected override specArgs(): unknown[] {
    return [this.p];
  }
}

/** A fill value as a number (any finite value suits a float image); checked against the input in checkFill. */
function fillOption(op: string, fill: unknown): number {
  if (typeof fill !== 'number') throw new TypeError(`${op}: fill must be a number, got ${describe(fill)}`);
  if (!Number.isFinite(fill)) throw new RangeError(`${op}: fill must be a finite number, got ${fill}`);
  return fill;
}

/** A fill that the input's pixels can hold exactly: storing 300 in a byte would wrap to 44, 2.5 would become 2. */
function checkFill(op: string, fill: number, x: Image | Tensor): void {
  if (x instanceof Image && !(Number.isInteger(fill) && fill >= 0 && fill <= 255))
    throw new RangeError(`${op}: fill ${fill} does not fit a uint8 image (an integer in [0, 255])`);
  if (x instanceof Tensor && x.dtype === 'int32' && !(Number.isInteger(fill) && fill >= -(2 ** 31) && fill < 2 ** 31))
    throw new RangeError(`${op}: fill ${fill} does not fit an int32 tensor (an integer in [-2^31, 2^31))`);
}

/** The longest typed array (buffer.constants.MAX_LENGTH): a larger crop cannot be allocated. */
const MAX_ELEMENTS = bufferConstants.MAX_LENGTH;

/** Copies the window of size (th, tw) whose top-left corner is (top, left) in the padded frame; outside the image: fill. */
function cropPadded(op: string, P: Planes, top: number, left: number, th: number, tw: number, fill: number): Image | Tensor {
  const n = P.c * th * tw;
  if (n > MAX_ELEMENTS)
    throw new RangeError(`${op}: a crop of size [${th}, ${tw}] of a ${P.c}-channel image has ${n} elements, more than the ${MAX_ELEMENTS} an image or tensor can hold`);
  const { out, at, done } = P.make(th, tw);
  for (let c = 0; c < P.c; c++)
    for (let y = 0; y < th; y++) {
      const sy = y + top;
      for (let x = 0; x < tw; x++) {
        const sx = x + left;
        out[at(c, y, x)] = sy >= 0 && sy < P.h && sx >= 0 && sx < P.w ? P.data[P.at(c, sy, sx)] : fill;
      }
    }
  return done();
}

export interface RandomCropOptions {
  /** Border added first: one number for all sides, [left/right, top/bottom], or [left, top, right, bottom]. */
  padding?: number | number[];
  /** Pads a side that is smaller than the crop (default false). */
  padIfNeeded?: boolean;
  /** Value of the padded pixels (default 0). */
  fill?: number;
}

/**
 * A crop of `size` (a number or [h, w]) at a random place, after optional
 * padding, as torchvision's RandomCrop with padding_mode 'constant'.
 * @example new RandomCrop(28, { padding: 4 })  // MNIST/CIFAR-style shift augmentation
 */
export class RandomCrop extends Transform<Image | Tensor, Image | Tensor> {
  readonly size: [number, number];
  readonly padding: [number, number, number, number];
  readonly padIfNeeded: boolean;
  readonly fill: number;
  constructor(size: number | [number, number], { padding = 0, padIfNeeded = false, fill = 0 }: RandomCropOptions = {}) {
    super();
    this.size = pair('RandomCrop', 'size', size);
    const p = typeof padding === 'number' ? [padding] : Array.from(padding ?? []);
    if (![1, 2, 4].includes(p.length) || !p.every((v) => Number.isInteger(v) && v >= 0))
      throw new RangeError(`RandomCrop: padding must be a non-negative integer or an array of 2 or 4 of them, got ${JSON.stringify(padding)}`);
    this.padding = (p.length === 1 ? [p[0], p[0], p[0], p[0]] : p.length === 2 ? [p[0], p[1], p[0], p[1]] : p) as [number, number, number, number];
    this.padIfNeeded = checkBool('RandomCrop', 'padIfNeeded', padIfNeeded);
    this.fill = fillOption('RandomCrop', fill);
  }
  forward(x: Image | Tensor): Image | Tensor {
    const P = planes('RandomCrop', x);
    checkFill('RandomCrop', this.fill, x);
    let [left, top, right, bottom] = this.padding;
    const [th, tw] = this.size;
    if (this.padIfNeeded && P.w + left + right < tw) {
      const d = tw - (P.w + left + right);
      left += d;
      right += d;
    }
    if (this.padIfNeeded && P.h + top + bottom < th) {
      const d = th - (P.h + top + bottom);
      top += d;
      bottom += d;
    }
    const h = P.h + top + bottom, w = P.w + left + right;
    if (h < th || w < tw)
      throw new RangeError(`RandomCrop: required crop size [${th}, ${tw}] is larger than the input image size [${h}, ${w}]${top + left > 0 ? ' (after padding)' : ''}`);
    const g = sampleGenerator();
    const i = g.randint(0, h - th + 1), j = g.randint(0, w - tw + 1);
    return cropPadded('RandomCrop', P, i - top, j - left, th, tw, this.fill);
  }
  protected override specArgs(): unknown[] {
    return [this.size, { padding: this.padding, padIfNeeded: this.padIfNeeded, fill: this.fill }];
  }
}

/** The central crop of `size` (padded with 0 when the image is smaller), as torchvision's CenterCrop. */
export class CenterCrop extends Transform<Image | Tensor, Image | Tensor> {
  readonly size: [number, number];
  constructor(size: number | [number, number]) {
    super();
    this.size = pair('CenterCrop', 'size', size);
  }
  forward(x: Image | Tensor): Image | Tensor {
    const P = planes('CenterCrop', x);
    const [th, tw] = this.size;
    return cropPadded('CenterCrop', P, Math.round((P.h - th) / 2), Math.round((P.w - tw) / 2), th, tw, 0);
  }
  protected override specArgs(): unknown[] {
    return [this.size];
  }
}

/**
 * Rotates by an angle drawn uniformly from [-degrees, degrees] (or [min, max]),
 * counter-clockwise, about the image centre, with nearest-neighbour sampling
 * (torchvision's default) and `fill` outside the source.
 */
export class RandomRotation extends Transform<Image | Tensor, Image | Tensor> {
  readonly degrees: [number, number];
  readonly fill: number;
  constructor(degrees: number | [number, number], { fill = 0 }: { fill?: number } = {}) {
    super();
    if (typeof degrees === 'number') {
      if (!(degrees >= 0) || !Number.isFinite(degrees)) throw new RangeError(`RandomRotation: If degrees is a single number, it must be positive; got ${degrees}`);
      this.degrees = [-degrees, degrees];
    } else {
      if (!Array.isArray(degrees) || degrees.length !== 2 || !degrees.every(Number.isFinite) || degrees[0] > degrees[1])
        throw new RangeError(`RandomRotation: degrees must be a number or a pair [min, max] with min <= max, got ${JSON.stringify(degrees)}`);
      this.degrees = [degrees[0], degrees[1]];
    }
    this.fill = fillOption('RandomRotation', fill);
  }
  forward(x: Image | Tensor): Image | Tensor {
    const P = planes('RandomRotation', x);
    checkFill('RandomRotation', this.fill, x);
    const angle = sampleGenerator().uniform(this.degrees[0], this.degrees[1]);
    const a = (angle * Math.PI) / 180, cos = Math.cos(a), sin = Math.sin(a);
    const cx = (P.w - 1) / 2, cy = (P.h - 1) / 2;
    const { out, at, done } = P.make(P.h, P.w);
    for (let y = 0; y < P.h; y++)
      for (let xx = 0; xx < P.w; xx++) {
        // Output (dx, dy) from the centre samples the source rotated back: with y pointing down,
        // a counter-clockwise turn by a maps source (sx, sy) to output (cos a sx + sin a sy, -sin a sx + cos a sy).
        const dx = xx - cx, dy = y - cy;
        const sx = Math.round(cx + cos * dx - sin * dy), sy = Math.round(cy + sin * dx + cos * dy);
        const inside = sx >= 0 && sx < P.w && sy >= 0 && sy < P.h;
        for (let c = 0; c < P.c; c++) out[at(c, y, xx)] = inside ? P.data[P.at(c, sy, sx)] : this.fill;
      }
    return done();
  }
  protected override specArgs(): unknown[] {
    return [this.degrees, { fill: this.fill }];
  }
}

/**
 * Adds N(mean, sigma^2) noise to each element of a float tensor, then
 * (clip, default true) clamps to [0, 1], as torchvision.transforms.v2.GaussianNoise.
 * A number is taken as sigma.
 */
export class GaussianNoise extends Transform<Tensor, Tensor> {
  readonly mean: number;
  readonly sigma: number;
  readonly clip: boolean;
  constructor(opts: number | { mean?: number; sigma?: number; clip?: boolean } = {}) {
    super();
    const { mean = 0, sigma = 0.1, clip = true } = typeof opts === 'number' ? { sigma: opts } : opts;
    if (typeof sigma !== 'number' || !(sigma >= 0) || !Number.isFinite(sigma)) throw new RangeError(`GaussianNoise: sigma should be a finite number >= 0, got ${String(sigma)}`);
    if (typeof mean !== 'number' || !Number.isFinite(mean)) throw new RangeError(`GaussianNoise: mean should be a finite number, got ${String(mean)}`);
    this.mean = mean;
    this.sigma = sigma;
    this.clip = checkBool('GaussianNoise', 'clip', clip);
  }
  forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor) || x.dtype === 'int32')
      throw new TypeError(`GaussianNoise: expects a floating point tensor; got ${x instanceof Tensor ? 'int32' : describe(x)}${(x as unknown) instanceof Image ? ' (put ToTensor() before GaussianNoise)' : ''}`);
    const src = x.contiguous().data;
    const out = new (arrayCtor(x.dtype))(src.length);
    const g = sampleGenerator();
    for (let i = 0; i < src.length; i++) {
      let v = src[i] + g.normal(this.mean, this.sigma);
      if (this.clip) v = v < 0 ? 0 : v > 1 ? 1 : v;
      out[i] = v;
    }
    return fromTypedArray(out, x.shape);
  }
  protected override specArgs(): unknown[] {
    return [{ mean: this.mean, sigma: this.sigma, clip: this.clip }];
  }
}

for (const cls of [ToTensor, Normalize, RandomHorizontalFlip, RandomVerticalFlip, RandomCrop, CenterCrop, RandomRotation, GaussianNoise]) register(cls);
