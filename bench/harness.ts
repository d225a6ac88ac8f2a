/**
 * The benchmark harness: what a benchmark is, the command line of `npm run bench`, and the table it prints. Each
 * benchmark is one file (`bench/<name>.ts`) exporting a {@link Benchmark}, listed in `bench/registry.ts`; it times
 * latentlab and runs its peer from `../shared/peers` in the same process run, so both see the same machine state.
 */
import { parseArgs } from 'node:util';
import type { PeerOutput } from './peer.js';

/** What the harness hands to {@link Benchmark.run}. */
export interface BenchContext {
  /** Timed steps asked for with `--steps`; each benchmark has its own default. */
  steps?: number;
  /** Run a peer program from the peers folder with `args` and return the JSON line it prints. */
  peer: (script: string, args?: string[]) => Promise<PeerOutput>;
  /** A progress line (written to stderr, so stdout holds only the table). */
  log: (message: string) => void;
}

/** An extra column of the table: a number and its unit (`ms`, `s`, `x` for a factor, or `bits/dim`). */
export interface Column {
  label: string;
  value: number;
  unit: Unit;
}

/** A goal a benchmark checks its numbers against; a missed target is reported (and fails the run with `--strict`). */
export interface Target {
  description: string;
  met: boolean;
}

/** `''` is a plain number (a count, a fraction). */
export type Unit = 'ms' | 's' | 'x' | 'bits/dim' | '';

/** What a benchmark measured. `latentlab` and `peer` are times in `unit`; the ratio is computed by the harness. */
export interface BenchResult {
  unit: 'ms' | 's';
  latentlab: number;
  /** Absent when the benchmark has no peer program to time (the table shows `-` for it and for the ratio). */
  peer?: number;
  /** Which peer ran, as it names itself (`pytorch-1.13.0`), or what stands in for one when none is timed. */
  peerName: string;
  columns?: Column[];
  targets?: Target[];
  /** Every number behind the summary, for the results file. */
  raw: Record<string, unknown>;
}

/** One benchmark: a name for `--only`, a line for `--list`, and the measurement. */
export interface Benchmark {
  name: string;
  description: string;
  run(options: BenchContext): Promise<BenchResult>;
}

/** A benchmark's outcome in a run: its result, or the reason it failed. */
export type Outcome = { name: string; result: BenchResult } | { name: string; error: string };

/** A mistake on the command line; `run.ts` prints it with the usage and exits with status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The parsed command line of `npm run bench`. */
export interface BenchArgs {
  only: string[];
  steps?: number;
  list: boolean;
  help: boolean;
  strict: boolean;
  save: boolean;
}

export const USAGE = `usage: npm run bench -- [--only NAME[,NAME...]] [--steps N] [--strict] [--no-save] [--list]

  --only NAME   run only these benchmarks (repeatable, or comma-separated)
  --steps N     timed steps for benchmarks that time steps (each has its own default)
  --strict      exit with status 1 when a benchmark misses one of its targets
  --no-save     do not write bench/results/*.json
  --list        list the benchmarks and exit

Peers come from ../shared/peers (or LATENTLAB_PEERS) and run with /usr/bin/python3 (or LATENTLAB_PYTHON).`;

/** Parse `npm run bench` arguments; a {@link UsageError} names the offending option. */
export function parseBenchArgs(argv: string[]): BenchArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        only: { type: 'string', multiple: true },
        steps: { type: 'string' },
        list: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        strict: { type: 'boolean' },
        'no-save': { type: 'boolean' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values } = parsed;
  const only = (values.only ?? []).flatMap((s) => s.split(',')).map((s) => s.trim());
  if (only.some((s) => s === '')) throw new UsageError('--only: expected benchmark names, got an empty name');
  let steps: number | undefined;
  if (values.steps !== undefined) {
    steps = Number(values.steps);
    if (!/^\d+$/.test(values.steps.trim()) || !Number.isSafeInteger(steps) || steps < 1)
      throw new UsageError(`--steps: expected a positive integer, got '${values.steps}'`);
  }
  return {
    only,
    steps,
    list: values.list ?? false,
    help: values.help ?? false,
    strict: values.strict ?? false,
    save: !(values['no-save'] ?? false),
  };
}

/** The benchmarks named by `only` in registry order (all of them when `only` is empty), or an error listing names. */
export function selectBenchmarks(all: readonly Benchmark[], only: readonly string[]): Benchmark[] {
  const unknown = only.filter((name) => !all.some((b) => b.name === name));
  if (unknown.length > 0)
    throw new UsageError(
      `unknown benchmark${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')}; ` +
        `available: ${all.map((b) => b.name).join(', ')}`,
    );
  return only.length === 0 ? [...all] : all.filter((b) => only.includes(b.name));
}

/** latentlab time over peer time; `undefined` when the peer time is missing or not a positive finite number. */
export function ratio(latentlab: number, peer: number | undefined): number | undefined {
  if (peer === undefined) return undefined;
  if (!(peer > 0) || !Number.isFinite(peer) || !Number.isFinite(latentlab)) return undefined;
  return latentlab / peer;
}

/** `37.2 ms`, `3.31 s`, `4.05x`, `3.95 bits/dim`: three significant digits at least, never exponent notation. */
export function formatValue(value: number | undefined, unit: Unit): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const text = value.toFixed(digits);
  if (unit === '') return text;
  return unit === 'x' ? `${text}x` : `${text} ${unit}`;
}

/** The rows of the summary table, header first; failed benchmarks show FAILED and leave the rest empty. */
export function tableRows(outcomes: readonly Outcome[]): string[][] {
  const extra: string[] = [];
  for (const o of outcomes)
    if ('result' in o)
      for (const c of o.result.columns ?? []) if (!extra.includes(c.label)) extra.push(c.label);
  const header = ['benchmark', 'latentlab', 'peer', 'ratio', ...extra];
  const rows = outcomes.map((o) => {
    if ('error' in o) return [o.name, 'FAILED', ...header.slice(2).map(() => '')];
    const r = o.result;
    const cells = [o.name, formatValue(r.latentlab, r.unit), formatValue(r.peer, r.unit)];
    cells.push(formatValue(ratio(r.latentlab, r.peer), 'x'));
    for (const label of extra) {
      const c = r.columns?.find((col) => col.label === label);
      cells.push(c === undefined ? '' : formatValue(c.value, c.unit));
    }
    return cells;
  });
  return [header, ...rows];
}

/** A Markdown table, columns padded to their widest cell, numbers right-aligned. */
export function formatTable(rows: readonly string[][]): string {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => (r[j] ?? '').length)));
  const line = (r: readonly string[]) =>
    '| ' + r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join(' | ') + ' |';
  const rule = '|' + widths.map((w, j) => '-'.repeat(w + 1) + (j === 0 ? '-' : ':')).join('|') + '|';
  return [line(rows[0]), rule, ...rows.slice(1).map(line)].join('\n');
}

/** The lines under the table: each benchmark's peer and targets, and each failure's reason. */
export function formatNotes(outcomes: readonly Outcome[]): string[] {
  return outcomes.map((o) => {
    if ('error' in o) return `${o.name}: FAILED: ${o.error}`;
    const targets = (o.result.targets ?? []).map((t) => `${t.description}: ${t.met ? 'met' : 'MISSED'}`);
    return `${o.name}: peer ${o.result.peerName}${targets.length > 0 ? '; ' + targets.join('; ') : ''}`;
  });
}

/** A timestamp safe in file names on every system: `2026-11-22T03-04-05Z`. */
export function fileTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}
