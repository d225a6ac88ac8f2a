/**
 * An error already worded for the command line, and the wrapper that words the errors of a command's action.
 */
import { formatError, type ErrorContext } from './errors.js';

/** An error whose message is the line to print as it is. */
export class CliError extends Error {
  override name = 'CliError';
}

/** Run a command's action, rewording any error it throws as one line in the user's terms (see `formatError`). */
export async function withErrorContext<T>(context: ErrorContext, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(formatError(e, context));
  }
}
