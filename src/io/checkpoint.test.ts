import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '../engine/tf.js';
import { assertNoLeaks } from '../engine/memory.js';
import { latentlabVersion } from '../engine/version.js';
import { assignWeights, CHECKPOINT_FORMAT } from './checkpoint.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint-dir.js';
import { CheckpointError, encodeSafetensors, type NamedArray } from './safetensors.js';

const root = mkdtempSync(join(tmpdir(), 'latentlab-checkpoint-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
const freshDir = () => join(root, `c${count++}`);

/** A variable holding `t`, which is disposed (tf.variable keeps its own reference to the data). */
function variable(t: tf.Tensor): tf.Variable {
  const v = tf.variable(t);
  t.dispose();
  return v;
}

/** A small model's variables: two float32 layers and an int32 counter. */
function makeVariables(fill: number): Map<string, tf.Variable> {
  return new Map([
    ['encoder.hidden0.kernel', variable(tf.fill([3, 2], fill))],
    ['encoder.hidden0.bias', variable(tf.fill([2], fill))],
    ['decoder.scale', variable(tf.scalar(fill))],
  ]);
}

function trainedVariables(): Map<string, tf.Variable> {
  return new Map([
    [
      'encoder.hidden0.kernel',
      variable(
        tf.tensor([
          [0.5, -1],
          [2, 3.25],
          [-0.125, 7],
        ]),
      ),
    ],
    ['encoder.hidden0.bias', variable(tf.tensor([0.1, -0.2]))],
    ['decoder.scale', variable(tf.scalar(1.5))],
  ]);
}

const valuesOf = (vars: Map<string, tf.Variable>) =>
  Object.fromEntries([...vars].map(([name, v]) => [name, Array.from(v.dataSync())]));

const f32 = (shape: number[], values: number[]): NamedArray => ({
  dtype: 'F32',
  shape,
  data: new Float32Array(values),
});

describe('saveCheckpoint / loadCheckpoint', () => {
  it('round-trips variables, optimizer state, config and metadata', async () => {
    const dir = freshDir();
    const trained = trainedVariables();
    const optimizer = new Map<string, tf.Tensor>([
      ['adam.step', tf.scalar(1400, 'int32')],
      ['adam.m.encoder.hidden0.bias', tf.tensor([0.01, 0.02])],
    ]);
    const metadata = { epoch: '3', step: '1400' };
    await saveCheckpoint(dir, {
      config: { kind: 'vae', latentDim: 2, hidden: [400] },
      weights: trained,
      optimizer,
      metadata,
    });
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'optimizer.safetensors', 'weights.safetensors']);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({
      format: 'latentlab-checkpoint/1',
      latentlabVersion: latentlabVersion(),
      kind: 'vae',
      latentDim: 2,
      hidden: [400],
    });

    const loaded = await loadCheckpoint(dir);
    expect(loaded.config).toMatchObject({ kind: 'vae', format: CHECKPOINT_FORMAT, latentDim: 2 });
    expect(loaded.metadata).toEqual(metadata);
    expect(loaded.weights.get('encoder.hidden0.kernel')).toEqual(f32([3, 2], [0.5, -1, 2, 3.25, -0.125, 7]));
    expect(loaded.optimizer?.get('adam.step')).toEqual({
      dtype: 'I32',
      shape: [],
      data: new Int32Array([1400]),
    });

    const fresh = makeVariables(0);
    assignWeights(fresh, loaded.weights, join(dir, 'weights.safetensors'));
    expect(valuesOf(fresh)).toEqual(valuesOf(trained));
    tf.dispose([...trained.values(), ...fresh.values(), ...optimizer.values()]);
  });

  it('a save without optimizer state removes the optimizer file of an earlier save', async () => {
    const dir = freshDir();
    const vars = trainedVariables();
    await saveCheckpoint(dir, {
      config: { kind: 'vae' },
      weights: vars,
      optimizer: vars,
      metadata: { step: '1' },
    });
    await saveCheckpoint(dir, { config: { kind: 'vae' }, weights: vars, metadata: { step: '2' } });
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'weights.safetensors']);
    const loaded = await loadCheckpoint(dir);
    expect(loaded.optimizer).toBeNull();
    expect(loaded.metadata).toEqual({ step: '2' });
    tf.dispose([...vars.values()]);
  });

  it('refuses a config without a kind, writing nothing', async () => {
    const dir = freshDir();
    await expect(
      saveCheckpoint(dir, { config: { latentDim: 2 } as never, weights: new Map() }),
    ).rejects.toThrow('saveCheckpoint: config.kind must be a non-empty string, got undefined');
    expect(() => readdirSync(dir)).toThrow(/ENOENT/);
  });

  /** A valid checkpoint in a fresh folder, then `damage` applied to it. */
  async function damaged(damage: (dir: string) => void): Promise<string> {
    const dir = freshDir();
    const vars = trainedVariables();
    await saveCheckpoint(dir, {
      config: { kind: 'vae' },
      weights: vars,
      optimizer: vars,
      metadata: { step: '2' },
    });
    tf.dispose([...vars.values()]);
    damage(dir);
    return dir;
  }

  it.each([
    [
      'the directory does not exist',
      (dir: string) => rmSync(dir, { recursive: true }),
      /^no checkpoint in (\S+): the directory does not exist$/,
    ],
    [
      'the path is a file',
      (dir: string) => {
        rmSync(dir, { recursive: true });
        writeFileSync(dir, 'x');
      },
      /^no checkpoint in \S+: it is a file, not a directory$/,
    ],
    [
      'config.json is missing',
      (dir: string) => rmSync(join(dir, 'config.json')),
      /^no checkpoint in \S+: config.json is missing$/,
    ],
    [
      'config.json is not JSON',
      (dir: string) => writeFileSync(join(dir, 'config.json'), '{"kind": '),
      /^checkpoint config \S+\/config.json is not valid JSON: /,
    ],
    [
      'config.json has another format',
      (dir: string) => writeFileSync(join(dir, 'config.json'), '{"kind": "vae", "format": "other/9"}'),
      /config.json: format is "other\/9", expected "latentlab-checkpoint\/1"/,
    ],
    [
      'weights.safetensors is missing',
      (dir: string) => rmSync(join(dir, 'weights.safetensors')),
      /^incomplete checkpoint in \S+: weights.safetensors is missing$/,
    ],
    [
      'weights.safetensors is truncated',
      (dir: string) => {
        const path = join(dir, 'weights.safetensors');
        writeFileSync(path, readFileSync(path).subarray(0, -4));
      },
      /^\S+\/weights.safetensors: tensor "decoder.scale": data_offsets \[32, 36\] run past the end of the data \(32 bytes; truncated\?\)$/,
    ],
    [
      'optimizer.safetensors comes from another save',
      (dir: string) => {
        const other = join(root, `other${count++}.safetensors`);
        writeFileSync(other, encodeSafetensors(new Map(), { step: '1' }));
        copyFileSync(other, join(dir, 'optimizer.safetensors'));
      },
      /^\S+: optimizer.safetensors does not belong with weights.safetensors: metadata \{"step":"1"\} differs from \{"step":"2"\}$/,
    ],
  ])('refuses a checkpoint where %s', async (_, damage, message) => {
    const dir = await damaged(damage);
    const load = loadCheckpoint(dir);
    await expect(load).rejects.toThrow(CheckpointError);
    await expect(load).rejects.toThrow(message);
    await expect(load).rejects.toThrow(dir);
  });
});

describe('assignWeights', () => {
  const good = () =>
    new Map<string, NamedArray>([
      ['encoder.hidden0.kernel', f32([3, 2], [1, 2, 3, 4, 5, 6])],
      ['encoder.hidden0.bias', f32([2], [7, 8])],
      ['decoder.scale', { dtype: 'F64', shape: [], data: new Float64Array([0.25]) }],
    ]);

  it('assigns every variable, narrowing F64 to float32', () => {
    const vars = makeVariables(0);
    assignWeights(vars, good(), 'w.safetensors');
    expect(valuesOf(vars)).toEqual({
      'encoder.hidden0.kernel': [1, 2, 3, 4, 5, 6],
      'encoder.hidden0.bias': [7, 8],
      'decoder.scale': [0.25],
    });
    tf.dispose([...vars.values()]);
  });

  const extra = (n: number) => Array.from({ length: n }, (_, i) => [`extra${i}`, f32([1], [0])] as const);
  it.each([
    [
      'a missing name',
      (w: Map<string, NamedArray>) => w.delete('encoder.hidden0.bias'),
      'w.safetensors: tensor names do not match the model: missing encoder.hidden0.bias',
    ],
    [
      'unexpected names, a few of them',
      (w: Map<string, NamedArray>) => extra(7).forEach(([k, v]) => w.set(k, v)),
      'w.safetensors: tensor names do not match the model: unexpected extra0, extra1, extra2, extra3, extra4 (+2 more)',
    ],
    [
      'missing and unexpected names',
      (w: Map<string, NamedArray>) => {
        w.delete('decoder.scale');
        w.set('decoder.scales', f32([], [1]));
      },
      'w.safetensors: tensor names do not match the model: missing decoder.scale; unexpected decoder.scales',
    ],
    [
      'a shape mismatch',
      (w: Map<string, NamedArray>) => w.set('encoder.hidden0.kernel', f32([2, 3], [1, 2, 3, 4, 5, 6])),
      'w.safetensors: encoder.hidden0.kernel has shape [2,3] but the model expects [3,2]',
    ],
    [
      'two shape mismatches',
      (w: Map<string, NamedArray>) => {
        w.set('encoder.hidden0.kernel', f32([6], [1, 2, 3, 4, 5, 6]));
        w.set('decoder.scale', f32([1], [1]));
      },
      'w.safetensors: encoder.hidden0.kernel has shape [6] but the model expects [3,2] (and 1 more mismatches)',
    ],
    [
      'a dtype mismatch',
      (w: Map<string, NamedArray>) =>
        w.set('encoder.hidden0.bias', { dtype: 'I32', shape: [2], data: new Int32Array(2) }),
      'w.safetensors: encoder.hidden0.bias has dtype I32 but the model expects float32',
    ],
  ])('refuses %s and assigns nothing', (_, change, message) => {
    const vars = makeVariables(-1);
    const before = valuesOf(vars);
    const weights = good();
    change(weights);
    expect(() => assignWeights(vars, weights, 'w.safetensors')).toThrow(new CheckpointError(message));
    expect(valuesOf(vars)).toEqual(before);
    tf.dispose([...vars.values()]);
  });

  it('assigns nothing when a late value cannot be converted', () => {
    const vars = new Map([
      ['a', variable(tf.zeros([1], 'int32'))],
      ['b', variable(tf.zeros([1], 'int32'))],
    ]);
    const weights = new Map<string, NamedArray>([
      ['a', { dtype: 'I32', shape: [1], data: new Int32Array([5]) }],
      ['b', { dtype: 'I64', shape: [1], data: new BigInt64Array([2n ** 40n]) }],
    ]);
    expect(() => assignWeights(vars, weights, 'w.safetensors')).toThrow(
      /^w\.safetensors: b: namedArrayToTensor: I64 value 1099511627776 at index 0 does not fit in int32$/,
    );
    expect(valuesOf(vars)).toEqual({ a: [0], b: [0] });
    tf.dispose([...vars.values()]);
  });
});

describe('memory', () => {
  it('save, load and assign (successful or not) leak no tensors', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    await assertNoLeaks(async () => {
      const trained = trainedVariables();
      const fresh = makeVariables(0);
      await saveCheckpoint(dir, { config: { kind: 'vae' }, weights: trained, optimizer: trained });
      const { weights } = await loadCheckpoint(dir);
      assignWeights(fresh, weights, 'w');
      weights.set('encoder.hidden0.kernel', f32([2, 3], [0, 0, 0, 0, 0, 0]));
      expect(() => assignWeights(fresh, weights, 'w')).toThrow(CheckpointError);
      // A conversion that fails after others succeeded disposes the converted values.
      const counters = new Map([
        ['a', variable(tf.zeros([1], 'int32'))],
        ['b', variable(tf.zeros([1], 'int32'))],
      ]);
      const bad = new Map<string, NamedArray>([
        ['a', { dtype: 'I32', shape: [1], data: new Int32Array([5]) }],
        ['b', { dtype: 'I64', shape: [1], data: new BigInt64Array([2n ** 40n]) }],
      ]);
      expect(() => assignWeights(counters, bad, 'w')).toThrow(/does not fit in int32/);
      tf.dispose([...trained.values(), ...fresh.values(), ...counters.values()]);
    }, 'checkpoint round trip');
  });
});
