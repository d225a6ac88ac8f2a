/**
 * A family panel's run to and from the command line's files: a run trained in the page is downloaded as the run
 * directory `latentlab train` writes (config.json, the checkpoint with its optimizer state and run state,
 * metrics.jsonl, summary.json), packed as one tar archive; and a run's files given to the page (that archive, a run
 * or checkpoint folder, or the checkpoint's files themselves) become the page's run, where the run stood. Both go
 * through the library's own encoders (`encodeRun`, `decodeRunFiles`), so the page and `latentlab eval`,
 * `latentlab train --resume` read and write the same bytes.
 */
import type { DataSplit } from '../src/data/dataset.js';
import { CHECKPOINT_FILES } from '../src/io/checkpoint.js';
import { CheckpointError } from '../src/io/safetensors.js';
import { decodeTar, encodeTar, isTar } from '../src/io/tar.js';
import {
  decodeRunFiles,
  encodeRun,
  familyOfCheckpoint,
  restoreModel,
  restoreRunOptimizers,
  RUN_FILES,
  stepsSummary,
  summaryHead,
} from '../src/train/run-files.js';
import { FamilyRun, stepFamily } from './family-run.js';
import { FAMILY_PANELS, isFamilyPanel, type Panel } from './protocol.js';

/** A file given to the page: its path (inside a dropped folder, or an archive) or name, and its bytes. */
export interface GivenFile {
  path: string;
  bytes: Uint8Array;
}

/** The name of a run's download: its kind and step (`vae-step200`), also the folder its archive unpacks into. */
export const runName = (r: FamilyRun) => `${r.setup.kind}-step${r.step}`;

/**
 * The run as one tar archive of the directory `latentlab train` would have written (pictures aside), inside a folder
 * named by {@link runName}: `tar xf vae-step200.tar` gives `vae-step200/`, which `latentlab eval vae-step200`
 * evaluates. Its summary holds the held-out metrics at this step (taken now if the last were taken earlier).
 *
 * @example
 * const { name, bytes } = runArchive(run); // 'vae-step200.tar'
 */
export function runArchive(
  r: FamilyRun,
  { mtime }: { mtime?: Date } = {},
): { name: string; bytes: Uint8Array } {
  const metrics = r.evaluated?.step === r.step ? r.evaluated.metrics : r.evaluate();
  const state = r.state();
  // The page stops a run where asked (never early) and writes no pictures.
  const summary = stepsSummary(
    summaryHead(r.family, state.kind, state.options, r.model, state.seconds, r.train, r.test),
    { epochs: state.epoch, steps: state.step, stoppedEarly: null },
    metrics,
    [],
  );
  const folder = runName(r);
  const files = encodeRun({ family: r.family, model: r.model, state, summary });
  const named = new Map([...files].map(([path, bytes]) => [`${folder}/${path}`, bytes]));
  return { name: `${folder}.tar`, bytes: encodeTar(named, { mtime }) };
}

/** The files by path: an archive's entries when one archive was given, else the files themselves. */
function filesOf(given: readonly GivenFile[]): { files: Map<string, Uint8Array>; where: string } {
  if (given.length === 0) throw new CheckpointError('no files given: give a run (its .tar, or its files)');
  const [first] = given;
  if (given.length === 1 && (isTar(first.bytes) || /\.(tar|tgz|tar\.gz)$/i.test(first.path)))
    return { files: decodeTar(first.bytes, first.path), where: first.path };
  const files = new Map<string, Uint8Array>();
  for (const { path, bytes } of given) {
    if (files.has(path)) throw new CheckpointError(`two files are named ${path}: give the files of one run`);
    files.set(path, bytes);
  }
  return { files, where: '.' };
}

/**
 * The run of the files given, ready to evaluate and to train on: its checkpoint decoded (every file checked), the
 * model rebuilt by its family from the checkpoint's configuration with its weights and, where saved, its
 * optimizers' state, on the data its state names (loaded by `loadData`); with the family panel that shows it, and
 * where it was read (the checkpoint's folder, or the files' names). Every problem is an error naming the file: files
 * that hold no run, a kind without a panel here, data the page does not have.
 *
 * @example
 * const run = await openRun([{ path: 'vae-step200.tar', bytes }], (name, seed) => loadData(name, seed, store));
 */
export async function openRun(
  given: readonly GivenFile[],
  loadData: (name: string, seed: number) => Promise<DataSplit>,
): Promise<{ run: FamilyRun; panel: Panel; source: string }> {
  const { files, where } = filesOf(given);
  const loaded = decodeRunFiles(files, where);
  const { path, state } = loaded;
  const config = `${path}/${CHECKPOINT_FILES.config}`;
  const family = familyOfCheckpoint(loaded, path);
  const panel = family.name as Panel;
  if (family.training !== 'steps' || !isFamilyPanel(panel))
    throw new CheckpointError(
      `${config}: the studio has no panel for a ${loaded.config.kind} run (${family.name} family); it loads runs of ${FAMILY_PANELS.join(', ')}`,
    );
  const statePath = `${path}/${RUN_FILES.state}`;
  if (state === null)
    throw new CheckpointError(
      `${statePath} is missing: it names the run's data and options (give the whole ${RUN_FILES.checkpoint}/ folder)`,
    );
  const data = String(state.options.data);
  const seed = state.options.seed as number;
  let split: DataSplit;
  try {
    split = await loadData(data, seed);
  } catch (e) {
    throw new CheckpointError(`${statePath}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (split.train.shape.join(',') !== state.shape.join(','))
    throw new CheckpointError(
      `${statePath}: the run was trained on examples of shape [${state.shape.join(', ')}], and the studio's ${data} has [${split.train.shape.join(', ')}]`,
    );
  const model = restoreModel(family, loaded, path);
  try {
    // Without its optimizers' state the run still evaluates; training then starts them afresh.
    if (loaded.optimizer !== null)
      restoreRunOptimizers(family, model, loaded.optimizer, `${path}/${CHECKPOINT_FILES.optimizer}`);
    const source = path === '.' ? given.map((f) => f.path).join(', ') : path;
    return { run: FamilyRun.restore(stepFamily(family.name), model, state, split), panel, source };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
