/**
 * Where the command line writes: results to one stream, progress and errors to the other. Every command module
 * takes a `CliIO`, so that the tests run the commands in-process and read what they wrote.
 */

/** Where a command writes: `out` for results, `err` for progress and errors. */
export interface CliIO {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** The process's standard output and error. */
export const processIO: CliIO = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/**
 * The stream training progress goes to: the process's standard error itself when it is a terminal (a live bar),
 * else `io.err` as plain lines (a log, a test).
 */
export function progressStream(
  io: CliIO,
): NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean } {
  if (io === processIO && process.stderr.isTTY) return process.stderr;
  return { write: (s: string) => io.err(s), isTTY: false };
}
