/**
 * What `latentlab train <kind>` and `latentlab fit <kind>` share: one subcommand per kind, built from its family's
 * option declarations (so `--help` lists only the options that kind uses, with its defaults); the options given on
 * the command line over those of `--config`; the run started or resumed; its report.
 */
import { Command, Option } from 'commander';
import { BACKEND_CHOICES, initEngine, type BackendChoice } from '../engine/backend.js';
import { allKinds, FAMILIES } from '../families/index.js';
import type { Family } from '../families/family.js';
import { formatNumber } from '../train/callbacks.js';
import { flagOf, usedBy, type GivenOption, type OptionSpec } from '../train/options.js';
import { optionsOf } from '../train/run-options.js';
import { resumeRun, startRun, type RunResult } from '../train/run.js';
import { CliError, withErrorContext } from './cli-error.js';
import { addOptions, givenFlags, readConfigFile } from './options.js';
import { progressStream, type CliIO } from './io.js';
import { runName } from './run-name.js';

/** The flags of a run command that are not options of the model or the run. */
interface CommandFlags {
  out?: string;
  resume?: string;
  config?: string;
  backend?: BackendChoice;
  pictures?: boolean;
}

/** The options of `family` that `kind` takes on the `train`/`fit` command, in declaration order. */
export function kindOptions(family: Family, kind: string): OptionSpec[] {
  return optionsOf(family).filter((spec) => usedBy(spec, kind, 'train'));
}

/**
 * A subcommand whose unknown flags get a message naming the kind (and the kinds that do take the flag), instead of
 * commander's bare "unknown option".
 */
class KindCommand extends Command {
  constructor(
    name: string,
    private readonly path: string,
  ) {
    super(name);
  }

  unknownOption(flag: string): never {
    const bare = flag.split('=')[0];
    const users = [
      ...new Set(
        FAMILIES.flatMap((f) =>
          optionsOf(f)
            .filter((s) => (s.command ?? 'train') === 'train')
            .filter((s) => flagOf(s) === bare || `--no-${flagOf(s).slice(2)}` === bare)
            .flatMap((s) => (s.kinds ?? f.kinds.map((k) => k.name)).filter((k) => allKinds().includes(k))),
        ),
      ),
    ];
    const hint = users.length > 0 ? ` (it is an option of ${users.join(', ')})` : '';
    this.error(`error: ${bare} is not an option of ${this.path}${hint}`, { code: 'commander.unknownOption' });
  }
}

/** `train` or `fit`, which points a kind of the other verb to it. */
class VerbCommand extends Command {
  unknownCommand(): never {
    const name = this.args[0];
    const other = this.name() === 'train' ? 'fit' : 'train';
    const family = FAMILIES.find((f) => f.kinds.some((k) => k.name === name));
    const hint =
      family !== undefined
        ? `; ${name} is ${family.training === 'fit' ? 'fitted' : 'trained'}: latentlab ${other} ${name}`
        : ` (expected one of ${this.commands.map((c) => c.name()).join(', ')})`;
    this.error(`error: unknown kind '${name}' for ${this.name()}${hint}`, {
      code: 'commander.unknownCommand',
    });
  }
}

/** The headline of a finished run: its scalar metrics, then the files it wrote. */
export function reportRun(io: CliIO, result: RunResult): void {
  const s = result.summary;
  const metrics = Object.entries(s)
    .filter(
      ([k, v]) => /^(test|train)_/.test(k) && k !== 'test_n' && k !== 'train_n' && typeof v === 'number',
    )
    .slice(0, 8)
    .map(([k, v]) => `${k} ${formatNumber(v as number)}`);
  if (metrics.length > 0) io.out(`${String(s.kind)} on ${String(s.data)}: ${metrics.join(', ')}\n`);
  io.out(`run directory: ${result.outDir}\n`);
  for (const p of [
    `${result.outDir}/summary.json`,
    `${result.outDir}/metrics.jsonl`,
    `${result.outDir}/checkpoint`,
    ...result.pictures,
  ])
    io.out(`  ${p}\n`);
}

/** The options the user gave: those of `--config`, then the flags (which win). */
function givenOptions(
  command: Command,
  keys: Map<string, OptionSpec>,
  specs: readonly OptionSpec[],
  flags: CommandFlags,
  what: string,
): { given: Record<string, GivenOption>; out?: string } {
  const fromConfig = flags.config === undefined ? {} : readConfigFile(flags.config, specs, what, ['out']);
  const { out: outFromConfig, ...configOptions } = fromConfig;
  const given = { ...configOptions, ...givenFlags(command, keys) };
  const out = flags.out ?? (outFromConfig?.value as string | undefined);
  if (outFromConfig !== undefined && typeof outFromConfig.value !== 'string')
    throw new CliError(`${flags.config}: 'out' must be a directory name`);
  return { given, out };
}

/** One subcommand of `train` or `fit`: `verb kind`. */
function kindCommand(
  io: CliIO,
  verb: 'train' | 'fit',
  family: Family,
  kind: string,
  description: string,
): Command {
  const path = `${verb} ${kind}`;
  const command = new KindCommand(kind, path).description(description);
  const specs = kindOptions(family, kind);
  const keys = addOptions(command, specs, kind);
  const resumable = family.training === 'steps';
  command.option('--out <dir>', `run directory (default runs/${kind}-<time>)`);
  if (resumable) command.option('--resume <dir>', 'continue the run in <dir> from its last checkpoint');
  command
    .option('--config <file>', 'a JSON file of options by name, such as {"latent": 2} (flags given here win)')
    .addOption(new Option('--backend <name>', 'force a TensorFlow.js backend').choices(BACKEND_CHOICES))
    .option('--no-pictures', 'skip the pictures')
    .action(async (flags: CommandFlags) => {
      const context = {
        command: path,
        specs,
        configPath: flags.config,
        resumable,
        hasLearningRate: specs.some((s) => s.name === 'lr'),
      };
      await withErrorContext(context, async () => {
        const { given, out } = givenOptions(command, keys, specs, flags, path);
        const startEngine = (f: Family) =>
          f.engine === 'tfjs'
            ? initEngine({ backend: flags.backend }).then(() => undefined)
            : Promise.resolve();
        const runIO = {
          progress: { stream: progressStream(io), label: kind },
          log: (line: string) => io.err(`${line}\n`),
          pictures: flags.pictures,
        };
        if (flags.resume !== undefined) {
          if (out !== undefined && out !== flags.resume)
            throw new CliError(
              `--out ${out} contradicts --resume ${flags.resume}: a resumed run stays in its directory`,
            );
          reportRun(
            io,
            await resumeRun({ dir: flags.resume, kind, given, beforeCreate: startEngine }, runIO),
          );
          return;
        }
        await startEngine(family);
        reportRun(io, await startRun({ family, kind, given, out: out ?? runName(kind) }, runIO));
      });
    });
  return command;
}

/** `latentlab train` or `latentlab fit`: a subcommand for every kind of the families trained that way. */
export function runCommand(io: CliIO, verb: 'train' | 'fit'): Command {
  const training = verb === 'train' ? 'steps' : 'fit';
  const families = FAMILIES.filter((f) => f.training === training);
  const command = new VerbCommand(verb).description(
    verb === 'train'
      ? 'train a model by gradient steps and write its checkpoint, metrics, summary and pictures into --out'
      : 'fit a model to its whole training set (EM) and write its checkpoint, summary and pictures into --out',
  );
  for (const family of families)
    for (const { name, description } of family.kinds)
      command.addCommand(kindCommand(io, verb, family, name, description));
  return command;
}
