/**
 * Seeded randomness. TensorFlow.js draws from `Math.random` unless every op is given a seed, so latentlab keeps one
 * global stream of integer seeds: `setSeed(s)` restarts it and every sampler that is not handed a seed takes the
 * next one. The same seed therefore gives the same samples, run after run, on every backend.
 */

/**
 * A small, fast, seedable generator (SplitMix32 over a 32-bit state) for JavaScript-side randomness: shuffles,
 * k-means++ picks, and the seeds handed to TensorFlow.js ops.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Random: seed must be a finite number, got ${seed}`);
    this.state = Math.trunc(seed) >>> 0;
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** A uniform draw from [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A uniform integer from [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A standard normal draw (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Shuffle `array` in place (Fisher-Yates) and return it. */
  shuffle<T>(array: T[]): T[] {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [array[i], array[j]] = [array[j], array[i]];
    }
    return array;
  }

  /** A permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}

let globalRandom = new Random(0);

/** Restart the global seed stream: after `setSeed(s)` the same calls draw the same samples. */
export function setSeed(seed: number): void {
  globalRandom = new Random(seed);
}

/** The next seed of the global stream, a non-negative integer below 2^31. */
export function nextSeed(): number {
  return globalRandom.nextUint32() >>> 1;
}

function checkSeed(seed: number, where: string): number {
  if (!Number.isFinite(seed)) throw new Error(`${where}: seed must be a finite number, got ${seed}`);
  return Math.trunc(seed) >>> 0;
}

/** SplitMix32's output function: a bijection of 32-bit integers that scatters neighbouring inputs. */
function mix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * The seed to hand a TensorFlow.js random op (or a {@link Random}) for `seed`, or for the next seed of the global
 * stream when `seed` is absent: an integer in [1, 2^31).
 *
 * TensorFlow.js reads a seed of 0 as "unseeded" and draws from `Math.random`, so `tf.randomNormal(shape, 0, 1,
 * 'float32', 0)` differs on every call. Every seed latentlab takes is mapped here, once, through a bijective mix, so 0
 * is a seed like any other and nearby seeds give unrelated streams.
 *
 * @example
 * tf.randomNormal([3], 0, 1, 'float32', resolveSeed(0)); // the same three numbers on every call
 */
export function resolveSeed(seed?: number): number {
  const s = seed === undefined ? nextSeed() : checkSeed(seed, 'resolveSeed');
  return mix32(s) >>> 1 || 1;
}

/** FNV-1a of a string's UTF-16 code units. */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * A seed for one named part of a seeded computation, independent of the seeds of the other parts: the seed of the
 * decoder's weights is `deriveSeed(seed, 'decoder')`, that of step 12's noise `deriveSeed(seed, 'step', 12)`. The same
 * arguments always give the same seed, an integer in [0, 2^31); change any label and the stream is unrelated (JAX's
 * `fold_in`). This is the one way latentlab splits a seed: no ad-hoc offsets such as `seed + 1000`, which make the
 * streams of seed s and s + 1000 collide.
 *
 * @example
 * const weights = deriveSeed(config.seed, 'encoder');
 * const noise = deriveSeed(config.seed, 'eval', batchIndex);
 */
export function deriveSeed(seed: number, ...labels: Array<string | number>): number {
  let h = mix32(checkSeed(seed, 'deriveSeed') ^ 0x9e3779b9);
  for (const label of labels) {
    const key = typeof label === 'number' ? checkSeed(label, 'deriveSeed') : hashLabel(label);
    h = mix32((h ^ mix32(key + 0x6a09e667)) + 0x9e3779b9);
  }
  return h >>> 1;
}
