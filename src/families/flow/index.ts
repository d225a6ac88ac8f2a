/**
 * The flow family: NICE, RealNVP and Glow trained by maximum likelihood, on 2-D densities (and any vectors) or on
 * images (dequantized, through a logit, scored in bits per dimension).
 */
import * as tf from '../../engine/tf.js';
import { deriveSeed, resolveSeed } from '../../engine/random.js';
import type { Dataset } from '../../data/dataset.js';
import { assignWeights } from '../../io/checkpoint.js';
import { OptionError } from '../../train/options.js';
import { drawnDataset } from '../drawn.js';
import type { Metrics, StepFamily } from '../family.js';
import { FLOW_OPTIONS, resolveFlowConfig, type FlowArch, type FlowConfig } from './config.js';
import { evaluateFlow } from './evaluate.js';
import { bitsPerDimTensor, estimateFlowParameters, FlowModel } from './model.js';
import { flowPictures } from './pictures.js';

/** A flow's samples as a data set of its training data's shape (images clipped to [0, 1]). */
function samples(
  flow: FlowModel,
  n: number,
  options: { seed?: number; temperature?: number; labels?: readonly number[] },
): Dataset {
  const k = flow.config.numClasses;
  const labels = k > 0 ? (options.labels ?? Array.from({ length: n }, (_, i) => i % k)) : undefined;
  const x = tf.tidy(() => {
    const drawn = flow.sample(n, {
      seed: resolveSeed(options.seed),
      temperature: options.temperature,
      labels,
    });
    return flow.isImage ? tf.clipByValue(drawn, 0, 1) : drawn;
  });
  return drawnDataset(x, flow.config.inputShape, {
    labels: labels === undefined ? null : Int32Array.from(labels),
    numClasses: k,
  });
}

/**
 * Images as codes: the centre of each pixel's dequantization bin, (255 x + 1/2) / 256, which the logit maps to a
 * finite value (0 and 1 themselves would not be).
 */
function centred(flow: FlowModel, x: tf.Tensor2D): tf.Tensor2D {
  return flow.isImage ? tf.div(tf.add(tf.mul(x, 255), 0.5), 256) : x;
}

/** A 2-D flow that trains in a second: 512 points of two moons, two small couplings. */
const TINY = { data: 'moons', limit: 512, epochs: 4, batchSize: 128, layers: 2, hidden: [16, 16], lr: 3e-3 };

/** The flow family, as `families/index.ts` lists it. */
export const flowFamily: StepFamily<FlowModel, FlowConfig> = {
  name: 'flow',
  description: 'normalizing flows (NICE, RealNVP, Glow) trained by maximum likelihood',
  engine: 'tfjs',
  training: 'steps',
  kinds: [{ name: 'flow', description: 'a normalizing flow: --arch nice, realnvp or glow' }],
  options: FLOW_OPTIONS,
  runDefaults: {
    data: 'moons',
    epochs: ({ data }) => (data === 'image' ? 5 : undefined),
    steps: ({ data }) => (data === 'vector' ? 1500 : undefined),
    batchSize: ({ data }) => (data === 'image' ? 64 : 256),
  },
  monitor: { metric: 'test_loglik', mode: 'max' },
  tinyRuns: [
    { name: 'flow nice', kind: 'flow', options: { ...TINY, arch: 'nice' } },
    { name: 'flow realnvp', kind: 'flow', options: { ...TINY, arch: 'realnvp' } },
    { name: 'flow glow', kind: 'flow', options: { ...TINY, arch: 'glow' } },
    {
      name: 'flow glow on images',
      kind: 'flow',
      options: {
        data: 'mnist',
        limit: 64,
        epochs: 2,
        batchSize: 32,
        arch: 'glow',
        layers: 1,
        levels: 1,
        hidden: [4],
        lr: 3e-3,
      },
    },
  ],

  resolveConfig(_kind, options, data) {
    if (options.conditional === true && data.labels === null)
      throw new OptionError('conditional', `needs labels, and the data set ${data.name} has none`);
    return resolveFlowConfig(options.arch as FlowArch, {
      inputShape: data.shape,
      layers: options.layers as number,
      hidden: options.hidden as number[],
      activation: options.activation as FlowConfig['activation'],
      learningRate: options.lr as number,
      ...(options.levels === undefined ? {} : { levels: options.levels as number }),
      ...(options.logScaleBound === undefined ? {} : { logScaleBound: options.logScaleBound as number }),
      numClasses: options.conditional === true ? data.numClasses : 0,
      seed: options.seed as number,
    });
  },

  create: (config) => new FlowModel(config),
  estimateParameters: estimateFlowParameters,
  optimizers: (flow) => ({ model: flow.optimizer }),

  trainStep(flow, batch, context) {
    const x = flow.prepare(batch.x, deriveSeed(context.seed, 'dequantize'));
    try {
      flow.initialize(x, batch.labels);
      return flow.optimizer.minimize(
        flow.parameters(),
        (): { loss: tf.Scalar } & Record<string, tf.Scalar> => {
          const nll = tf.neg(tf.mean(flow.logProb(x, batch.labels))) as tf.Scalar;
          return flow.isImage
            ? { loss: nll, bits_per_dim: bitsPerDimTensor(nll, flow.dimension) }
            : { loss: nll };
        },
      );
    } finally {
      x.dispose();
    }
  },

  evaluate(flow, data, { seed, batchSize, onProgress }): Metrics {
    const e = evaluateFlow(flow, data, { seed, batchSize, onProgress });
    return {
      loglik: e.loglik,
      ...(e.bitsPerDim === undefined ? {} : { bits_per_dim: e.bitsPerDim }),
      n: e.n,
    };
  },

  sample: samples,

  latent: {
    encode: (flow, x, labels) => tf.tidy(() => flow.inverse(centred(flow, x), labels)),
    decode: (flow, z, labels) =>
      tf.tidy(() => {
        const x = flow.forward(z, labels);
        return flow.isImage ? tf.clipByValue(x, 0, 1) : x;
      }),
  },

  pictures: flowPictures,

  save: (flow) => ({ weights: flow.state() }),
  restore(flow, checkpoint, source) {
    assignWeights(flow.state(), checkpoint.weights, `${source}/weights.safetensors`);
    flow.markInitialized();
  },
};
