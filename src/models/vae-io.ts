/**
 * Loading a VAE-family model from a checkpoint directory (a run's `DIR`, its `DIR/checkpoint`, or a bare
 * checkpoint), with its optimizer state and training state, and the checks that make a mismatched checkpoint fail
 * with a one-line reason.
 */
import { CheckpointError } from '../io/safetensors.js';
import { loadRunCheckpoint, restoreModel, type TrainingState } from '../train/run-checkpoint.js';
import { ConfigError, resolveVaeConfig, VAE_KINDS, type VaeConfig, type VaeKind } from './vae-config.js';
import { VAE } from './vae.js';

export interface LoadedVae {
  model: VAE;
  /** The training state (epochs done, history, run options); null for a bare checkpoint. */
  state: TrainingState | null;
  /** The checkpoint directory actually read. */
  path: string;
}

/**
 * Rebuild the model a checkpoint describes and restore its weights (and optimizer state). Throws a
 * `CheckpointError` naming the file and the problem when the checkpoint is not a VAE-family one, its configuration
 * is invalid, or its tensors do not match the configuration.
 *
 * @example
 * const { model } = await loadVae('runs/vae');
 * const z = model.transform(x);
 */
export async function loadVae(dir: string): Promise<LoadedVae> {
  const checkpoint = await loadRunCheckpoint(dir);
  const { config, path } = checkpoint;
  const source = `${path}/config.json`;
  if (!VAE_KINDS.includes(config.kind as VaeKind))
    throw new CheckpointError(
      `${source}: model kind '${config.kind}' is not one of the VAE family (${VAE_KINDS.join(', ')})`,
    );
  let resolved: VaeConfig;
  try {
    resolved = resolveVaeConfig(config.kind as VaeKind, config as unknown as VaeConfig);
  } catch (e) {
    if (e instanceof ConfigError) throw new CheckpointError(`${source}: ${e.message}`);
    throw e;
  }
  const model = new VAE(resolved);
  restoreModel(model, checkpoint, path);
  return { model, state: checkpoint.state, path };
}
