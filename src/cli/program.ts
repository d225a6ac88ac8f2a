/**
 * The `latentlab` command line. Each command lives in its own module and is registered here; `runCli` is the
 * testable entry (it takes the arguments and where to write), `main.ts` the executable one.
 */
import { Command, CommanderError } from 'commander';
import { latentlabVersion } from '../engine/version.js';
import { fitCommand } from './gmm-commands.js';
import { infoCommand } from './info.js';
import { evalCommand, interpolateCommand, sampleCommand, trainCommand } from './vae-commands.js';

/** Where a command writes: stdout for results, stderr for progress and errors. */
export interface CliIO {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const processIO: CliIO = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Build the `latentlab` program. */
export function buildProgram(io: CliIO): Command {
  const program = new Command('latentlab')
    .description('Deep generative models as variational inference: train, evaluate, sample and explain.')
    .version(latentlabVersion())
    .showHelpAfterError(false)
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride();
  program.addCommand(infoCommand(io));
  program.addCommand(trainCommand(io));
  program.addCommand(fitCommand(io));
  program.addCommand(evalCommand(io));
  program.addCommand(sampleCommand(io));
  program.addCommand(interpolateCommand(io));
  // addCommand (unlike .command) does not pass these on: without them a subcommand's usage error exits the process.
  for (const command of program.commands)
    command.configureOutput({ writeOut: io.out, writeErr: io.err }).exitOverride().showHelpAfterError(false);
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
    io.err(`latentlab: ${(e as Error).message.split('\n')[0]}\n`);
    return 1;
  }
}
