/**
 * What the commands that read a run share (`eval`, `sample`, `interpolate`): the run loaded with its engine
 * started, the data set it names, and the check that other data has the run's shape.
 */
import { initEngine, type BackendChoice } from '../engine/backend.js';
import type { Dataset } from '../data/dataset.js';
import { loadDataset } from '../data/registry.js';
import { OptionError } from '../train/options.js';
import { loadRun, type LoadedRun } from '../train/run.js';

/** Load the run in `dir` (any family), starting the TensorFlow.js engine first where its family needs it. */
export function loadForCommand(dir: string, backend: BackendChoice | undefined): Promise<LoadedRun> {
  return loadRun(dir, {
    beforeCreate: async (family) => {
      if (family.engine === 'tfjs') await initEngine({ backend });
    },
  });
}

/**
 * The examples a command works on: the test part of `--data` (or, without it, of the run's data set), or the whole
 * of a table file, which has no test part. They must have the shape the run was trained on.
 */
export function dataFor(
  run: LoadedRun,
  dir: string,
  flag: string | undefined,
): { name: string; data: Dataset } {
  const name = flag ?? (run.state?.options.data as string | undefined);
  if (name === undefined) throw new OptionError('data', `must be given: ${dir} does not record its data set`);
  const split = loadDataset(name);
  const data = split.test ?? split.train;
  const shape = run.state?.shape;
  if (shape !== undefined && data.shape.join(',') !== shape.join(','))
    throw new OptionError(
      'data',
      `${name} has examples of shape [${data.shape.join(', ')}], but the model in ${dir} was trained on [${shape.join(', ')}]`,
    );
  return { name, data };
}
