/**
 * An L1 penalty written with tensor ops (the course's section 6): the loss is
 * MSE + lambda * sum |w|, and backward() differentiates the penalty too
 * (d|w|/dw = sign(w)). On Boston housing (13 standardised features), a
 * larger lambda drives the weights of the least useful features to about 0:
 * the penalty selects features. (An L2 penalty is SGD's weightDecay.)
 *
 * Run: npm run build && node dist/examples/regularization.js
 */
import * as torch from 'torchlet';
import { BOSTON_FEATURES, bostonHousing } from './datasets';
const { nn, optim } = torch;

const { x: raw, y } = bostonHousing();
const x = raw.sub(raw.mean(0, true)).div(raw.std(0, { keepdim: true })); // standardised features
const target = y.view(-1, 1);

function fit(lambda: number): { weights: number[]; mse: number } {
  torch.manualSeed(0);
  const model = new nn.Linear(13, 1);
  const opt = new optim.SGD(model.parameters(), { lr: 0.01 });
  let mse = 0;
  for (let step = 0; step < 3000; step++) {
    const fitLoss = nn.functional.mseLoss(model.forward(x), target);
    const loss = fitLoss.add(model.weight.abs().sum().mul(lambda)); // loss + lambda * sum |w|
    opt.zeroGrad();
    loss.backward();
    opt.step();
    mse = fitLoss.item();
  }
  return { weights: Array.from(model.weight.data as Float32Array), mse };
}

const lambdas = [0, 0.5, 2];
const fits = lambdas.map(fit);
console.log('feature ' + lambdas.map((l) => `lambda=${l}`.padStart(12)).join(''));
BOSTON_FEATURES.forEach((f, j) => console.log(f.padEnd(8) + fits.map((r) => r.weights[j].toFixed(3).padStart(12)).join('')));
console.log('MSE     ' + fits.map((r) => r.mse.toFixed(2).padStart(12)).join(''));
console.log('|w| < 0.05: ' + fits.map((r) => r.weights.filter((w) => Math.abs(w) < 0.05).length).join(', ') + ' features');
