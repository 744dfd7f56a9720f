/**
 * MNIST and Fashion-MNIST from their IDX files, as torchvision.datasets.
 *
 *   new data.datasets.FashionMNIST(undefined, { train: true, transform: new transforms.ToTensor() })
 *
 * Files are looked for, gzip-compressed or not, in `root/<Name>/raw`
 * (torchvision's layout), `root/<Name>` and `root`, then in the system's
 * folders (Fashion-MNIST: Debian's dataset-fashion-mnist package,
 * /usr/share/datasets/fashion-mnist). `download: true` fetches the missing
 * files into `root/<Name>/raw` from the mirrors (https; configurable).
 *
 * Item i is [image, label]: the image is an Image (28 x 28 x 1 bytes) unless
 * a transform maps it (ToTensor gives float32 (1, 28, 28) in [0, 1]); the
 * label is a 0-d int32 tensor, so that batches of labels are int32 class
 * indices for CrossEntropyLoss (PyTorch collates Python ints to int64; a JS
 * number cannot say it is an integer), or what targetTransform makes of the
 * label as a number. The pixels live in a SharedArrayBuffer that DataLoader
 * workers read without a copy.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Tensor, fromTypedArray, scalarTensor } from '../../tensor';
import { Dataset, checkIndex } from '../dataset';
import { Image } from '../image';
import { readIdx } from '../idx';
import { applyTransform, TransformFn } from '../transforms';
import { registerKind, transformSpec, build, Spec, NotSendableError } from '../spec';
import { downloadSync, download as downloadAsync } from './download';

export interface MNISTOptions {
  /** The training split (60,000 images) or the test split (10,000); default true. */
  train?: boolean;
  /** Download the files into root/<Name>/raw when they are not found; default false. */
  download?: boolean;
  /** Applied to each image (an Image), e.g. new transforms.ToTensor(). */
  transform?: TransformFn;
  /** Applied to each label (a number). */
  targetTransform?: TransformFn;
  /** Base URLs to download from, tried in order (default: the class's mirrors). */
  mirrors?: string[];
}

const SPLITS = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;

/** The data of one split, kept in shared memory. */
interface Loaded {
  images: Uint8Array;
  labels: Uint8Array;
  n: number;
  rows: number;
  cols: number;
  folder: string;
}

function toShared(a: Uint8Array): Uint8Array {
  const s = new Uint8Array(new SharedArrayBuffer(a.length));
  s.set(a);
  return s;
}

/** MNIST handwritten digits (LeCun, Cortes, Burges): 28 x 28 grey levels, 10 classes. */
export class MNIST extends Dataset<[any, any]> {
  /** Where download fetches the files from (torchvision's and TensorFlow's https mirrors). */
  static mirrors: string[] = ['https://ossci-datasets.s3.amazonaws.com/mnist/', 'https://storage.googleapis.com/cvdf-datasets/mnist/'];
  /** Folders searched after root (none for MNIST). */
  static systemFolders: string[] = [];
  /** A Debian package that installs the files into systemFolders, for the error message. */
  static aptPackage: string | null = null;
  static classes: string[] = ['0 - zero', '1 - one', '2 - two', '3 - three', '4 - four', '5 - five', '6 - six', '7 - seven', '8 - eight', '9 - nine'];

  readonly root: string | undefined;
  readonly train: boolean;
  readonly transform: TransformFn | undefined;
  readonly targetTransform: TransformFn | undefined;
  /** The folder the files were read from. */
  readonly folder: string;
  /** All images' bytes, n x rows x cols, in a SharedArrayBuffer. */
  readonly images: Uint8Array;
  /** Labels 0..9. */
  readonly labels: Uint8Array;
  readonly rows: number;
  readonly cols: number;
  private _data: Tensor | null = null;
  private _targets: Tensor | null = null;

  constructor(root?: string, opts: MNISTOptions = {}, /** @internal */ loaded?: Loaded) {
    super();
    const name = this.constructor.name;
    const { train = true, download = false, transform, targetTransform, mirrors } = opts;
    if (root !== undefined && typeof root !== 'string') throw new TypeError(`${name}: root must be a folder path (a string), got ${typeof root}`);
    if (typeof train !== 'boolean') throw new TypeError(`${name}: train must be a boolean, got ${typeof train}`);
    for (const [k, t] of [['transform', transform], ['targetTransform', targetTransform]] as const)
      if (t !== undefined && typeof t !== 'function' && typeof (t as { forward?: unknown })?.forward !== 'function')
        throw new TypeError(`${name}: ${k} must be a Transform or a function, got ${t === null ? 'null' : typeof t}`);
    this.root = root;
    this.train = train;
    this.transform = transform;
    this.targetTransform = targetTransform;
    const cls = this.constructor as typeof MNIST;
    const data = loaded ?? cls.load(root, train, download, mirrors);
    this.folder = data.folder;
    this.images = data.images;
    this.labels = data.labels;
    this.rows = data.rows;
    this.cols = data.cols;
  }

  get classes(): string[] {
    return (this.constructor as typeof MNIST).classes;
  }
  get length(): number {
    return this.labels.length;
  }

  /** [image, label], each through its transform (see the file's comment). */
  getItem(index: number): [any, any] {
    const i = checkIndex(this.constructor.name, index, this.labels.length);
    const px = this.rows * this.cols;
    let img: unknown = new Image(this.images.subarray(i * px, (i + 1) * px), this.rows, this.cols, 1);
    if (this.transform) img = applyTransform(this.transform, img);
    const label = this.labels[i];
    const target = this.targetTransform ? applyTransform(this.targetTransform, label) : scalarTensor(label, 'int32');
    return [img, target];
  }

  /** All images as a float32 tensor (n, rows, cols) of grey levels 0..255 (torchvision's uint8 .data; made on first use). */
  get data(): Tensor {
    return (this._data ??= fromTypedArray(Float32Array.from(this.images), [this.labels.length, this.rows, this.cols]));
  }
  /** All labels as an int32 tensor (n). */
  get targets(): Tensor {
    return (this._targets ??= fromTypedArray(Int32Array.from(this.labels), [this.labels.length]));
  }

  override toString(): string {
    return `Dataset ${this.constructor.name}\n    Number of datapoints: ${this.length}\n    Root location: ${this.folder}\n    Split: ${this.train ? 'Train' : 'Test'}`;
  }

  /** @internal The images and labels travel as SharedArrayBuffers; the transforms by their specs. */
  _workerSpec(_dry: boolean): Spec {
    const name = this.constructor.name;
    if (CLASSES[name] !== this.constructor)
      throw new NotSendableError(`${name} (a subclass of MNIST) cannot be sent to worker threads: define workerRecipe() on it, or use numWorkers: 0`);
    return {
      kind: 'MNIST',
      cls: name,
      train: this.train,
      loaded: { images: this.images, labels: this.labels, n: this.labels.length, rows: this.rows, cols: this.cols, folder: this.folder },
      transform: transformSpec(this.transform, `${name}'s transform`),
      targetTransform: transformSpec(this.targetTransform, `${name}'s targetTransform`),
    };
  }

  /** The folders searched for the files, in order. */
  static searchFolders(root?: string): string[] {
    const out: string[] = [];
    if (root !== undefined) {
      const r = path.resolve(root);
      out.push(path.join(r, this.name, 'raw'), path.join(r, this.name), r);
    }
    out.push(...this.systemFolders);
    return out;
  }

  /** Path of `base` (or base.gz) in folder, or null. */
  private static find(folder: string, base: string): string | null {
    for (const f of [base + '.gz', base]) {
      const p = path.join(folder, f);
      if (fs.existsSync(p)) return p;
    }
    return null;
  }

  /**
   * Downloads the four files (both splits) into root/<Name>/raw, skipping
   * those already there, without blocking the event loop.
   */
  static async download(root: string, { mirrors }: { mirrors?: string[] } = {}): Promise<string> {
    const { jobs, folder } = this.downloadJobs(root);
    if (jobs.length) await downloadAsync(jobs, { mirrors: mirrors ?? this.mirrors }, this.name);
    return folder;
  }

  private static downloadJobs(root: string | undefined): { jobs: { file: string; dest: string }[]; folder: string } {
    if (typeof root !== 'string' || root === '')
      throw new TypeError(`${this.name}: download needs a root folder to download into, e.g. new ${this.name}('data', { download: true })`);
    const folder = path.join(path.resolve(root), this.name, 'raw');
    fs.mkdirSync(folder, { recursive: true });
    const jobs = [...SPLITS.train, ...SPLITS.test].filter((b) => !this.find(folder, b)).map((b) => ({ file: b + '.gz', dest: path.join(folder, b + '.gz') }));
    return { jobs, folder };
  }

  /** Finds (or downloads) and reads one split, checking the files against each other. */
  static load(root: string | undefined, train: boolean, download: boolean, mirrors?: string[]): Loaded {
    const [imgBase, labBase] = train ? SPLITS.train : SPLITS.test;
    const folders = this.searchFolders(root);
    let folder = folders.find((f) => this.find(f, imgBase) && this.find(f, labBase));
    if (!folder && download) {
      const { jobs, folder: dest } = this.downloadJobs(root);
      downloadSync(jobs, { mirrors: mirrors ?? this.mirrors }, this.name);
      folder = dest;
    }
    if (!folder) {
      const where = root !== undefined ? path.join(path.resolve(root), this.name, 'raw') : `<root>/${this.name}/raw`;
      const apt = this.aptPackage ? `, or install them system-wide: apt-get install ${this.aptPackage}` : '';
      throw new Error(
        `${this.name}: dataset files not found. Looked for ${imgBase}[.gz] and ${labBase}[.gz] in ` +
          (folders.length ? folders.join(', ') : 'no folder (no root given)') +
          `. Put them (gzip-compressed or not) in ${where}, or pass { download: true } to fetch them from ${(mirrors ?? this.mirrors).join(' or ')}${apt}`,
      );
    }
    const imgPath = this.find(folder, imgBase)!, labPath = this.find(folder, labBase)!;
    const img = readIdx(imgPath), lab = readIdx(labPath);
    if (img.dtype !== 'uint8' || img.shape.length !== 3)
      throw new Error(`${this.name}: ${imgPath} should hold uint8 images [n, rows, cols] (magic 0x00000803); it holds ${img.dtype} [${img.shape.join(', ')}]`);
    if (lab.dtype !== 'uint8' || lab.shape.length !== 1)
      throw new Error(`${this.name}: ${labPath} should hold uint8 labels [n] (magic 0x00000801); it holds ${lab.dtype} [${lab.shape.join(', ')}]`);
    if (img.shape[0] !== lab.shape[0])
      throw new Error(`${this.name}: ${imgPath} holds ${img.shape[0]} images but ${labPath} holds ${lab.shape[0]} labels`);
    const labels = lab.data as Uint8Array;
    const k = this.classes.length;
    for (let i = 0; i < labels.length; i++)
      if (labels[i] >= k) throw new Error(`${this.name}: ${labPath}: label ${i} is ${labels[i]}, outside 0..${k - 1}`);
    return { images: toShared(img.data as Uint8Array), labels: toShared(labels), n: labels.length, rows: img.shape[1], cols: img.shape[2], folder };
  }
}

/** Fashion-MNIST (Zalando): 28 x 28 grey images of clothes, 10 classes, the same files and format as MNIST. */
export class FashionMNIST extends MNIST {
  static override mirrors: string[] = ['https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/'];
  static override systemFolders: string[] = ['/usr/share/datasets/fashion-mnist'];
  static override aptPackage: string | null = 'dataset-fashion-mnist';
  static override classes: string[] = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
}

const CLASSES: Record<string, typeof MNIST> = { MNIST, FashionMNIST };
registerKind('MNIST', (s) => {
  const cls = CLASSES[s.cls as string];
  const t = build(s.transform as Spec | null), tt = build(s.targetTransform as Spec | null);
  const make = (t: unknown, tt: unknown) => new cls(undefined, { train: s.train as boolean, transform: t as TransformFn, targetTransform: tt as TransformFn }, s.loaded as Loaded);
  if (t instanceof Promise || tt instanceof Promise) return Promise.all([t, tt]).then(([a, b]) => make(a, b));
  return make(t, tt);
});
