/**
 * Running the command line inside a test (not part of the library).
 */
import type { CliIO } from '../src/cli/io.js';
import { runCli } from '../src/cli/program.js';

/** Run `latentlab ARGS` in this process, capturing what it writes to stdout and stderr, and its exit code. */
export async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (s) => (out += s), err: (s) => (err += s) };
  const code = await runCli(args, io);
  return { code, out, err };
}
