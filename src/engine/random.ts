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

/** The next seed of the global stream, a non-negative integer below 2^31 (what TensorFlow.js ops accept). */
export function nextSeed(): number {
  return globalRandom.nextUint32() >>> 1;
}

/** `seed` when given, else the next seed of the global stream. */
export function resolveSeed(seed?: number): number {
  if (seed === undefined) return nextSeed();
  if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number, got ${seed}`);
  return Math.trunc(seed);
}
