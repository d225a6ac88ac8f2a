import * as tf from '../engine/tf.js';
import { describe, expect, it } from 'vitest';
import { assertNoLeaks } from '../engine/memory.js';
import { BatchNorm } from './batch-norm.js';
import { ModuleArgumentError } from './errors.js';

/** x_k = 2 sin(0.37 k + 0.1) + 0.5 k / n over the flat index k (row-major): the reference script's input. */
const input = (shape: number[]) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Array.from({ length: n }, (_, k) => 2 * Math.sin(0.37 * k + 0.1) + (0.5 * k) / n),
    shape,
  );
};
/** w_k = cos(0.5 k): the weights of the loss sum(w * y) whose gradients are compared. */
const weights = (shape: number[]) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Array.from({ length: n }, (_, k) => Math.cos(0.5 * k)),
    shape,
  );
};

/*
 * PyTorch 1.13, float64:
 *   bn = nn.BatchNorm1d(c) (shape [5, 3]) or nn.BatchNorm2d(c) (shape [2, 3, 3, 2] NHWC, permuted to NCHW);
 *   bn.weight = [1.5, -0.5, 2][:c]; bn.bias = [0.1, 0.2, -0.3][:c]; bn.train(); y = bn(x); (y * w).sum().backward()
 *   then bn.eval(); bn(x): the outputs with the updated running statistics.
 */
const REFERENCE = {
  dense: {
    shape: [5, 3],
    y: [
      -0.13043706, -0.01681699, 1.53009498, 1.91519261, -0.45786552, 2.20694458, 1.56096573, -0.07850676,
      -0.09660047, -0.67143598, 0.65889215, -2.66163002, -2.17428528, 0.89429713, -2.47880913,
    ],
    dx: [
      0.87856849, -0.33996005, 1.21264016, 0.55500557, -0.01232412, -0.50638819, -0.79959935, 0.30903529,
      -1.03674216, -0.71774583, 0.1095058, 0.10308078, 0.08377111, -0.06625692, 0.2274094,
    ],
    dgamma: [-2.37964414, -2.3050314, -2.23439692],
    dbeta: [0.83011919, 0.78522885, 0.5480871],
    runningMean: [0.03992309, 0.0352072, 0.02888424],
    runningVar: [1.11093575, 1.1290801, 1.13968976],
    eval: [
      0.32733624, -0.22532946, 2.56083844, 2.84850529, -0.78723322, 3.43878445, 2.4119327, -0.30392334,
      0.4508412, -0.33942654, 0.63553614, -2.87627531, -2.19163723, 0.93544631, -2.63913714,
    ],
  },
  image: {
    shape: [2, 3, 3, 2],
    y: [
      0.04541951, -0.02814171, 1.52804517, -0.39494177, 2.1339792, -0.40028373, 1.56263182, -0.04673913,
      0.12920546, 0.47540025, -1.40017594, 0.88765698, -2.2091979, 0.96902913, -1.85833925, 0.67158824,
      -0.51476929, 0.14554889, 1.13509221, -0.339303, 2.24461577, -0.5347251, 2.24980263, -0.34386509,
      1.16429155, 0.12807952, -0.4277751, 0.62888632, -1.67729451, 0.89123613, -1.91433764, 0.77253779,
      -0.9985642, 0.32951228, 0.60737053, -0.21147593,
    ],
    dx: [
      1.14906943, -0.371371, 0.86821945, -0.12358848, -0.11153148, 0.19766411, -0.8484884, 0.29600485,
      -0.6986096, 0.09945619, 0.11229198, -0.18369758, 0.74459569, -0.27150611, 0.56842516, -0.07956043,
      -0.22945901, 0.19880296, -0.82793484, 0.278400004, -0.56985121, 0.05902486, 0.38026517, -0.26896064,
      1.15181798, -0.39439307, 0.96942582, -0.17709383, -0.09726534, 0.20957477, -1.14393275, 0.42360294,
      -1.22065306, 0.26104377, -0.19638498, -0.1534033,
    ],
    dgamma: [-3.82696472, -3.33424518],
    dbeta: [-0.51749482, -0.78321573],
    runningMean: [0.02481647, 0.03018894],
    runningVar: [1.08809363, 1.09409234],
    eval: [
      0.35143323, -0.22518072, 2.24583835, -0.69996247, 3.02006246, -0.70687704, 2.29003098, -0.24925302,
      0.45848961, 0.42659815, -1.49565703, 0.96021847, -2.52937403, 1.06554565, -2.08106907, 0.68054161,
      -0.36434053, -0.00035763, 1.74374796, -0.62794429, 3.16142686, -0.8808964, 3.16805429, -0.63384941,
      1.78105702, -0.02296978, -0.25318485, 0.62526873, -1.84974157, 0.96485128, -2.15262027, 0.81120953,
      -0.982503, 0.23776244, 1.06945864, -0.46248641,
    ],
  },
};

function referenceNorm(features: number): BatchNorm {
  const norm = new BatchNorm(features);
  norm.loadParameters(
    new Map([
      ['gamma', tf.tensor([1.5, -0.5, 2].slice(0, features))],
      ['beta', tf.tensor([0.1, 0.2, -0.3].slice(0, features))],
    ]),
  );
  return norm;
}

const close = (actual: tf.Tensor, expected: number[], tolerance = 2e-5) => {
  const values = [...actual.dataSync()];
  expect(values.length).toBe(expected.length);
  values.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(tolerance));
};

describe('BatchNorm', () => {
  for (const [name, ref] of Object.entries(REFERENCE)) {
    it(`matches PyTorch in training mode, its running statistics and inference mode (${name}: [${ref.shape.join(', ')}])`, () => {
      const features = ref.shape.at(-1)!;
      const norm = referenceNorm(features).train();
      const x = input(ref.shape) as tf.Tensor2D;
      const w = weights(ref.shape);
      const y = norm.apply(x);
      close(y, ref.y);
      const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(norm.apply(input as tf.Tensor2D), w)))(x);
      close(dx, ref.dx);
      const { grads } = tf.variableGrads(
        () => tf.sum<tf.Scalar>(tf.mul(norm.apply(x), w)),
        [norm.gamma, norm.beta],
      );
      close(grads[norm.gamma.name], ref.dgamma);
      close(grads[norm.beta.name], ref.dbeta);
      // Each of the three passes moved the running statistics; start them again from (0, 1) for one step.
      norm.runningMean.assign(tf.zeros([features]));
      norm.runningVar.assign(tf.ones([features]));
      tf.dispose(norm.apply(x));
      close(norm.runningMean, ref.runningMean);
      close(norm.runningVar, ref.runningVar);
      const evaluated = norm.train(false).apply(x);
      close(evaluated, ref.eval);
      tf.dispose([x, w, y, dx, evaluated, ...Object.values(grads)]);
      norm.dispose();
    });
  }

  it('in inference mode leaves its running statistics alone and treats each example on its own', () => {
    const norm = new BatchNorm(3);
    const x = input([4, 3]) as tf.Tensor2D;
    const all = norm.apply(x);
    const row = tf.slice(x, [0, 0], [1, 3]);
    const first = norm.apply(row);
    close(first, [...all.dataSync()].slice(0, 3), 1e-6);
    expect([...norm.runningMean.dataSync()]).toEqual([0, 0, 0]);
    expect([...norm.runningVar.dataSync()]).toEqual([1, 1, 1]);
    tf.dispose([x, row, all, first]);
    norm.dispose();
  });

  it('keeps buffers out of the parameters and in the state', () => {
    const norm = new BatchNorm(2);
    expect([...norm.parameters().keys()]).toEqual(['gamma', 'beta']);
    expect([...norm.buffers().keys()]).toEqual(['running_mean', 'running_var']);
    expect([...norm.state().keys()]).toEqual(['gamma', 'beta', 'running_mean', 'running_var']);
    expect(norm.runningMean.trainable).toBe(false);
    norm.dispose();
  });

  it('leaks no tensors in either mode', async () => {
    const norm = new BatchNorm(2);
    const x = input([3, 2, 2, 2]) as tf.Tensor4D;
    await assertNoLeaks(() => tf.dispose(norm.train().apply(x)), 'training mode');
    await assertNoLeaks(() => tf.dispose(norm.train(false).apply(x)), 'inference mode');
    x.dispose();
    norm.dispose();
  });

  it('refuses bad arguments with the argument named', () => {
    expect(() => new BatchNorm(0)).toThrow(/'features' must be an integer >= 1/);
    expect(() => new BatchNorm(2, { momentum: 1.5 })).toThrow(/'momentum' must be in \[0, 1\]/);
    expect(() => new BatchNorm(2, { epsilon: 0 })).toThrow(/'epsilon' must be a positive number/);
    const norm = new BatchNorm(2);
    const wrong = tf.zeros<tf.Rank.R2>([4, 3]);
    expect(() => norm.apply(wrong)).toThrow(ModuleArgumentError);
    expect(() => norm.apply(wrong)).toThrow(/expected \[n, 2\] or \[n, h, w, 2\]/);
    const one = tf.zeros<tf.Rank.R2>([1, 2]);
    expect(() => norm.train().apply(one)).toThrow(/training mode needs more than one value per feature/);
    tf.dispose([wrong, one]);
    norm.dispose();
  });
});
