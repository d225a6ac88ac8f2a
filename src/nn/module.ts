/**
 * `Module`: a tree of named trainable parameters, as PyTorch's `nn.Module`. A layer registers its variables with
 * `addParameter` and its sub-layers with `addModule`; `parameters()` then lists every variable of the tree under a
 * dotted name (`hidden0.kernel`, `output.bias`), the names optimizers use. Arrays that a layer keeps but does not
 * train (batch normalisation's running statistics) are buffers (`addBuffer`); `state()` lists parameters and buffers
 * together, the arrays a checkpoint holds. A module is in inference mode until `train()` switches its tree to
 * training mode (where batch normalisation uses the batch's statistics and updates its running ones).
 */
import * as tf from '../engine/tf.js';
import { ModuleArgumentError } from './errors.js';

type Entry =
  | { kind: 'parameter'; value: tf.Variable }
  | { kind: 'buffer'; value: tf.Variable }
  | { kind: 'module'; value: Module };

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * The base class of every layer and model: named parameters and child modules, in registration order.
 *
 * @example
 * class Scale extends Module {
 *   readonly scale = this.addParameter('scale', tf.ones([3]));
 *   apply(x: tf.Tensor) { return tf.mul(x, this.scale); }
 * }
 * new Scale().parameters(); // Map { 'scale' => Variable [3] }
 */
export abstract class Module {
  private readonly entries = new Map<string, Entry>();
  private trainingMode = false;

  /** Whether the module is in training mode (see {@link Module.train}); false when made. */
  get training(): boolean {
    return this.trainingMode;
  }

  /**
   * Switch the whole tree to training mode (`on`, the default) or back to inference mode; returns the module. Only
   * layers with batch statistics (batch normalisation) behave differently.
   */
  train(on = true): this {
    this.trainingMode = on;
    for (const entry of this.entries.values()) if (entry.kind === 'module') entry.value.train(on);
    return this;
  }

  /**
   * Register a trainable parameter initialised to `init`; returns the `tf.Variable`. The module takes `init` over
   * (it is disposed, even when the name is refused; the variable keeps its values) and disposes the variable in {@link Module.dispose}.
   */
  protected addParameter(name: string, init: tf.Tensor): tf.Variable {
    return this.registerVariable(name, init, 'parameter');
  }

  /**
   * Register a buffer: an array the module keeps and checkpoints but does not train (no optimizer sees it), such as
   * a running mean. Takes `init` over like {@link Module.addParameter}; returns the (non-trainable) `tf.Variable`.
   */
  protected addBuffer(name: string, init: tf.Tensor): tf.Variable {
    return this.registerVariable(name, init, 'buffer');
  }

  /** Check `name`, then take `init` over as a variable (trainable for a parameter) of that kind. */
  private registerVariable(name: string, init: tf.Tensor, kind: 'parameter' | 'buffer'): tf.Variable {
    try {
      this.checkName(name);
    } catch (error) {
      init.dispose();
      throw error;
    }
    const variable = tf.variable(init, kind === 'parameter');
    init.dispose();
    this.entries.set(name, { kind, value: variable });
    return variable;
  }

  /** Register a child module under `name`; returns it. Its parameters appear as `name.<its names>`. */
  protected addModule<M extends Module>(name: string, module: M): M {
    this.checkName(name);
    this.entries.set(name, { kind: 'module', value: module });
    return module;
  }

  /** All parameters, recursively, in registration order, with dotted names: `'hidden0.kernel'`, `'output.bias'`. */
  parameters(): Map<string, tf.Variable> {
    return this.collect(['parameter']);
  }

  /** All buffers, recursively, with dotted names: `'norm1.running_mean'`. */
  buffers(): Map<string, tf.Variable> {
    return this.collect(['buffer']);
  }

  /** Parameters and buffers together, in registration order: every array a checkpoint of the module holds. */
  state(): Map<string, tf.Variable> {
    return this.collect(['parameter', 'buffer']);
  }

  private collect(kinds: readonly Entry['kind'][]): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    for (const [name, entry] of this.entries) {
      if (entry.kind === 'module')
        for (const [child, v] of entry.value.collect(kinds)) out.set(`${name}.${child}`, v);
      else if (kinds.includes(entry.kind)) out.set(name, entry.value);
    }
    return out;
  }

  /** The number of scalar parameters (the sum of the parameters' sizes). */
  numParameters(): number {
    let n = 0;
    for (const v of this.parameters().values()) n += v.size;
    return n;
  }

  /**
   * Set parameters from `values` (a checkpoint's tensors, or `{ shape, data }` records), matched by dotted name.
   * Every parameter must be present with its shape; names the module does not have are an error too, so a checkpoint
   * of another architecture is refused with the first offending name. Nothing is changed when a check fails.
   */
  loadParameters(values: Map<string, tf.Tensor | { shape: number[]; data: Float32Array }>): void {
    load('loadParameters', this.parameters(), values);
  }

  /** Set parameters and buffers from `values`, as {@link Module.loadParameters} does parameters. */
  loadState(values: Map<string, tf.Tensor | { shape: number[]; data: Float32Array }>): void {
    load('loadState', this.state(), values);
  }

  /** Dispose every parameter and buffer of the tree. The module must not be used afterwards. */
  dispose(): void {
    for (const entry of this.entries.values()) entry.value.dispose();
    this.entries.clear();
  }

  private checkName(name: string): void {
    if (!NAME.test(name))
      throw new ModuleArgumentError(`${this.constructor.name}: invalid parameter or module name '${name}'`);
    if (this.entries.has(name))
      throw new ModuleArgumentError(`${this.constructor.name}: the name '${name}' is already registered`);
  }
}

/** Check every name and shape of `values` against `params`, then assign them; `where` names the caller. */
function load(
  where: string,
  params: Map<string, tf.Variable>,
  values: Map<string, tf.Tensor | { shape: number[]; data: Float32Array }>,
): void {
  for (const name of values.keys())
    if (!params.has(name))
      throw new ModuleArgumentError(
        `${where}: unexpected parameter '${name}'; the module has ${[...params.keys()].join(', ')}`,
      );
  for (const [name, v] of params) {
    const value = values.get(name);
    if (value === undefined) throw new ModuleArgumentError(`${where}: missing parameter '${name}'`);
    const shape = value.shape;
    const size = value instanceof tf.Tensor ? value.size : value.data.length;
    if (shape.join(',') !== v.shape.join(',') || size !== v.size)
      throw new ModuleArgumentError(
        `${where}: parameter '${name}' has shape [${shape.join(', ')}] (${size} values), ` +
          `expected [${v.shape.join(', ')}]`,
      );
  }
  for (const [name, v] of params) {
    const value = values.get(name)!;
    tf.tidy(() =>
      v.assign(value instanceof tf.Tensor ? tf.cast(value, 'float32') : tf.tensor(value.data, value.shape)),
    );
  }
}
