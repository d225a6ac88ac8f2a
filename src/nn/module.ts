/**
 * `Module`: a tree of named trainable parameters, as PyTorch's `nn.Module`. A layer registers its variables with
 * `addParameter` and its sub-layers with `addModule`; `parameters()` then lists every variable of the tree under a
 * dotted name (`hidden0.kernel`, `output.bias`), the names checkpoints and optimizers use.
 */
import * as tf from '../engine/tf.js';
import { ModuleArgumentError } from './errors.js';

type Entry = { kind: 'parameter'; value: tf.Variable } | { kind: 'module'; value: Module };

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

  /**
   * Register a trainable parameter initialised to `init`; returns the `tf.Variable`. The module takes `init` over
   * (it is disposed, even when the name is refused; the variable keeps its values) and disposes the variable in {@link Module.dispose}.
   */
  protected addParameter(name: string, init: tf.Tensor): tf.Variable {
    try {
      this.checkName(name);
    } catch (error) {
      init.dispose();
      throw error;
    }
    const variable = tf.variable(init, true);
    init.dispose();
    this.entries.set(name, { kind: 'parameter', value: variable });
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
    const out = new Map<string, tf.Variable>();
    for (const [name, entry] of this.entries) {
      if (entry.kind === 'parameter') out.set(name, entry.value);
      else for (const [child, v] of entry.value.parameters()) out.set(`${name}.${child}`, v);
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
    const params = this.parameters();
    for (const name of values.keys())
      if (!params.has(name))
        throw new ModuleArgumentError(
          `loadParameters: unexpected parameter '${name}'; the module has ${[...params.keys()].join(', ')}`,
        );
    for (const [name, v] of params) {
      const value = values.get(name);
      if (value === undefined) throw new ModuleArgumentError(`loadParameters: missing parameter '${name}'`);
      const shape = value.shape;
      const size = value instanceof tf.Tensor ? value.size : value.data.length;
      if (shape.join(',') !== v.shape.join(',') || size !== v.size)
        throw new ModuleArgumentError(
          `loadParameters: parameter '${name}' has shape [${shape.join(', ')}] (${size} values), ` +
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

  /** Dispose every parameter of the tree. The module must not be used afterwards. */
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
