/**
 * Vanishing gradients, made visible (the course's section 6). Three 8-layer
 * MLPs on MNIST digits (784 -> 64 x 7 -> 10), same seed, same He
 * initialisation (kaimingNormal_, zero biases), same batch:
 *   - sigmoid after every hidden layer: sigma' <= 1/4, so the gradient shrinks
 *     layer after layer on its way back to the input;
 *   - ReLU: derivative 1 wherever a unit is active, the gradient keeps its size;
 *   - sigmoid again, but with BatchNorm1d before each sigmoid: the
 *     pre-activations are re-centred and re-scaled, the sigmoids leave their
 *     saturated flat ends, and the gradient comes back.
 * It prints the norm of dLoss/dW for each Linear layer (layer 1 = next to the
 * input), then the loss after a short training run of each network.
 *
 * Run: npm run build && node dist/examples/vanishing.js   (a few seconds)
 */
import * as torch from 'torchlet';
import { mnistDigits } from './datasets';
const { nn, optim } = torch;

const DEPTH = 8, WIDTH = 64;

type Kind = 'sigmoid' | 'relu' | 'batchnorm + sigmoid';
function mlp(kind: Kind): torch.nn.Sequential {
  const net = new nn.Sequential();
  for (let i = 0; i < DEPTH; i++) {
    const last = i === DEPTH - 1;
    const lin = new nn.Linear(i === 0 ? 784 : WIDTH, last ? 10 : WIDTH);
    // He initialisation (the one made for ReLU), the same for the three networks.
    nn.init.kaimingNormal_(lin.weight, { nonlinearity: 'relu' });
    nn.init.zeros_(lin.bias!);
    net.append(lin);
    if (last) break;
    if (kind === 'batchnorm + sigmoid') net.append(new nn.BatchNorm1d(WIDTH));
    net.append(kind === 'relu' ? new nn.ReLU() : new nn.Sigmoid());
  }
  return net;
}

const linears = (net: torch.nn.Sequential) => [...net].filter((m): m is torch.nn.Linear => m instanceof nn.Linear);

torch.manualSeed(0);
const all = mnistDigits();
const perm = torch.randperm(all.x.size(0));
const x = all.x.indexSelect(0, perm.narrow(0, 0, 2048));
const y = all.y.indexSelect(0, perm.narrow(0, 0, 2048));
const batch = { x: x.narrow(0, 0, 256), y: y.narrow(0, 0, 256) };

const kinds: Kind[] = ['sigmoid', 'relu', 'batchnorm + sigmoid'];
const norms: Record<string, number[]> = {};
const losses: Record<string, [number, number]> = {};
for (const kind of kinds) {
  torch.manualSeed(1); // the same Linear weights for the three networks
  const net = mlp(kind);
  const loss = nn.functional.crossEntropy(net.forward(batch.x), batch.y);
  loss.backward();
  norms[kind] = linears(net).map((l) => l.weight.grad!.norm().item());

  // A short training run: 3 epochs of SGD over 2048 digits in batches of 64.
  const opt = new optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
  const first = loss.item();
  let last = first;
  for (let epoch = 0; epoch < 3; epoch++)
    for (let i = 0; i < 2048; i += 64) {
      opt.zeroGrad();
      const l = nn.functional.crossEntropy(net.forward(x.narrow(0, i, 64)), y.narrow(0, i, 64));
      l.backward();
      opt.step();
      last = l.item();
    }
  losses[kind] = [first, last];
}

const fmt = (v: number) => v.toExponential(2).padStart(12);
console.log(`||dLoss/dW|| per Linear layer, ${DEPTH}-layer MLPs (width ${WIDTH}) on one batch of 256 MNIST digits\n`);
console.log('layer' + kinds.map((k) => k.padStart(22)).join(''));
for (let i = 0; i < DEPTH; i++)
  console.log(`${String(i + 1).padStart(5)}` + kinds.map((k) => fmt(norms[k][i]).padStart(22)).join(''));
console.log(`${'1/' + DEPTH}`.padStart(5) + kinds.map((k) => (norms[k][0] / norms[k][DEPTH - 1]).toExponential(1).padStart(22)).join(''));
console.log('\ncross-entropy before -> after 3 epochs of SGD (lr 0.1, momentum 0.9) on 2048 digits');
for (const k of kinds) console.log(`  ${k.padEnd(20)} ${losses[k][0].toFixed(3)} -> ${losses[k][1].toFixed(3)}`);
console.log('\nThe sigmoid network\'s first layers get gradients orders of magnitude smaller than its last one, so they barely\n' +
  'learn (sigma\' <= 1/4 at every layer); ReLU keeps them of the same order, and BatchNorm brings the sigmoid network back.');
