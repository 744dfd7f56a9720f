/**
 * The flagship job: the full Fashion-MNIST (60,000 training and 10,000 test
 * images of clothes, 10 classes) with an MLP 784-256-128-10 that uses every
 * tool of the course's second half: BatchNorm and Dropout against
 * overfitting, data augmentation (random horizontal flips; random crops,
 * which move every pixel, cost an MLP about 2 points here) prepared by
 * DataLoader worker threads, label smoothing, AdamW (decoupled L2) with a one-cycle learning
 * rate schedule, gradient clipping, TensorBoard logs, a progress bar, and a
 * checkpoint after every epoch that `--resume` continues from, bit for bit.
 *
 * Data: Debian's dataset-fashion-mnist package (found by itself), or the four
 * IDX files in ./data/FashionMNIST/raw, or `--download` from the official
 * mirrors.
 *
 * Run: npm run fashion                        (10 epochs, about 20 s here; 89.3% test accuracy)
 *      node dist/examples/fashion-mnist.js --epochs 10 --stop-after 4   (as if interrupted after epoch 4)
 *      node dist/examples/fashion-mnist.js --resume                     (continues that run: same results)
 * Options: --epochs N, --workers N (DataLoader threads, default 2), --batch N, --download.
 * Logs: runs/fashion-mnist (tensorboard --logdir runs); checkpoint: runs/fashion-mnist/checkpoint.safetensors
 */
import * as fs from 'fs';
import * as path from 'path';
import * as torch from 'torchlet';
const { nn, optim, data } = torch;
const T = data.transforms;

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}
let epochs = arg('epochs', 10);
const stopAfter = arg('stop-after', Infinity);
const workers = arg('workers', 2);
const batchSize = arg('batch', 128);
const resume = process.argv.includes('--resume');
const download = process.argv.includes('--download');
const runDir = path.resolve('runs', 'fashion-mnist');
const ckptPath = path.join(runDir, 'checkpoint.safetensors');

// The training set's mean and standard deviation (of pixels in [0, 1]).
const normalize = new T.Normalize([0.286], [0.353]);
let trainSet: torch.data.datasets.FashionMNIST, testSet: torch.data.datasets.FashionMNIST;
try {
  trainSet = new data.datasets.FashionMNIST('data', {
    train: true, download,
    transform: new T.Compose([new T.RandomHorizontalFlip(), new T.ToTensor(), normalize]),
  });
  testSet = new data.datasets.FashionMNIST('data', { train: false, download, transform: new T.Compose([new T.ToTensor(), normalize]) });
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
console.log(`Fashion-MNIST from ${trainSet.folder}: ${trainSet.length} training and ${testSet.length} test images`);

class Classifier extends nn.Module {
  flatten = new nn.Flatten();
  fc1 = new nn.Linear(784, 256);
  bn1 = new nn.BatchNorm1d(256);
  drop1 = new nn.Dropout(0.2);
  fc2 = new nn.Linear(256, 128);
  bn2 = new nn.BatchNorm1d(128);
  drop2 = new nn.Dropout(0.2);
  out = new nn.Linear(128, 10);
  forward(x: torch.Tensor): torch.Tensor {
    let h = this.drop1.forward(this.bn1.forward(this.fc1.forward(this.flatten.forward(x))).relu());
    h = this.drop2.forward(this.bn2.forward(this.fc2.forward(h)).relu());
    return this.out.forward(h);
  }
}

torch.manualSeed(0);
const net = new Classifier();
const lossFn = new nn.CrossEntropyLoss({ labelSmoothing: 0.05 });
const opt = new optim.AdamW(net.parameters(), { lr: 2e-3, weightDecay: 1e-2 });
const loader = new data.DataLoader(trainSet, { batchSize, shuffle: true, seed: 1, numWorkers: workers, persistentWorkers: workers > 0 });
const testLoader = new data.DataLoader(testSet, { batchSize: 1000, numWorkers: 0 });

// --resume continues the run the checkpoint belongs to: its length (the
// one-cycle schedule spans it), its weights, optimizer and schedule state, the
// loader's shuffling stream and torch's generator (dropout), so the rest of the
// run is the one it would have been.
let startEpoch = 0;
const ck = resume && fs.existsSync(ckptPath) ? (torch.load(ckptPath) as any) : null;
if (resume && !ck) console.log(`no checkpoint at ${path.relative(process.cwd(), ckptPath)}: starting afresh`);
if (ck) epochs = ck.epochs;
const sched = new optim.lrScheduler.OneCycleLR(opt, { maxLr: 4e-3, totalSteps: epochs * loader.length });
if (ck) {
  net.loadStateDict(ck.model);
  opt.loadStateDict(ck.optimizer);
  sched.loadStateDict(ck.scheduler);
  loader.loadStateDict(ck.loader);
  torch.setRngState(ck.rng);
  startEpoch = ck.epoch;
  console.log(`resumed from ${path.relative(process.cwd(), ckptPath)} after epoch ${startEpoch} of ${epochs}`);
}

// On resume, TensorBoard hides the batch-step events the interrupted run wrote past the checkpoint.
const writer = new torch.utils.tensorboard.SummaryWriter(runDir, ck ? { purgeStep: startEpoch * loader.length + 1 } : {});

function evaluate(): { loss: number; accuracy: number } {
  net.eval();
  let correct = 0, total = 0, lossSum = 0;
  torch.noGrad(() => {
    for (const [x, y] of testLoader) {
      const logits = net.forward(x);
      lossSum += nn.functional.crossEntropy(logits, y, { reduction: 'sum' }).item();
      const pred = logits.argmax(1).data, labels = y.data;
      for (let i = 0; i < labels.length; i++) if (pred[i] === labels[i]) correct++;
      total += labels.length;
    }
  });
  net.train();
  return { loss: lossSum / total, accuracy: correct / total };
}

(async () => {
  let accuracy = 0;
  for (let epoch = startEpoch + 1; epoch <= epochs; epoch++) {
    net.train();
    const t0 = process.hrtime.bigint();
    const bar = new torch.utils.ProgressBar({ total: loader.length, desc: `epoch ${epoch}/${epochs}`, unit: 'batch' });
    let seen = 0, correct = 0, lossSum = 0, step = (epoch - 1) * loader.length;
    for await (const [x, y] of loader) {
      const logits = net.forward(x);
      const loss = lossFn.forward(logits, y);
      opt.zeroGrad();
      loss.backward();
      nn.utils.clipGradNorm(net.parameters(), 5.0);
      opt.step();
      sched.step();
      const l = loss.item();
      const pred = logits.argmax(1).data, labels = y.data;
      for (let i = 0; i < labels.length; i++) if (pred[i] === labels[i]) correct++;
      seen += labels.length;
      lossSum += l * labels.length;
      if (++step % 50 === 0) {
        writer.addScalar('train/loss', l, step);
        writer.addScalar('train/lr', sched.getLastLr()[0], step);
      }
      bar.update(1, { loss: l, acc: correct / seen });
    }
    bar.close();
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const test = evaluate();
    accuracy = test.accuracy;
    writer.addScalars('loss', { train: lossSum / seen, test: test.loss }, epoch);
    writer.addScalar('test/accuracy', test.accuracy, epoch);
    writer.addHistogram('fc1.weight', net.fc1.weight, epoch);
    torch.save({ model: net.stateDict(), optimizer: opt.stateDict(), scheduler: sched.stateDict(), loader: loader.stateDict(), epoch, epochs,
      rng: torch.getRngState() }, ckptPath);
    console.log(`epoch ${epoch}: train loss ${(lossSum / seen).toFixed(4)}, train accuracy ${(100 * correct / seen).toFixed(2)}%, ` +
      `test loss ${test.loss.toFixed(4)}, test accuracy ${(100 * test.accuracy).toFixed(2)}%, ${secs.toFixed(1)} s`);
    if (epoch >= stopAfter) {
      console.log(`stopping after epoch ${epoch} as asked; continue with --resume`);
      writer.close();
      await loader.close();
      return;
    }
  }
  writer.close();
  await loader.close();
  if (startEpoch >= epochs) accuracy = evaluate().accuracy;
  console.log(`test accuracy ${(100 * accuracy).toFixed(2)}% after ${epochs} epochs; checkpoint ${path.relative(process.cwd(), ckptPath)}, logs ${path.relative(process.cwd(), runDir)}`);
  if (epochs >= 10 && accuracy < 0.88) {
    console.error('fashion-mnist: test accuracy below 88%');
    process.exitCode = 1;
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
