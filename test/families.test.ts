/**
 * The generic family suite: every tiny run of every family in the families list (src/families/index.ts) trains and
 * improves, saves and loads to the same evaluation and samples, resumes after a crash to byte-identical weights
 * (families trained by steps), keeps the tensor count flat, and refuses bad input with one line and no output. A new
 * family is covered by being added to the list (with its `tinyRuns`), as zuko's tests run over every flow.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '../src/engine/tf.js';
import { loadDataset } from '../src/data/registry.js';
import { head } from '../src/data/dataset.js';
import { FAMILIES } from '../src/families/index.js';
import type { Family, FamilyModel, TinyRun } from '../src/families/family.js';
import { encodeCheckpoint, decodeCheckpoint } from '../src/io/checkpoint.js';
import { defaultOf, resolveOptions, flagOf, type OptionSpec } from '../src/train/options.js';
import { optionsOf, runOptionsOf } from '../src/train/run-options.js';
import { loadRunCheckpoint } from '../src/train/run-checkpoint.js';
import { loadRun, resumeRun, startRun } from '../src/train/run.js';
import { trainSteps } from '../src/train/trainer.js';
import { cli } from './cli.js';

const root = mkdtempSync(join(tmpdir(), 'latentlab-families-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CASES: Array<[string, Family, TinyRun]> = FAMILIES.flatMap((family) =>
  family.tinyRuns.map((run) => [run.name, family, run] as [string, Family, TinyRun]),
);
let count = 0;
const fresh = (name: string) => join(root, `${name.replace(/\W+/g, '-')}-${count++}`);
const quiet = { progress: { stream: { write: () => true } }, pictures: false };

/** The model of a tiny run, built and trained in memory through the family's own methods. */
async function trainInMemory(
  family: Family,
  run: TinyRun,
): Promise<{ model: FamilyModel; test: ReturnType<typeof head> }> {
  const given = Object.fromEntries(
    Object.entries(run.options).map(([k, value]) => [k, { value, source: 'code' as const }]),
  );
  const dataName =
    (run.options.data as string | undefined) ??
    (defaultOf(
      runOptionsOf(family).find((s) => s.name === 'data')!,
      { kind: run.kind, data: 'vector' },
    ) as string);
  const split = loadDataset(dataName);
  const train = head(split.train, run.options.limit as number | undefined);
  const { values } = resolveOptions(
    optionsOf(family),
    { ...given, data: { value: dataName, source: 'code' } },
    { kind: run.kind, data: train.kind },
  );
  const model = family.create(family.resolveConfig(run.kind, values, train));
  if (family.training === 'steps')
    await trainSteps(train, (batch, context) => family.trainStep(model, batch, context), {
      epochs: 2,
      batchSize: values.batchSize as number,
      seed: 0,
    });
  else family.fit(model, train, { pictures: false });
  return { model, test: head(split.test ?? split.train, 200) };
}

function lines(dir: string): Array<Record<string, number>> {
  return readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, number>);
}

describe.each(CASES)('%s (family suite)', (name, family, run) => {
  it('a tiny run improves its objective and writes a summary with the common keys first', async () => {
    const out = fresh(name);
    const result = await startRun({ family, kind: run.kind, out, options: run.options }, quiet);
    const history = lines(out);
    if (family.training === 'steps') {
      expect(history.length).toBeGreaterThan(1);
      expect(history.at(-1)!.loss, 'the training loss falls').toBeLessThan(history[0].loss);
    } else {
      // Within each initialisation the bound never falls, and it ends above where it started.
      for (const r of new Set(history.map((h) => h.run))) {
        const bounds = history.filter((h) => h.run === r).map((h) => h.lower_bound);
        expect(
          bounds.every((v, i) => i === 0 || v >= bounds[i - 1] - 1e-9),
          `run ${r}: ${bounds.join(', ')}`,
        ).toBe(true);
        expect(bounds.at(-1)!).toBeGreaterThanOrEqual(bounds[0]);
      }
    }
    expect(Object.keys(result.summary).slice(0, 6)).toEqual([
      'family',
      'kind',
      'data',
      'engine',
      'parameters',
      'seconds',
    ]);
    expect(result.summary).toMatchObject({ family: family.name, kind: run.kind });
    expect(result.summary.parameters as number).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toEqual(result.summary);
  }, 60_000);

  it('save then load gives the same evaluation and the same samples for a seed', async () => {
    const { model, test } = await trainInMemory(family, run);
    const options = { seed: 7 };
    const before = family.evaluate(model, test, options);
    const drawn = family.sample(model, 16, { seed: 3 });
    const saved = family.save(model);
    const files = encodeCheckpoint({
      config: model.config,
      weights: saved.weights,
      metadata: saved.metadata,
    });
    const checkpoint = decodeCheckpoint(files, 'memory');
    const copy = family.create(model.config);
    family.restore(copy, checkpoint, 'memory');
    expect(family.evaluate(copy, test, options)).toEqual(before);
    const again = family.sample(copy, 16, { seed: 3 });
    expect(Array.from(again.values)).toEqual(Array.from(drawn.values));
    // Another seed draws other samples: the comparison above is not of constants.
    expect(Array.from(family.sample(copy, 16, { seed: 4 }).values)).not.toEqual(Array.from(drawn.values));
    model.dispose();
    copy.dispose();
  }, 60_000);

  if (family.training === 'steps')
    it('a run that crashes mid-epoch resumes to the weights of an uninterrupted run, byte for byte', async () => {
      const whole = fresh(`${name}-whole`);
      const crashed = fresh(`${name}-crashed`);
      await startRun({ family, kind: run.kind, out: whole, options: run.options }, quiet);
      let batches = 0;
      const crash = {
        onBatchEnd(context: { epoch: number }) {
          if (context.epoch === 1 && ++batches === 2) throw new Error('simulated crash');
        },
      };
      await expect(
        startRun(
          { family, kind: run.kind, out: crashed, options: run.options },
          { ...quiet, callbacks: [crash] },
        ),
      ).rejects.toThrow('simulated crash');
      expect((await loadRunCheckpoint(crashed)).state?.epoch).toBe(1);
      await resumeRun({ dir: crashed }, quiet);
      const [a, b] = [await loadRunCheckpoint(whole), await loadRunCheckpoint(crashed)];
      expect(b.state?.epoch).toBe(a.state?.epoch);
      const bytes = (x: ArrayBufferView) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
      expect([...b.weights.keys()]).toEqual([...a.weights.keys()]);
      for (const [key, w] of a.weights)
        expect(bytes(b.weights.get(key)!.data).equals(bytes(w.data)), key).toBe(true);
      for (const [key, w] of a.optimizer!)
        expect(bytes(b.optimizer!.get(key)!.data).equals(bytes(w.data)), key).toBe(true);
      expect(lines(crashed)).toHaveLength(lines(whole).length);
    }, 90_000);
  else
    it('an interrupted fit leaves no run behind, and the fit is deterministic', async () => {
      const out = fresh(`${name}-interrupted`);
      const interrupt = { ...quiet, log: () => undefined };
      const broken = {
        ...family,
        fit: () => {
          throw new Error('simulated crash');
        },
      } as Family;
      await expect(
        startRun({ family: broken, kind: run.kind, out, options: run.options }, interrupt),
      ).rejects.toThrow('simulated crash');
      expect(existsSync(out)).toBe(false);
      const [a, b] = [fresh(`${name}-a`), fresh(`${name}-b`)];
      await startRun({ family, kind: run.kind, out: a, options: run.options }, quiet);
      await startRun({ family, kind: run.kind, out: b, options: run.options }, quiet);
      const [x, y] = [await loadRunCheckpoint(a), await loadRunCheckpoint(b)];
      for (const [key, w] of x.weights)
        expect(Array.from(y.weights.get(key)!.data as Float64Array), key).toEqual(
          Array.from(w.data as Float64Array),
        );
    }, 60_000);

  it('keeps tf.memory().numTensors flat over training steps', async () => {
    const counts: number[] = [];
    const probe = {
      onBatchEnd: (context: { step: number }) =>
        void (context.step >= 1 && counts.push(tf.memory().numTensors)),
    };
    const before = tf.memory().numTensors;
    await startRun(
      { family, kind: run.kind, out: fresh(`${name}-leaks`), options: run.options },
      { ...quiet, callbacks: [probe] },
    );
    if (family.training === 'steps') {
      expect(counts.length).toBeGreaterThanOrEqual(3);
      expect(new Set(counts).size, `tensor counts ${counts.join(', ')}`).toBe(1);
    }
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  /** Three bad inputs built from the kind's own option declarations. */
  function badInputs(): Array<[string, string[], RegExp]> {
    const verb = family.training === 'steps' ? 'train' : 'fit';
    const mine = optionsOf(family).filter(
      (s) => (s.kinds === undefined || s.kinds.includes(run.kind)) && (s.command ?? 'train') === 'train',
    );
    const bounded = mine.find(
      (s): s is OptionSpec & { min: number } => s.type === 'integer' && s.min !== undefined,
    )!;
    const others = FAMILIES.flatMap((f) => optionsOf(f)).filter(
      (s) => s.type !== 'boolean' && !mine.some((m) => m.name === s.name),
    );
    const foreign = others[0];
    return [
      [
        `${flagOf(bounded)} below its minimum`,
        [verb, run.kind, flagOf(bounded), String(bounded.min - 1)],
        new RegExp(`${flagOf(bounded)}`),
      ],
      [
        `${flagOf(foreign)} of another kind`,
        [verb, run.kind, flagOf(foreign), '1'],
        new RegExp(`${flagOf(foreign)} is not an option of ${verb} ${run.kind}`),
      ],
      [
        'a data set that does not exist',
        [verb, run.kind, '--data', 'no-such-data'],
        /unknown data set 'no-such-data'/,
      ],
    ];
  }

  it.each(badInputs())(
    'refuses %s with one line, a non-zero exit and no output',
    async (_label, argv, message) => {
      const out = fresh(`${name}-bad`);
      const { code, err } = await cli([...argv, '--out', out]);
      expect(code).not.toBe(0);
      expect(err).toMatch(message);
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(existsSync(out)).toBe(false);
    },
  );
});

describe('the families list', () => {
  it('names every kind once, and every kind has a tiny run', () => {
    const kinds = FAMILIES.flatMap((f) => f.kinds.map((k) => k.name));
    expect(new Set(kinds).size).toBe(kinds.length);
    for (const f of FAMILIES)
      for (const k of f.kinds)
        expect(
          f.tinyRuns.some((r) => r.kind === k.name),
          k.name,
        ).toBe(true);
  });

  it('loads any run by its kind: loadRun picks the family from the checkpoint', async () => {
    for (const family of FAMILIES) {
      const run = family.tinyRuns[0];
      const out = fresh(`${run.name}-load`);
      await startRun({ family, kind: run.kind, out, options: run.options }, quiet);
      const loaded = await loadRun(out);
      expect(loaded.family).toBe(family);
      expect(loaded.state?.kind).toBe(run.kind);
      loaded.model.dispose();
    }
  }, 60_000);
});
