/**
 * `latentlab train <kind>`: train a model by gradient steps (a subcommand per kind of the families trained that
 * way, built from their option declarations), or continue one with `--resume`.
 */
import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import { runCommand } from '../run-command.js';

/** `latentlab train`. */
export function trainCommand(io: CliIO): Command {
  return runCommand(io, 'train');
}
