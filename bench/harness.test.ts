// The parts of the benchmark harness that need no timing: arguments, selection, the table, peers' failures.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fileTimestamp,
  formatNotes,
  formatTable,
  formatValue,
  parseBenchArgs,
  ratio,
  selectBenchmarks,
  tableRows,
  UsageError,
  type Benchmark,
  type Outcome,
} from './harness.js';
import { PEER_INSTALL, PeerError, peerNumber, peersDir, pythonPath, REPO_ROOT, runPeer } from './peer.js';
import { BENCHMARKS } from './registry.js';
import { median, StepLeakError, timeSteps } from './timing.js';
import { createVaeStep } from './vae-step.js';
import * as tf from '../src/engine/tf.js';
import { assertNoLeaks } from '../src/engine/memory.js';

const fake = (name: string): Benchmark => ({
  name,
  description: `the ${name} benchmark`,
  run: () => Promise.reject(new Error('not run in tests')),
});

describe('parseBenchArgs', () => {
  it('has defaults', () => {
    expect(parseBenchArgs([])).toEqual({
      only: [],
      steps: undefined,
      list: false,
      help: false,
      strict: false,
      save: true,
    });
  });

  it('reads --only (repeated and comma-separated), --steps and the flags', () => {
    const args = parseBenchArgs(['--only', 'a,b', '--only', 'c', '--steps', '50', '--strict', '--no-save']);
    expect(args).toEqual({
      only: ['a', 'b', 'c'],
      steps: 50,
      list: false,
      help: false,
      strict: true,
      save: false,
    });
  });

  it.each([
    ['a fraction', ['--steps', '2.5'], /--steps: expected a positive integer, got '2.5'/],
    ['zero', ['--steps', '0'], /--steps: expected a positive integer, got '0'/],
    ['a word', ['--steps', 'many'], /--steps: expected a positive integer, got 'many'/],
    ['an unknown option', ['--fast'], /--fast/],
    ['a positional argument', ['vae-step'], /vae-step/],
    ['an empty name', ['--only', 'a,'], /--only: expected benchmark names/],
  ])('rejects %s with a usage error naming it', (_, argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(UsageError);
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });
});

describe('selectBenchmarks', () => {
  const all = [fake('vae-step'), fake('flow2d'), fake('gmm')];

  it('keeps registry order and runs everything by default', () => {
    expect(selectBenchmarks(all, []).map((b) => b.name)).toEqual(['vae-step', 'flow2d', 'gmm']);
    expect(selectBenchmarks(all, ['gmm', 'vae-step']).map((b) => b.name)).toEqual(['vae-step', 'gmm']);
  });

  it('rejects an unknown name and lists the available ones', () => {
    expect(() => selectBenchmarks(all, ['vae-stpe'])).toThrow(
      "unknown benchmark 'vae-stpe'; available: vae-step, flow2d, gmm",
    );
    expect(() => selectBenchmarks(all, ['x', 'flow2d', 'y'])).toThrow(/unknown benchmarks 'x', 'y'/);
  });

  it('the registry has unique names, vae-step among them', () => {
    const names = BENCHMARKS.map((b) => b.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('vae-step');
  });
});

describe('ratio and formatting', () => {
  it('divides latentlab time by peer time, undefined without a usable peer time', () => {
    expect(ratio(37, 10)).toBeCloseTo(3.7, 12);
    expect(ratio(37, 0)).toBeUndefined();
    expect(ratio(37, NaN)).toBeUndefined();
    expect(ratio(NaN, 10)).toBeUndefined();
    expect(ratio(37, undefined)).toBeUndefined();
  });

  it.each([
    [37.249, 'ms', '37.2 ms'],
    [152.6, 'ms', '153 ms'],
    [3.3141, 's', '3.31 s'],
    [4.046, 'x', '4.05x'],
    [0.0049, 'x', '0.00x'],
    [undefined, 'ms', '-'],
    [Infinity, 'x', '-'],
    [3.9512, 'bits/dim', '3.95 bits/dim'],
    [7.667, '', '7.67'],
  ] as const)('formats %s %s as %s', (value, unit, text) => {
    expect(formatValue(value, unit)).toBe(text);
  });

  it('the median matches Python statistics.median', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow('median: no values');
  });

  it('file timestamps have no colons', () => {
    expect(fileTimestamp(new Date('2026-11-22T03:04:05.678Z'))).toBe('2026-11-22T03-04-05Z');
  });
});

describe('the table', () => {
  const outcomes: Outcome[] = [
    {
      name: 'vae-step',
      result: {
        unit: 'ms',
        latentlab: 36,
        peer: 9,
        peerName: 'pytorch-1.13.0',
        columns: [
          { label: 'stock wasm', value: 150, unit: 'ms' },
          { label: 'vs stock', value: 150 / 36, unit: 'x' },
        ],
        targets: [
          { description: 'latentlab <= 5x the peer', met: true },
          { description: 'speed-up over stock wasm >= 4x', met: true },
        ],
        raw: {},
      },
    },
    {
      name: 'gmm',
      result: { unit: 's', latentlab: 6.6, peer: 3.3, peerName: 'sklearn-1.2.1', raw: {} },
    },
    { name: 'flow2d', error: 'flow2d_torch.py needs torch' },
  ];

  it('has the ratio, the union of extra columns, and FAILED rows', () => {
    expect(tableRows(outcomes)).toEqual([
      ['benchmark', 'latentlab', 'peer', 'ratio', 'stock wasm', 'vs stock'],
      ['vae-step', '36.0 ms', '9.00 ms', '4.00x', '150 ms', '4.17x'],
      ['gmm', '6.60 s', '3.30 s', '2.00x', '', ''],
      ['flow2d', 'FAILED', '', '', '', ''],
    ]);
  });

  it('prints as an aligned Markdown table', () => {
    expect(formatTable(tableRows(outcomes.slice(0, 2)))).toBe(
      [
        '| benchmark | latentlab |    peer | ratio | stock wasm | vs stock |',
        '|-----------|----------:|--------:|------:|-----------:|---------:|',
        '| vae-step  |   36.0 ms | 9.00 ms | 4.00x |     150 ms |    4.17x |',
        '| gmm       |    6.60 s |  3.30 s | 2.00x |            |          |',
      ].join('\n'),
    );
  });

  it('shows - for the peer and the ratio of a benchmark without a peer', () => {
    const alone: Outcome = {
      name: 'flow-images',
      result: {
        unit: 's',
        latentlab: 52.3,
        peerName: 'none',
        columns: [{ label: 'test NLL', value: 3.951, unit: 'bits/dim' }],
        raw: {},
      },
    };
    expect(tableRows([alone])).toEqual([
      ['benchmark', 'latentlab', 'peer', 'ratio', 'test NLL'],
      ['flow-images', '52.3 s', '-', '-', '3.95 bits/dim'],
    ]);
  });

  it('notes name the peer, the targets and the failures', () => {
    expect(formatNotes(outcomes)).toEqual([
      'vae-step: peer pytorch-1.13.0; latentlab <= 5x the peer: met; speed-up over stock wasm >= 4x: met',
      'gmm: peer sklearn-1.2.1',
      'flow2d: FAILED: flow2d_torch.py needs torch',
    ]);
  });
});

describe('peers', () => {
  /** A folder with a stand-in peer `p.py` and a stand-in "python" (a shell script) that runs `body`. */
  function fakePython(body: string): { dir: string; python: string } {
    const dir = mkdtempSync(join(tmpdir(), 'latentlab-peer-'));
    writeFileSync(join(dir, 'p.py'), '');
    const python = join(dir, 'python');
    writeFileSync(python, `#!/bin/sh\n${body}\n`);
    chmodSync(python, 0o755);
    return { dir, python };
  }

  it('finds the peers beside the repository unless LATENTLAB_PEERS says otherwise', () => {
    expect(peersDir({})).toBe(resolve(REPO_ROOT, '../shared/peers'));
    expect(peersDir({ LATENTLAB_PEERS: '/opt/peers' })).toBe('/opt/peers');
    expect(pythonPath({})).toBe('/usr/bin/python3');
    expect(pythonPath({ LATENTLAB_PYTHON: '/opt/py' })).toBe('/opt/py');
  });

  it('returns the JSON object on the last line', async () => {
    const where = fakePython(`echo warming up; echo '{"ms_per_step": 8.5, "peer": "pytorch-x"}'`);
    const out = await runPeer('p.py', ['--steps', '3'], where);
    expect(out).toEqual({ ms_per_step: 8.5, peer: 'pytorch-x' });
    expect(peerNumber(out, 'ms_per_step', 'p.py')).toBe(8.5);
    expect(() => peerNumber(out, 'seconds', 'p.py')).toThrow("p.py: expected a number 'seconds'");
  });

  it('names the install command when torch is missing', async () => {
    const where = fakePython(`echo "ModuleNotFoundError: No module named 'torch'" >&2; exit 1`);
    const run = runPeer('p.py', [], where);
    await expect(run).rejects.toThrow(PeerError);
    await expect(runPeer('p.py', [], where)).rejects.toThrow(
      `p.py needs the Python module 'torch', which ${where.python} lacks; install it with: ${PEER_INSTALL}`,
    );
    expect(PEER_INSTALL).toBe('apt-get install -y python3-torch python3-sklearn');
  });

  it.each([
    ['a missing script', 'nope.py', 'echo {}', /peer program nope.py not found in .*LATENTLAB_PEERS/],
    ['a failing peer', 'p.py', 'echo boom >&2; exit 3', /p.py exited with status 3: boom/],
    ['no JSON', 'p.py', 'echo done', /p.py printed no JSON object on its last line; got 'done'/],
  ])('explains %s', async (_, script, body, message) => {
    await expect(runPeer(script, [], fakePython(body))).rejects.toThrow(message);
  });

  it('explains a missing Python', async () => {
    const { dir } = fakePython('');
    await expect(runPeer('p.py', [], { dir, python: join(dir, 'no-python') })).rejects.toThrow(
      /cannot run .*no-python \(ENOENT\); set LATENTLAB_PYTHON/,
    );
  });
});

describe('the step loop', () => {
  it('returns one time per timed step', () => {
    let calls = 0;
    const times = timeSteps(() => void calls++, { steps: 4, warmup: 2, label: 'count' });
    expect(calls).toBe(6);
    expect(times).toHaveLength(4);
  });

  it('fails a step that leaks tensors, naming the loop', () => {
    const leaked: tf.Tensor[] = [];
    expect(() =>
      timeSteps(() => void leaked.push(tf.zeros([2])), { steps: 3, warmup: 1, label: 'leaky' }),
    ).toThrow(StepLeakError);
    tf.dispose(leaked);
    expect(() => timeSteps(() => void leaked.push(tf.zeros([2])), { steps: 3, label: 'leaky' })).toThrow(
      /^leaky: tf.memory\(\).numTensors went from \d+ after the first step to \d+ after step 2; the step leaks/,
    );
    tf.dispose(leaked);
  });
});

describe('the vae-step model', () => {
  it('starts near 784 log 2 nats, trains, and frees everything it made', async () => {
    await assertNoLeaks(() => {
      const vae = createVaeStep(0);
      // Logits near 0 at PyTorch's initialisation: each of the 784 binary pixels costs about log 2 nats.
      const first = vae.step();
      expect(first).toBeGreaterThan(784 * Math.LN2 - 20);
      expect(first).toBeLessThan(784 * Math.LN2 + 20);
      let last = first;
      for (let i = 0; i < 4; i++) last = vae.step();
      expect(last).toBeLessThan(first);
      vae.dispose();
    }, 'vae-step model');
  });
});
