// MNIST / FashionMNIST on generated IDX folders: where files are found,
// items and transforms, bad files, the message for missing files, and
// downloads from a local HTTP server (never the internet).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as torch from 'torchlet';
import { values } from '../fixtures/nn';
import { errorsInChild } from '../io/child_lib';
import { pixel, startServer, tmpdir, writeSplit } from './helpers';

const { data } = torch;
const { MNIST, FashionMNIST } = data.datasets;
const T = data.transforms;

describe('reading', () => {
  let root: string;
  beforeAll(() => {
    root = tmpdir();
    writeSplit(path.join(root, 'MNIST', 'raw'), 'train', 30);
    writeSplit(path.join(root, 'MNIST', 'raw'), 't10k', 12, { gzip: false });
  });
  afterAll(() => fs.rmSync(root, { recursive: true }));

  test('train and test splits, items as [Image, int32 label]', () => {
    const tr = new MNIST(root);
    expect(tr.length).toBe(30);
    expect(tr.folder).toBe(path.join(root, 'MNIST', 'raw'));
    const [im, y] = tr.getItem(13);
    expect(im).toBeInstanceOf(data.Image);
    expect(im.shape).toEqual([28, 28, 1]);
    expect(im.get(2, 5)).toBe(pixel(13, 2, 5));
    expect(y.dtype).toBe('int32');
    expect(y.shape).toEqual([]);
    expect(y.item()).toBe(3);
    const te = new MNIST(root, { train: false });
    expect(te.length).toBe(12);
    expect(te.getItem(-1)[1].item()).toBe(1);
    expect(String(te)).toMatch(/^Dataset MNIST\n    Number of datapoints: 12\n.*\n    Split: Test$/);
  });

  test('data and targets tensors', () => {
    const ds = new MNIST(root);
    expect(ds.data.shape).toEqual([30, 28, 28]);
    expect(ds.data.get(4).get(1).get(3).item()).toBe(pixel(4, 1, 3));
    expect(values(ds.targets.narrow(0, 8, 4))).toEqual([8, 9, 0, 1]);
    expect(ds.classes[3]).toBe('3 - three');
  });

  test('transforms: ToTensor gives (1, 28, 28) in [0, 1]; targetTransform gets the number', () => {
    const ds = new MNIST(root, { transform: new T.ToTensor(), targetTransform: (y: number) => y * 10 });
    const [x, y] = ds.getItem(2);
    expect(x.shape).toEqual([1, 28, 28]);
    expect(x.get(0).get(0).get(1).item()).toBeCloseTo(pixel(2, 0, 1) / 255, 6);
    expect(y).toBe(20);
  });

  test('a DataLoader batches them: x (N, 1, 28, 28) float32, y (N) int32', () => {
    const ds = new MNIST(root, { transform: new T.Compose([new T.ToTensor(), new T.Normalize([0.1307], [0.3081])]) });
    const [x, y] = [...new data.DataLoader(ds, { batchSize: 8 })][0];
    expect(x.shape).toEqual([8, 1, 28, 28]);
    expect(y.dtype).toBe('int32');
    expect(values(y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  test('files directly in root or in root/<Name> are found too', () => {
    const r2 = tmpdir();
    writeSplit(r2, 'train', 3);
    expect(new MNIST(r2).folder).toBe(r2);
    writeSplit(path.join(r2, 'FashionMNIST'), 'train', 4);
    expect(new FashionMNIST(r2).length).toBe(4);
    expect(new FashionMNIST(r2).classes[9]).toBe('Ankle boot');
    fs.rmSync(r2, { recursive: true });
  });

  test('the default collate names Images it cannot batch', () => {
    expect(() => [...new data.DataLoader(new MNIST(root), { batchSize: 2 })]).toThrow(
      /^DataLoader: defaultCollate cannot batch items of type Image in field 0 of the samples \(add transforms.ToTensor\(\) to the dataset's transform\); pass a collate function$/);
  });
});

describe('bad files', () => {
  let root: string;
  beforeEach(() => (root = tmpdir()));
  afterEach(() => fs.rmSync(root, { recursive: true }));

  test('labels and images of different counts', () => {
    writeSplit(root, 'train', 5);
    torch.data.writeIdx(path.join(root, 'train-labels-idx1-ubyte.gz'), new Uint8Array(4), [4]);
    expect(() => new MNIST(root)).toThrow(/^MNIST: .*train-images-idx3-ubyte.gz holds 5 images but .*train-labels-idx1-ubyte.gz holds 4 labels$/);
  });

  test('a labels file where the images should be; a label out of range', () => {
    writeSplit(root, 'train', 5);
    torch.data.writeIdx(path.join(root, 'train-images-idx3-ubyte.gz'), new Uint8Array(5), [5]);
    expect(() => new MNIST(root)).toThrow(/^MNIST: .*train-images-idx3-ubyte.gz should hold uint8 images \[n, rows, cols\] \(magic 0x00000803\); it holds uint8 \[5\]$/);
    writeSplit(root, 'train', 5);
    torch.data.writeIdx(path.join(root, 'train-labels-idx1-ubyte.gz'), Uint8Array.from([0, 1, 2, 10, 4]), [5]);
    expect(() => new MNIST(root)).toThrow(/train-labels-idx1-ubyte.gz: label 3 is 10, outside 0..9$/);
  });

  test('a truncated images file', () => {
    writeSplit(root, 'train', 5, { gzip: false });
    const p = path.join(root, 'train-images-idx3-ubyte');
    fs.truncateSync(p, fs.statSync(p).size - 100);
    expect(() => new MNIST(root)).toThrow(/^readIdx: .*train-images-idx3-ubyte is truncated: the header says uint8 \[5, 28, 28\] = 3920 bytes of data, but the file has 3820 after the 16-byte header$/);
  });

  test('wrong magic', () => {
    writeSplit(root, 'train', 2, { gzip: false });
    fs.writeFileSync(path.join(root, 'train-labels-idx1-ubyte'), 'not an idx file at all');
    expect(() => new MNIST(root)).toThrow(/^readIdx: .*train-labels-idx1-ubyte has magic number 0x6e6f7420, not an IDX file/);
  });

  (process.platform === 'win32' ? test.skip : test)('a FIFO or a device where a file should be: refused, not read forever', () => {
    writeSplit(root, 'train', 2, { gzip: false });
    const images = path.join(root, 'train-images-idx3-ubyte'), labels = path.join(root, 'train-labels-idx1-ubyte');
    fs.rmSync(images);
    execFileSync('mkfifo', [images]);
    const got = errorsInChild([
      `new torch.data.datasets.MNIST(${JSON.stringify(root)})`,
      `new torch.data.datasets.FashionMNIST(${JSON.stringify(root)}, { train: true })`,
    ]);
    const fifoError = `readIdx: cannot read ${images}: it is a named pipe (FIFO), not a regular file`;
    expect(got).toEqual([fifoError, fifoError]);
    // A device (through a symlink) where the labels should be: refused, not read until memory runs out.
    fs.rmSync(images);
    writeSplit(root, 'train', 2, { gzip: false });
    fs.rmSync(labels);
    fs.symlinkSync('/dev/zero', labels);
    expect(errorsInChild([`new torch.data.datasets.MNIST(${JSON.stringify(root)})`])).toEqual([
      `readIdx: cannot read ${labels}: it is a character device, not a regular file`,
    ]);
  });

  test('missing files: which files, where, and how to get them', () => {
    const rr = root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(() => new MNIST(root)).toThrow(new RegExp(
      `^MNIST: dataset files not found\\. Looked for train-images-idx3-ubyte\\[\\.gz\\] and train-labels-idx1-ubyte\\[\\.gz\\] in ${rr}/MNIST/raw, ${rr}/MNIST, ${rr}\\. ` +
        `Put them \\(gzip-compressed or not\\) in ${rr}/MNIST/raw, or pass \\{ download: true \\} to fetch them from https://`));
    // FashionMNIST also looks in Debian's folder and names the package. (Only the message is checked: the
    // folder may exist on this machine, so a root without the files and a fake system folder are used.)
    const saved = FashionMNIST.systemFolders;
    FashionMNIST.systemFolders = [path.join(root, 'usr-share')];
    try {
      expect(() => new FashionMNIST(root, { train: false })).toThrow(
        /Looked for t10k-images-idx3-ubyte\[\.gz\] and t10k-labels-idx1-ubyte\[\.gz\] in .*usr-share\. Put them .* or install them system-wide: apt-get install dataset-fashion-mnist$/);
      expect(() => new FashionMNIST()).toThrow(/<root>\/FashionMNIST\/raw/);
    } finally {
      FashionMNIST.systemFolders = saved;
    }
  });

  test('FashionMNIST finds the system folder when root has no files', () => {
    const saved = FashionMNIST.systemFolders;
    const sys = path.join(root, 'sys');
    writeSplit(sys, 'train', 6);
    FashionMNIST.systemFolders = [sys];
    try {
      expect(new FashionMNIST().folder).toBe(sys);
      expect(new FashionMNIST(path.join(root, 'empty')).length).toBe(6);
    } finally {
      FashionMNIST.systemFolders = saved;
    }
  });

  test('bad options', () => {
    expect(() => new MNIST(3 as unknown as string)).toThrow(/^MNIST: root must be a folder path \(a string\), got number$/);
    expect(() => new MNIST(root, { transform: 5 as unknown as torch.data.transforms.Transform })).toThrow(/^MNIST: transform must be a Transform or a function, got number$/);
    expect(() => new MNIST(undefined, { download: true })).toThrow(/^MNIST: download needs a root folder/);
  });
});

describe('download from a local server', () => {
  let served: string, server: { url: string; close: () => Promise<void> };
  beforeAll(async () => {
    served = tmpdir();
    writeSplit(served, 'train', 20);
    writeSplit(served, 't10k', 10);
    server = await startServer(served);
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(served, { recursive: true });
  });

  test('the constructor downloads into root/<Name>/raw, trying mirrors in order', () => {
    const root = tmpdir();
    const ds = new MNIST(root, { download: true, mirrors: [`${server.url}/nothing-here/`, `${server.url}/files`] });
    expect(ds.length).toBe(20);
    expect(ds.getItem(7)[0].get(3, 4)).toBe(pixel(7, 3, 4));
    const raw = path.join(root, 'MNIST', 'raw');
    expect(fs.readdirSync(raw).sort()).toEqual(['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz', 'train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']);
    // Present files are not fetched again (a dead mirror is fine now).
    expect(new MNIST(root, { train: false, download: true, mirrors: ['http://127.0.0.1:9/'] }).length).toBe(10);
    fs.rmSync(root, { recursive: true });
  });

  test('MNIST.download awaits without blocking', async () => {
    const root = tmpdir();
    const folder = await FashionMNIST.download(root, { mirrors: [`${server.url}/files/`] });
    expect(folder).toBe(path.join(root, 'FashionMNIST', 'raw'));
    expect(new FashionMNIST(root, { train: false }).length).toBe(10);
    fs.rmSync(root, { recursive: true });
  });

  test('every mirror failing: the error lists each URL and why; no partial file is left', () => {
    const root = tmpdir();
    expect(() => new MNIST(root, { download: true, mirrors: [`${server.url}/nothing-here/`, `${server.url}/truncated/`] })).toThrow(
      /^MNIST: could not download train-images-idx3-ubyte.gz \(http:\/\/127.0.0.1:\d+\/nothing-here\/train-images-idx3-ubyte.gz: HTTP 404; http:\/\/127.0.0.1:\d+\/truncated\/train-images-idx3-ubyte.gz: .+\)$/);
    expect(fs.readdirSync(path.join(root, 'MNIST', 'raw'))).toEqual([]);
    fs.rmSync(root, { recursive: true });
  });

  test('mirrors must be http(s) URLs', () => {
    const root = tmpdir();
    expect(() => new MNIST(root, { download: true, mirrors: ['ftp://x/'] })).toThrow(/^download: mirrors must be a non-empty array of http\(s\) URLs, got \["ftp:\/\/x\/"\]$/);
    fs.rmSync(root, { recursive: true });
  });
});
