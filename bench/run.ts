/**
 * `npm run bench [-- --only NAME] [--steps N]`: run the benchmarks beside their peers, print the table, and save the
 * numbers with the machine's description to `bench/results/<name>-<timestamp>.json` and `bench/results/latest.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, totalmem } from 'node:os';
import { join } from 'node:path';
import { engineInfo, initEngine } from '../src/engine/backend.js';
import { useEngineFromEnvironment } from '../src/engine/node-engine.js';
import {
  fileTimestamp,
  formatNotes,
  formatTable,
  parseBenchArgs,
  selectBenchmarks,
  tableRows,
  UsageError,
  USAGE,
  type BenchContext,
  type Outcome,
} from './harness.js';
import { peersDir, pythonPath, REPO_ROOT, runPeer } from './peer.js';
import { BENCHMARKS } from './registry.js';

const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');

const log = (message: string) => void process.stderr.write(message + '\n');

function machine(peers: { dir: string; python: string }, loadBefore: number[]) {
  const cpuList = cpus();
  return {
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: `${platform()} ${arch()}`,
    node: process.version,
    // Other work on the machine skews timings; the load average before and after says whether there was any.
    loadAverage: { before: loadBefore, after: loadavg() },
    engine: engineInfo(),
    peers,
  };
}

function save(outcomes: Outcome[], info: ReturnType<typeof machine>, argv: string[], date: Date): string[] {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = fileTimestamp(date);
  const common = { date: date.toISOString(), args: argv, machine: info };
  const files = outcomes.map((o) => {
    const file = join(RESULTS_DIR, `${o.name}-${stamp}.json`);
    writeFileSync(file, JSON.stringify({ ...common, benchmark: o }, null, 2) + '\n');
    return file;
  });
  const latest = join(RESULTS_DIR, 'latest.json');
  writeFileSync(latest, JSON.stringify({ ...common, benchmarks: outcomes }, null, 2) + '\n');
  return [...files, latest];
}

async function main(argv: string[]): Promise<number> {
  let args;
  let selected;
  try {
    args = parseBenchArgs(argv);
    selected = selectBenchmarks(BENCHMARKS, args.only);
    // The engine the environment asks for, as the command line chooses it.
    try {
      useEngineFromEnvironment();
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    log(`bench: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (args.list) {
    for (const b of BENCHMARKS) console.log(`${b.name.padEnd(12)} ${b.description}`);
    return 0;
  }

  const loadBefore = loadavg();
  const date = new Date();
  await initEngine();
  const peers = { dir: peersDir(), python: pythonPath() };
  const context: BenchContext = {
    steps: args.steps,
    peer: (script, peerArgs = []) => runPeer(script, peerArgs, peers),
    log,
  };
  const outcomes: Outcome[] = [];
  for (const benchmark of selected) {
    try {
      outcomes.push({ name: benchmark.name, result: await benchmark.run(context) });
    } catch (e) {
      outcomes.push({ name: benchmark.name, error: e instanceof Error ? e.message : String(e) });
    }
  }

  const info = machine(peers, loadBefore);
  console.log('\n' + formatTable(tableRows(outcomes)) + '\n');
  for (const note of formatNotes(outcomes)) console.log(note);
  console.log(
    `\n${info.cpus} x ${info.cpuModel}, Node ${info.node}, backend ${info.engine.backend} ` +
      `(${info.engine.threads} thread${info.engine.threads === 1 ? '' : 's'}; matrix products: ` +
      `${info.engine.matMul}), load average ` +
      `${info.loadAverage.before[0].toFixed(2)} before, ${info.loadAverage.after[0].toFixed(2)} after`,
  );
  if (args.save) for (const file of save(outcomes, info, argv, date)) console.log(`saved ${file}`);

  const failed = outcomes.some((o) => 'error' in o);
  const missed = outcomes.some((o) => 'result' in o && (o.result.targets ?? []).some((t) => !t.met));
  return failed || (args.strict && missed) ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
