/**
 * Adam, exactly as PyTorch's `torch.optim.Adam` (with `amsgrad=False`): for step t with gradient g,
 *
 *   g <- g + weightDecay p                       (L2 penalty, when weightDecay > 0)
 *   m <- beta1 m + (1 - beta1) g,   v <- beta2 v + (1 - beta2) g^2
 *   p <- p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 *
 * so eps is added to sqrt(v_hat) and defaults to 1e-8 (TensorFlow.js's `tf.train.adam` defaults to 1e-7).
 *
 * References: D. P. Kingma and J. Ba, "Adam: A Method for Stochastic Optimization", 2015,
 * https://arxiv.org/abs/1412.6980
 */
import * as tf from '../engine/tf.js';
import { fusedAdamUpdate, hasFusedAdam } from '../engine/adam-kernel.js';
import type { Optimizer, SavedTensor } from './optimizer.js';

/** Options of {@link Adam}; the defaults are PyTorch's. */
export interface AdamOptions {
  /** Decay of the first-moment average; default 0.9. */
  beta1?: number;
  /** Decay of the second-moment average; default 0.999. */
  beta2?: number;
  /** Added to sqrt(v_hat) in the denominator; default 1e-8. */
  epsilon?: number;
  /** L2 penalty added to the gradient (PyTorch's `weight_decay`, not AdamW's decoupled decay); default 0. */
  weightDecay?: number;
}

/** Thrown for a bad optimizer argument or a saved state that does not fit: one line naming the entry. */
export class OptimizerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptimizerError';
  }
}

interface Slots {
  m: tf.Variable;
  v: tf.Variable;
}

/** The extra scalars `minimize` reads back, as numbers. */
export type Readout<P> = { loss: number } & { [K in keyof P]: number };

function checkNumber(value: number, name: string, low: number, high: number, closedHigh = false): void {
  if (!(value >= low && (closedHigh ? value <= high : value < high)))
    throw new OptimizerError(
      `Adam: '${name}' must be in [${low}, ${high}${closedHigh ? ']' : ')'}, got ${value}`,
    );
}

function shapeOf(t: SavedTensor): number[] {
  return t.shape;
}

function sizeOf(t: SavedTensor): number {
  return t instanceof tf.Tensor ? t.size : t.data.length;
}

/**
 * The Adam optimizer over named parameters (a module's `parameters()`), with PyTorch's update rule and defaults.
 *
 * @example
 * const model = new MLP(2, [16], 1, { seed: 0 });
 * const adam = new Adam(1e-3);
 * const { loss } = adam.minimize(model.parameters(), () => ({ loss: tf.mean(tf.square(tf.sub(model.apply(x), y))) }));
 */
export class Adam implements Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  private slots = new Map<string, Slots>();
  private t = 0;
  /** Constants kept on the backend across steps, so that a step uploads only its two step-dependent scalars. */
  private constants: Record<'b1' | 'c1' | 'b2' | 'c2' | 'eps' | 'wd', tf.Scalar> | null = null;

  constructor(
    /** The step size; may be changed between steps (a schedule). */
    public learningRate: number,
    { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, weightDecay = 0 }: AdamOptions = {},
  ) {
    checkNumber(learningRate, 'learningRate', 0, Infinity);
    checkNumber(beta1, 'beta1', 0, 1);
    checkNumber(beta2, 'beta2', 0, 1);
    checkNumber(epsilon, 'epsilon', 0, Infinity);
    checkNumber(weightDecay, 'weightDecay', 0, Infinity);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
  }

  /** The number of updates applied so far (PyTorch's `state['step']`). */
  get step(): number {
    return this.t;
  }

  /**
   * Apply one update given gradients by parameter name (the names of `params`). Parameters without a gradient are
   * left alone, as PyTorch skips parameters whose `.grad` is None. Disposes nothing it was given.
   */
  applyGradients(
    params: Map<string, tf.Variable>,
    grads: Map<string, tf.Tensor> | Record<string, tf.Tensor>,
  ): void {
    const byName = grads instanceof Map ? grads : new Map(Object.entries(grads));
    for (const [name, g] of byName) {
      const p = params.get(name);
      if (p === undefined) throw new OptimizerError(`Adam: gradient for unknown parameter '${name}'`);
      if (g.shape.join(',') !== p.shape.join(','))
        throw new OptimizerError(
          `Adam: gradient of '${name}' has shape [${g.shape.join(', ')}], expected [${p.shape.join(', ')}]`,
        );
    }
    for (const [name, p] of params) if (byName.has(name)) this.slotsFor(name, p);
    const c = this.scalars();
    this.t += 1;
    const t = this.t;
    if (hasFusedAdam()) {
      this.applyFused(params, byName, c.wd);
      return;
    }
    tf.tidy(() => {
      // The two step-dependent scalars; the others are kept on the backend across steps.
      const stepSize = tf.scalar(-this.learningRate / (1 - this.beta1 ** t));
      const invRootBias2 = tf.scalar(1 / Math.sqrt(1 - this.beta2 ** t));
      for (const [name, g0] of byName) {
        const p = params.get(name)!;
        const { m, v } = this.slots.get(name)!;
        const g = this.weightDecay > 0 ? tf.add(g0, tf.mul(p, c.wd)) : g0;
        const m1 = tf.add(tf.mul(m, c.b1), tf.mul(g, c.c1));
        const v1 = tf.add(tf.mul(v, c.b2), tf.mul(tf.square(g), c.c2));
        const denominator = tf.add(tf.mul(tf.sqrt(v1), invRootBias2), c.eps);
        p.assign(tf.add(p, tf.mul(tf.div(m1, denominator), stepSize)));
        m.assign(m1);
        v.assign(v1);
      }
    });
  }

  /** The same update as one WebAssembly SIMD kernel per parameter (see src/engine/adam-kernel.ts). */
  private applyFused(params: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>, wd: tf.Scalar): void {
    const t = this.t;
    const attrs = {
      b1: this.beta1,
      b2: this.beta2,
      lrT: this.learningRate / (1 - this.beta1 ** t),
      s2: 1 / (1 - this.beta2 ** t),
      eps: this.epsilon,
    };
    for (const [name, g0] of grads) {
      const p = params.get(name)!;
      const { m, v } = this.slots.get(name)!;
      const g = this.weightDecay > 0 ? tf.tidy(() => tf.add(g0, tf.mul(p, wd))) : g0;
      const [p1, m1, v1] = fusedAdamUpdate(p, m, v, g, attrs);
      p.assign(p1);
      m.assign(m1);
      v.assign(v1);
      tf.dispose([p1, m1, v1]);
      if (g !== g0) g.dispose();
    }
  }

  /**
   * Compute the loss and the gradient of every parameter in `params`, apply the update, and return the loss and
   * whatever extra scalars `fn` returned, read back as numbers with one transfer. Tensors made inside `fn` are freed.
   *
   * @example
   * const { loss, kl } = adam.minimize(vae.parameters(), () => {
   *   const parts = vae.loss(batch); // { loss, kl, ... } scalars
   *   return parts;
   * });
   */
  minimize<P extends Record<string, tf.Scalar>>(
    params: Map<string, tf.Variable>,
    fn: () => { loss: tf.Scalar } & P,
  ): Readout<P> {
    const names = [...params.keys()];
    let keys: string[] = [];
    let invalid: string | undefined;
    let readout: tf.Tensor | null = null;
    // The engine's gradients() rather than tf.variableGrads(), whose checks throw after the gradients were made
    // (leaking them); here every failure is detected first and thrown with nothing left behind.
    const { value, grads } = tf.engine().gradients(
      () => {
        const out = fn();
        keys = Object.keys(out);
        invalid = keys.find((key) => !(out[key] instanceof tf.Tensor) || out[key].rank !== 0);
        if (invalid !== undefined) return tf.scalar(0);
        // Kept past the gradient's tidy, so the extra scalars are read back with the loss in one transfer.
        readout = tf.keep(tf.stack(keys.map((key) => out[key])));
        return out.loss;
      },
      [...params.values()],
      undefined,
      true,
    );
    try {
      if (invalid !== undefined)
        throw new OptimizerError(
          `Adam.minimize: '${invalid}' returned by the loss function must be a scalar tensor`,
        );
      const named = new Map<string, tf.Tensor>();
      grads.forEach((g, i) => g != null && named.set(names[i], g));
      if (named.size === 0)
        throw new OptimizerError(
          `Adam.minimize: the loss depends on none of the ${names.length} parameters (compute it from them inside fn)`,
        );
      this.applyGradients(params, named);
      const values = (readout as tf.Tensor | null)!.dataSync();
      const result: Record<string, number> = {};
      keys.forEach((key, i) => (result[key] = values[i]));
      return result as Readout<P>;
    } finally {
      tf.dispose([value, ...grads.filter((g) => g != null)]);
      if (readout !== null) tf.dispose(readout);
    }
  }

  /**
   * The optimizer's state for a checkpoint: `adam.step` (a scalar), then `adam.m.<param>` and `adam.v.<param>` for
   * every parameter updated so far. The caller owns (and disposes) the returned tensors.
   */
  state(): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>([['adam.step', tf.scalar(this.t)]]);
    for (const [name, { m }] of this.slots) out.set(`adam.m.${name}`, tf.clone(m));
    for (const [name, { v }] of this.slots) out.set(`adam.v.${name}`, tf.clone(v));
    return out;
  }

  /**
   * Restore a state saved by {@link Adam.state}, checking its names and shapes first (errors name the entry). When
   * `params` is given, every moment must also match a parameter's name and shape. Nothing changes when a check fails.
   */
  loadState(state: Map<string, SavedTensor>, params?: Map<string, tf.Variable>): void {
    const step = state.get('adam.step');
    if (step === undefined) throw new OptimizerError(`Adam.loadState: missing entry 'adam.step'`);
    if (shapeOf(step).length !== 0 || sizeOf(step) !== 1)
      throw new OptimizerError(
        `Adam.loadState: 'adam.step' must be a scalar, got shape [${shapeOf(step).join(', ')}]`,
      );
    const t = step instanceof tf.Tensor ? step.dataSync()[0] : step.data[0];
    if (!Number.isInteger(t) || t < 0)
      throw new OptimizerError(`Adam.loadState: 'adam.step' must be a non-negative integer, got ${t}`);
    const names = new Set<string>();
    for (const key of state.keys()) {
      if (key === 'adam.step') continue;
      const match = /^adam\.([mv])\.(.+)$/.exec(key);
      if (match === null) throw new OptimizerError(`Adam.loadState: unexpected entry '${key}'`);
      names.add(match[2]);
    }
    for (const name of names) {
      const m = state.get(`adam.m.${name}`);
      const v = state.get(`adam.v.${name}`);
      if (m === undefined || v === undefined)
        throw new OptimizerError(
          `Adam.loadState: missing entry 'adam.${m === undefined ? 'm' : 'v'}.${name}'`,
        );
      for (const [key, s] of [[`adam.m.${name}`, m] as const, [`adam.v.${name}`, v] as const]) {
        const expected = params?.get(name)?.shape ?? shapeOf(m);
        const count = expected.reduce((a, b) => a * b, 1);
        if (shapeOf(s).join(',') !== expected.join(',') || sizeOf(s) !== count)
          throw new OptimizerError(
            `Adam.loadState: '${key}' has shape [${shapeOf(s).join(', ')}] (${sizeOf(s)} values), ` +
              `expected [${expected.join(', ')}]`,
          );
      }
      if (params !== undefined && !params.has(name))
        throw new OptimizerError(`Adam.loadState: 'adam.m.${name}' names no parameter of the model`);
    }
    const toTensor = (s: SavedTensor) =>
      tf.tidy(() => (s instanceof tf.Tensor ? tf.cast(s, 'float32') : tf.tensor(s.data, s.shape, 'float32')));
    this.disposeSlots();
    for (const name of names) {
      const [m, v] = [toTensor(state.get(`adam.m.${name}`)!), toTensor(state.get(`adam.v.${name}`)!)];
      this.slots.set(name, { m: tf.variable(m, false), v: tf.variable(v, false) });
      tf.dispose([m, v]);
    }
    this.t = t;
  }

  /** Free the moment estimates and constants; the optimizer restarts from step 0 if used again. */
  dispose(): void {
    this.disposeSlots();
    if (this.constants !== null) tf.dispose(Object.values(this.constants));
    this.constants = null;
    this.t = 0;
  }

  private disposeSlots(): void {
    for (const { m, v } of this.slots.values()) tf.dispose([m, v]);
    this.slots.clear();
  }

  private slotsFor(name: string, p: tf.Variable): Slots {
    let slots = this.slots.get(name);
    if (slots === undefined) {
      slots = tf.tidy(() => ({
        m: tf.variable(tf.zerosLike(p), false),
        v: tf.variable(tf.zerosLike(p), false),
      }));
      this.slots.set(name, slots);
    } else if (slots.m.shape.join(',') !== p.shape.join(','))
      throw new OptimizerError(
        `Adam: parameter '${name}' has shape [${p.shape.join(', ')}] but its saved moments have ` +
          `[${slots.m.shape.join(', ')}]`,
      );
    return slots;
  }

  private scalars(): Record<'b1' | 'c1' | 'b2' | 'c2' | 'eps' | 'wd', tf.Scalar> {
    this.constants ??= {
      b1: tf.scalar(this.beta1),
      c1: tf.scalar(1 - this.beta1),
      b2: tf.scalar(this.beta2),
      c2: tf.scalar(1 - this.beta2),
      eps: tf.scalar(this.epsilon),
      wd: tf.scalar(this.weightDecay),
    };
    return this.constants;
  }
}
