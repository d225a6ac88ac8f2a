/**
 * Loading a flow from a checkpoint directory, as `loadVae` does for the VAE family.
 */
import { CheckpointError } from '../io/safetensors.js';
import { loadRunCheckpoint, restoreModel, type TrainingState } from '../train/run-checkpoint.js';
import { FlowConfigError, FlowModel, resolveFlowConfig, type FlowConfig } from './flows.js';

export interface LoadedFlow {
  model: FlowModel;
  state: TrainingState | null;
  path: string;
}

/**
 * Rebuild the flow a checkpoint describes and restore its weights and optimizer state; a data-dependent
 * initialisation is not repeated. Errors name the file and the problem.
 *
 * @example
 * const { model } = await loadFlow('runs/flow-moons');
 * const x = model.sample(1000, { temperature: 0.8 });
 */
export async function loadFlow(dir: string): Promise<LoadedFlow> {
  const checkpoint = await loadRunCheckpoint(dir);
  const { config, path } = checkpoint;
  const source = `${path}/config.json`;
  if (config.kind !== 'flow')
    throw new CheckpointError(`${source}: model kind '${config.kind}' is not a flow`);
  let resolved: FlowConfig;
  try {
    const c = config as unknown as FlowConfig;
    resolved = resolveFlowConfig(c.arch, c);
  } catch (e) {
    if (e instanceof FlowConfigError) throw new CheckpointError(`${source}: ${e.message}`);
    throw e;
  }
  const model = new FlowModel(resolved);
  restoreModel(model, checkpoint, path);
  model.markInitialized();
  return { model, state: checkpoint.state, path };
}
