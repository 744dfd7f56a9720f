/**
 * The course's two-layer network on Boston housing: 13 features -> Linear(13, 5)
 * -> Tanh -> Linear(5, 1) -> median house value, trained with MSELoss and SGD
 * on the standardised features of a random 80% of the houses, evaluated on
 * the other 20% against the baseline of always predicting the training mean.
 *
 * Run: npm run build && node dist/examples/housing.js
 */
import * as torch from 'torchlet';
import { bostonHousing, randomSplit } from './datasets';
const { nn, optim } = torch;

// The course's DeuxCouches.
class TwoLayers extends nn.Module {
  un = new nn.Linear(13, 5);
  act = new nn.Tanh();
  deux = new nn.Linear(5, 1);
  forward(x: torch.Tensor): torch.Tensor {
    return this.deux.forward(this.act.forward(this.un.forward(x)));
  }
}

torch.manualSeed(1);
const { x, y } = bostonHousing();
const [trainIdx, testIdx] = randomSplit(x.size(0), 0.2);
const xTrainRaw = x.indexSelect(0, trainIdx), xTestRaw = x.indexSelect(0, testIdx);
const yTrain = y.indexSelect(0, trainIdx), yTest = y.indexSelect(0, testIdx);

// Standardise with the training statistics only.
const mu = xTrainRaw.mean(0), sd = xTrainRaw.std(0);
const xTrain = xTrainRaw.sub(mu).div(sd), xTest = xTestRaw.sub(mu).div(sd);

const net = new TwoLayers();
const criterion = new nn.MSELoss();
const optimizer = new optim.SGD(net.parameters(), { lr: 0.01 });
console.log(net.toString());
console.log(`training on ${xTrain.size(0)} houses, testing on ${xTest.size(0)}`);

const epochs = 3000;
const t0 = process.hrtime.bigint();
for (let i = 0; i < epochs; i++) {
  const loss = criterion.forward(net.forward(xTrain), yTrain.view(-1, 1));
  if (i % 500 === 0 || i === epochs - 1) console.log(`iteration ${String(i).padStart(4)}  train MSE ${loss.item().toFixed(3)}`);
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;

const testMse = torch.noGrad(() => criterion.forward(net.forward(xTest), yTest.view(-1, 1)).item());
const baseline = yTest.sub(yTrain.mean()).square().mean().item();
console.log(`test MSE ${testMse.toFixed(2)} vs ${baseline.toFixed(2)} for predicting the training mean ` +
  `(${(100 * (1 - testMse / baseline)).toFixed(0)}% lower); ${epochs} full-batch steps in ${ms.toFixed(0)} ms`);
if (!(testMse < baseline)) {
  console.error('housing: the network did not beat the mean predictor');
  process.exitCode = 1;
}
