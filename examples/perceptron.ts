/**
 * The course's first model: Rosenblatt's perceptron.
 *   score f_w(x) = w0 + <x, w>, decision sign(f);
 *   for each example misclassified (y <w, x> <= 0): w <- w + eps y x  (bias folded in as a constant feature).
 * 1. On two linearly separable clouds it converges.
 * 2. On XOR no line separates the classes: it never converges.
 * 3. A two-layer Tanh network trained by gradient descent solves XOR.
 *
 * Run: npm run build && node dist/examples/perceptron.js
 */
import * as torch from 'torchlet';
const { nn, optim } = torch;

/** Adds the constant feature 1 for the bias: (N, d) -> (N, d + 1). */
function withBias(x: torch.Tensor): torch.Tensor {
  return torch.cat([torch.ones([x.size(0), 1]), x], 1);
}

function perceptron(x: torch.Tensor, y: torch.Tensor, { eps = 0.1, maxEpochs = 100 } = {}) {
  const xb = withBias(x);
  let w = torch.zeros([xb.size(1)]);
  let fewest = Infinity; // fewest mistakes made in one epoch
  for (let epoch = 1; epoch <= maxEpochs; epoch++) {
    let mistakes = 0;
    for (let i = 0; i < xb.size(0); i++) {
      const xi = xb.get(i), yi = y.get(i).item();
      // Ties (score 0) count as mistakes, or the all-zero start would never move.
      if (yi * xi.dot(w).item() <= 0) {
        w = w.add(xi.mul(eps * yi));
        mistakes++;
      }
    }
    if (mistakes === 0) return { w, epochs: epoch, converged: true, fewest: 0 };
    fewest = Math.min(fewest, mistakes);
  }
  return { w, epochs: maxEpochs, converged: false, fewest };
}

function accuracy(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor): number {
  const pred = withBias(x).matmul(w).sign();
  return pred.eq(y).sum().item() / y.size(0);
}

torch.manualSeed(0);

// 1. Two separable clouds around (-2, -2) and (2, 2).
const n = 100;
const blobA = torch.randn([n, 2]).mul(0.7).sub(2);
const blobB = torch.randn([n, 2]).mul(0.7).add(2);
const xs = torch.cat([blobA, blobB]);
const ys = torch.cat([torch.full([n], -1), torch.full([n], 1)]);
const sep = perceptron(xs, ys);
console.log(`separable clouds: ${sep.converged ? 'converged' : 'did not converge'} after ${sep.epochs} epoch(s); ` +
  `w = [${Array.from(sep.w.data).map((v) => v.toFixed(3)).join(', ')}], accuracy ${(100 * accuracy(sep.w, xs, ys)).toFixed(1)}%`);

// 2. XOR: no line separates it.
const xorX = torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const xorY = torch.tensor([-1, 1, 1, -1]);
const xor = perceptron(xorX, xorY, { maxEpochs: 1000 });
console.log(`XOR with a perceptron: ${xor.converged ? 'converged' : `no convergence in ${xor.epochs} epochs`}; ` +
  `every epoch made at least ${xor.fewest} mistakes of 4 and the weights cycle (no line separates XOR)`);

// 3. Two layers with a non-linearity in between solve it.
class XorNet extends nn.Module {
  hidden = new nn.Linear(2, 4);
  act = new nn.Tanh();
  out = new nn.Linear(4, 1);
  forward(x: torch.Tensor): torch.Tensor {
    return this.out.forward(this.act.forward(this.hidden.forward(x))).tanh();
  }
}
const net = new XorNet();
const opt = new optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
const lossFn = new nn.MSELoss();
const target = xorY.view(-1, 1);
let loss = 0;
for (let it = 1; it <= 500; it++) {
  const l = lossFn.forward(net.forward(xorX), target);
  opt.zeroGrad();
  l.backward();
  opt.step();
  loss = l.item();
}
const out = torch.noGrad(() => net.forward(xorX)).view(-1);
const acc = out.sign().eq(xorY).sum().item() / 4;
console.log(`XOR with Linear(2,4)-Tanh-Linear(4,1): loss ${loss.toFixed(4)}, outputs [${Array.from(out.data).map((v) => v.toFixed(2)).join(', ')}], accuracy ${(acc * 100).toFixed(0)}%`);
if (!sep.converged || xor.converged || acc < 1) {
  console.error('perceptron: unexpected result');
  process.exitCode = 1;
}
