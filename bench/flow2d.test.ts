// The flow2d benchmark without its timing: the flow is the peer's (parameter count, layer shapes, masks), the
// step-time median skips the peer's 50 steps, the data and the held-out log-likelihood, the targets, no leaks.
import { describe, expect, it } from 'vitest';
import { assertNoLeaks } from '../src/engine/memory.js';
import { AffineCoupling } from '../src/bijectors/affine-coupling.js';
import { sampleToy2d } from '../src/data/toy2d.js';
import { UsageError } from './harness.js';
import { BENCHMARKS } from './registry.js';
import {
  createFlow2d,
  DEFAULT_STEPS,
  flow2d,
  heldOutLogLikelihood,
  logLikelihoodTarget,
  moons,
  msPerStep,
  PEER_PARAMETERS,
  SKIPPED_STEPS,
  stepRatioTarget,
  trainFlow2d,
  trainingSteps,
} from './flow2d.js';

describe('the flow is the peer RealNVP', () => {
  it('has the parameter count of flow2d_torch.py', () => {
    // cd ../shared/peers && /usr/bin/python3 -c \
    //   "import flow2d_torch as f; print(sum(p.numel() for p in f.RealNVP().parameters()))"  # 36896
    expect(PEER_PARAMETERS).toBe(36896);
    const flow = createFlow2d();
    try {
      expect(flow.numParameters()).toBe(PEER_PARAMETERS);
    } finally {
      flow.dispose();
    }
  });

  it('has 8 couplings of 2-64-64-4 nets (no learnable scale) with alternating masks, data side first', () => {
    const flow = createFlow2d();
    try {
      const layers = flow.flow.bijectors;
      expect(layers).toHaveLength(8);
      // The chain runs noise -> data, so the peer's layers[i] (data -> latent) is the chain's layer 7 - i.
      layers.forEach((layer, j) => {
        const i = layers.length - 1 - j;
        expect(layer).toBeInstanceOf(AffineCoupling);
        const coupling = layer as AffineCoupling;
        expect(coupling.scale).toBeNull();
        // The peer: torch.tensor([1.0, 0.0] if i % 2 == 0 else [0.0, 1.0])
        expect(Array.from(coupling.mask.dataSync())).toEqual(i % 2 === 0 ? [1, 0] : [0, 1]);
        const shapes = [...coupling.net.parameters()].map(([name, v]) => `${name} [${v.shape.join(', ')}]`);
        expect(shapes).toEqual([
          'hidden0.kernel [2, 64]',
          'hidden0.bias [64]',
          'hidden1.kernel [64, 64]',
          'hidden1.bias [64]',
          'output.kernel [64, 4]',
          'output.bias [4]',
        ]);
      });
      expect(flow.config.learningRate).toBe(1e-3);
      expect(flow.config.logScaleBound).toBe(1);
      expect(flow.config.activation).toBe('relu');
    } finally {
      flow.dispose();
    }
  });
});

describe('trainingSteps', () => {
  it('defaults to the peer run of 1500 steps and takes --steps', () => {
    expect(DEFAULT_STEPS).toBe(1500);
    expect(trainingSteps(undefined)).toBe(1500);
    expect(trainingSteps(SKIPPED_STEPS + 1)).toBe(51);
  });

  it.each([
    ['the skipped steps', 50],
    ['fewer', 10],
  ])('rejects %s, naming --steps', (_, steps) => {
    expect(() => trainingSteps(steps)).toThrow(UsageError);
    expect(() => trainingSteps(steps)).toThrow(`--steps: flow2d times the steps after the first 50`);
  });
});

describe('msPerStep', () => {
  // The peer: statistics.median(ts[50:])
  it('is the median of the steps after the first 50', () => {
    const slow = new Array<number>(SKIPPED_STEPS).fill(1000);
    expect(msPerStep([...slow, 3, 1, 2])).toBe(2);
    expect(msPerStep([...slow, 4, 1, 2, 3])).toBe(2.5);
  });

  it('needs a step after the skipped ones', () => {
    expect(() => msPerStep(new Array<number>(50).fill(1))).toThrow(
      'msPerStep: expected more than 50 step times, got 50',
    );
  });
});

describe('moons', () => {
  it('is sampleToy2d as a [n, 2] tensor, the same for the same seed', () => {
    const x = moons(5, 7);
    try {
      expect(x.shape).toEqual([5, 2]);
      expect(Array.from(x.dataSync())).toEqual(Array.from(sampleToy2d('moons', 5, 7)));
    } finally {
      x.dispose();
    }
  });
});

describe('heldOutLogLikelihood', () => {
  it('is the standard normal log-density of the points for a new flow (its last layers start at zero)', () => {
    // A new coupling layer is the identity, so log p(x) = -|x|^2 / 2 - log(2 pi), averaged here in float64.
    const flow = createFlow2d();
    try {
      const points = sampleToy2d('moons', 1000, 3);
      let sum = 0;
      for (let i = 0; i < 1000; i++)
        sum += -0.5 * (points[2 * i] ** 2 + points[2 * i + 1] ** 2) - Math.log(2 * Math.PI);
      expect(heldOutLogLikelihood(flow, 1000, 3)).toBeAllClose(sum / 1000, { rtol: 1e-5, atol: 1e-6 });
    } finally {
      flow.dispose();
    }
  });
});

describe('trainFlow2d', () => {
  it('times every step, returns finite decreasing-on-average losses and leaks nothing', async () => {
    await assertNoLeaks(() => {
      const flow = createFlow2d();
      try {
        const { times, losses } = trainFlow2d(flow, 60, 64);
        expect(times).toHaveLength(60);
        expect(times.every((t) => t >= 0 && Number.isFinite(t))).toBe(true);
        expect(losses.every(Number.isFinite)).toBe(true);
        const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
        expect(mean(losses.slice(-10))).toBeLessThan(mean(losses.slice(0, 10)));
      } finally {
        flow.dispose();
      }
    }, 'trainFlow2d');
  });
});

describe('targets', () => {
  it('meets the log-likelihood within 0.05 nat below the peer, reporting the signed gap', () => {
    expect(logLikelihoodTarget(-0.4, -0.36)).toEqual({
      description:
        "held-out log-likelihood >= the peer's - 0.05 nat (latentlab - peer = -0.040 nats: -0.400 vs -0.360)",
      met: true,
    });
    expect(logLikelihoodTarget(-0.3, -0.36).description).toContain('= +0.060 nats');
    expect(logLikelihoodTarget(-0.3, -0.36).met).toBe(true);
    expect(logLikelihoodTarget(-0.42, -0.36).met).toBe(false);
    expect(logLikelihoodTarget(NaN, -0.36).met).toBe(false);
  });

  it('meets the step time at most 1.5x the peer', () => {
    expect(stepRatioTarget(15, 10)).toEqual({ description: 'ms/step <= 1.5x the peer (1.50x)', met: true });
    expect(stepRatioTarget(15.1, 10).met).toBe(false);
    expect(stepRatioTarget(16, 0).met).toBe(false);
  });
});

it('is registered after vae-epoch', () => {
  const names = BENCHMARKS.map((b) => b.name);
  expect(names).toContain('flow2d');
  expect(names.indexOf('flow2d')).toBeGreaterThan(names.indexOf('vae-epoch'));
  expect(flow2d.description).toMatch(/two moons/);
});

it('leaves no tensors behind when the flow is built and disposed', async () => {
  await assertNoLeaks(() => {
    createFlow2d().dispose();
    moons(3, 1).dispose();
  }, 'createFlow2d');
});
