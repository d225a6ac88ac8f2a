import * as tf from '../engine/tf.js';
import { describe, expect, it } from 'vitest';
import { assertNoLeaks } from '../engine/memory.js';
import { ModuleArgumentError } from './errors.js';
import { Module } from './module.js';

class Leaf extends Module {
  readonly w: tf.Variable;
  constructor(n: number) {
    super();
    this.w = this.addParameter('w', tf.fill([n], n));
    this.addParameter('b', tf.zeros([1]));
  }
}

class Tree extends Module {
  constructor() {
    super();
    this.addParameter('scale', tf.ones([2, 3]));
    this.addModule('left', new Leaf(2));
    this.addModule('right', new Leaf(3));
    this.addParameter('shift', tf.zeros([]));
  }
  register(name: string): void {
    this.addParameter(name, tf.zeros([1]));
  }
}

/** A tree with a buffer two levels down, as a network holding a batch normalisation layer. */
class Buffered extends Module {
  readonly inner: Counted;
  constructor() {
    super();
    this.addParameter('w', tf.ones([2]));
    this.inner = this.addModule('inner', new Counted());
  }
}

class Counted extends Module {
  constructor() {
    super();
    this.addParameter('scale', tf.ones([1]));
    this.addBuffer('count', tf.zeros([1]));
  }
}

describe('Module', () => {
  it('keeps buffers out of parameters() and lists both in state(), with dotted names', () => {
    const tree = new Buffered();
    expect([...tree.parameters().keys()]).toEqual(['w', 'inner.scale']);
    expect([...tree.buffers().keys()]).toEqual(['inner.count']);
    expect([...tree.state().keys()]).toEqual(['w', 'inner.scale', 'inner.count']);
    expect(tree.buffers().get('inner.count')!.trainable).toBe(false);
    expect(tree.numParameters()).toBe(3);
    tree.dispose();
  });

  it('switches the whole tree between inference mode (the start) and training mode', () => {
    const tree = new Buffered();
    expect([tree.training, tree.inner.training]).toEqual([false, false]);
    expect(tree.train()).toBe(tree);
    expect([tree.training, tree.inner.training]).toEqual([true, true]);
    tree.train(false);
    expect([tree.training, tree.inner.training]).toEqual([false, false]);
    tree.dispose();
  });

  it('loadState sets buffers too, and loadParameters refuses a buffer it does not train', () => {
    const tree = new Buffered();
    const values = new Map([
      ['w', tf.tensor([2, 3])],
      ['inner.scale', tf.tensor([4])],
      ['inner.count', tf.tensor([7])],
    ]);
    expect(() => tree.loadParameters(values)).toThrow(/loadParameters: unexpected parameter 'inner.count'/);
    tree.loadState(values);
    expect(tree.buffers().get('inner.count')).toBeAllClose([7]);
    expect(tree.parameters().get('w')).toBeAllClose([2, 3]);
    values.delete('inner.count');
    expect(() => tree.loadState(values)).toThrow(/loadState: missing parameter 'inner.count'/);
    tf.dispose([...values.values()]);
    tree.dispose();
  });

  it('lists parameters recursively, in registration order, with dotted names', () => {
    const tree = new Tree();
    const params = tree.parameters();
    expect([...params.keys()]).toEqual(['scale', 'left.w', 'left.b', 'right.w', 'right.b', 'shift']);
    expect([...params.values()].map((v) => v.shape)).toEqual([[2, 3], [2], [1], [3], [1], []]);
    expect(params.get('right.w')).toBeAllClose([3, 3, 3]);
    expect([...params.values()].every((v) => v.trainable)).toBe(true);
    expect(tree.numParameters()).toBe(6 + 2 + 1 + 3 + 1 + 1);
    tree.dispose();
  });

  it('takes over the initial tensor and frees everything on dispose', () => {
    const before = tf.memory().numTensors;
    const tree = new Tree();
    expect(tf.memory().numTensors - before).toBe(6);
    tree.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(tree.parameters().size).toBe(0);
  });

  it.each([
    { what: 'a duplicate name', name: 'scale', message: "Tree: the name 'scale' is already registered" },
    { what: 'a dotted name', name: 'a.b', message: "Tree: invalid parameter or module name 'a.b'" },
    { what: 'an empty name', name: '', message: "Tree: invalid parameter or module name ''" },
  ])('refuses $what', ({ name, message }) => {
    const tree = new Tree();
    const before = tf.memory().numTensors;
    expect(() => tree.register(name)).toThrow(ModuleArgumentError);
    expect(() => tree.register(name)).toThrow(message);
    expect(tf.memory().numTensors).toBe(before);
    tree.dispose();
  });

  it('loadParameters sets every parameter from tensors or {shape, data} records', () => {
    const tree = new Tree();
    const values = new Map<string, tf.Tensor | { shape: number[]; data: Float32Array }>();
    for (const [name, v] of tree.parameters())
      values.set(name, { shape: v.shape, data: Float32Array.from({ length: v.size }, (_, i) => i + 0.5) });
    values.set('shift', tf.scalar(-7));
    tree.loadParameters(values);
    expect(tree.parameters().get('scale')).toBeAllClose([
      [0.5, 1.5, 2.5],
      [3.5, 4.5, 5.5],
    ]);
    expect(tree.parameters().get('right.w')).toBeAllClose([0.5, 1.5, 2.5]);
    expect(tree.parameters().get('shift')).toBeAllClose(-7);
    tf.dispose(values.get('shift'));
    tree.dispose();
  });

  it.each([
    {
      what: 'a missing parameter',
      edit: (m: Map<string, unknown>) => m.delete('left.b'),
      message: "missing parameter 'left.b'",
    },
    {
      what: 'an unexpected name',
      edit: (m: Map<string, unknown>) => m.set('middle.w', { shape: [1], data: new Float32Array(1) }),
      message: "unexpected parameter 'middle.w'",
    },
    {
      what: 'a wrong shape',
      edit: (m: Map<string, unknown>) => m.set('right.w', { shape: [2], data: new Float32Array(2) }),
      message: "parameter 'right.w' has shape [2] (2 values), expected [3]",
    },
    {
      what: 'a short data array',
      edit: (m: Map<string, unknown>) => m.set('right.w', { shape: [3], data: new Float32Array(2) }),
      message: "parameter 'right.w' has shape [3] (2 values), expected [3]",
    },
  ])('loadParameters refuses $what, naming it, and changes nothing', ({ edit, message }) => {
    const tree = new Tree();
    const values = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [name, v] of tree.parameters())
      values.set(name, { shape: v.shape, data: new Float32Array(v.size) });
    edit(values);
    expect(() => tree.loadParameters(values)).toThrow(ModuleArgumentError);
    expect(() => tree.loadParameters(values)).toThrow(message);
    expect(tree.parameters().get('scale')).toBeAllClose(1);
    tree.dispose();
  });

  it('leaks no tensors', async () => {
    await assertNoLeaks(() => {
      const tree = new Tree();
      tree.numParameters();
      tree.dispose();
    }, 'Module');
  });
});
