/**
 * `latentlab fit <kind>`: fit a model to its whole training set at once (EM for the Gaussian mixtures), a
 * subcommand per kind of the families fitted that way.
 */
import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import { runCommand } from '../run-command.js';

/** `latentlab fit`. */
export function fitCommand(io: CliIO): Command {
  return runCommand(io, 'fit');
}
