/**
 * Errors as the command line prints them: one line, naming the flag or config key the user wrote (never an internal
 * name), with the advice only a command line can give (`--resume DIR`, `--lr`). The library's errors say what is
 * wrong; this module says it in the user's words.
 */
import { flagOf, OptionError, type OptionSpec } from '../train/options.js';
import { RunDirectoryError } from '../train/run-directory.js';
import { TrainingDivergedError } from '../train/run.js';

/** What the command knows about where its options came from, to word errors. */
export interface ErrorContext {
  /** The command as the user typed it (`train vae`), for "not an option of ...". */
  command?: string;
  /** The options of the command, to find an option's flag. */
  specs?: readonly OptionSpec[];
  /** The `--config` file, for errors in its values. */
  configPath?: string;
  /** Whether the command can continue a run (`--resume`). */
  resumable?: boolean;
  /** Whether the family has a `--lr` option, for advice after a diverged run. */
  hasLearningRate?: boolean;
}

/** How the user wrote option `name`: its flag, or its key in the config file. */
function spelling(error: OptionError, context: ErrorContext): string {
  const spec =
    context.specs?.find((s) => s.name === error.option) ??
    context.specs?.find((s) => s.configKey === error.option);
  if (error.source === 'config' && context.configPath !== undefined)
    return `${context.configPath}: '${error.option}'`;
  return spec !== undefined || /^[a-z][A-Za-z]*$/.test(error.option)
    ? flagOf(spec ?? { name: error.option })
    : error.option;
}

/**
 * `text` with each quoted option name of the command (`'prior'`, as the library writes them) as its flag (`--prior`),
 * the form the user types; in a config file's error, the names stay as the file has them.
 */
function inUserTerms(text: string, context: ErrorContext): string {
  if (context.configPath !== undefined && text.startsWith(`${context.configPath}:`)) return text;
  return text.replace(/'([a-z][A-Za-z]*)'/g, (quoted, name: string) => {
    const spec = context.specs?.find((s) => s.name === name);
    return spec === undefined ? quoted : flagOf(spec);
  });
}

/** The one line the command line prints for `error`. */
export function formatError(error: unknown, context: ErrorContext = {}): string {
  return inUserTerms(worded(error, context), context);
}

function worded(error: unknown, context: ErrorContext): string {
  if (error instanceof OptionError) return `${spelling(error, context)} ${error.reason}`;
  if (error instanceof RunDirectoryError) {
    if (error.problem === 'not-empty')
      return error.resumable && context.resumable
        ? `--out ${error.path} is not empty; continue that run with --resume ${error.path} or pick another --out`
        : `--out ${error.path} is not empty (and holds no run this command can continue); pick another --out`;
    if (error.problem === 'not-a-directory') return `--out ${error.path} is a file, not a directory`;
    return error.message;
  }
  if (error instanceof TrainingDivergedError) {
    const lr = context.hasLearningRate ? 'a lower --lr' : 'a smaller learning rate';
    return error.lastGoodEpoch > 0
      ? `${error.message}; resume with --resume ${error.runDir}, perhaps with ${lr}`
      : `${error.message}; try ${lr}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}
