/**
 * The `latentlab` command line. Each command lives in its own module under `commands/`; the training commands
 * (`train <kind>`, `fit <kind>`) and their help are built from the families' option declarations. `runCli` is the
 * testable entry (it takes the arguments and where to write), `main.ts` the executable one.
 */
import { Command, CommanderError } from 'commander';
import { latentlabVersion } from '../engine/version.js';
import { CliError } from './cli-error.js';
import { classifierCommand } from './commands/classifier.js';
import { dataCommand } from './commands/data.js';
import { docsCommand } from './commands/docs.js';
import { evalCommand } from './commands/eval.js';
import { fitCommand } from './commands/fit.js';
import { infoCommand } from './commands/info.js';
import { interpolateCommand } from './commands/interpolate.js';
import { probeCommand } from './commands/probe.js';
import { sampleCommand } from './commands/sample.js';
import { studioCommand } from './commands/studio.js';
import { trainCommand } from './commands/train.js';
import { formatError } from './errors.js';
import { processIO, type CliIO } from './io.js';

/** Give every command (and subcommand) the program's output and error handling. */
function configure(command: Command, io: CliIO): void {
  command.configureOutput({ writeOut: io.out, writeErr: io.err }).exitOverride().showHelpAfterError(false);
  for (const sub of command.commands) configure(sub, io);
}

/** Build the `latentlab` program. */
export function buildProgram(io: CliIO): Command {
  const program = new Command('latentlab')
    .description('Deep generative models as variational inference: train, evaluate, sample and explain.')
    .version(latentlabVersion());
  for (const make of [
    infoCommand,
    trainCommand,
    fitCommand,
    evalCommand,
    sampleCommand,
    interpolateCommand,
    probeCommand,
    studioCommand,
    classifierCommand,
    dataCommand,
    docsCommand,
  ])
    program.addCommand(make(io));
  // addCommand (unlike .command) does not pass these on: without them a subcommand's usage error exits the process.
  configure(program, io);
  return program;
}

/** Run the CLI on `argv` (without the node and script entries); resolves to the exit code. */
export async function runCli(argv: string[], io: CliIO = processIO): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    io.err(`latentlab: ${e instanceof CliError ? e.message : formatError(e)}\n`);
    return 1;
  }
}
