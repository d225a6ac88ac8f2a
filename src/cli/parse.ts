/**
 * Flag parsers for commander: each turns a string into a checked value or throws an `InvalidArgumentError` whose
 * message says what the flag expects, so every bad flag gives one line and a non-zero exit.
 */
import { InvalidArgumentError } from 'commander';

/** A positive integer (`--epochs`, `--batch-size`, ...). */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\s*\+?\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError(`expected a positive integer, got '${value}'`);
  return n;
}

/** An integer >= 0 (`--seed`, `--iw`). */
export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\s*\+?\d+\s*$/.test(value) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError(`expected an integer >= 0, got '${value}'`);
  return n;
}

/** A finite number > 0 (`--lr`). */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`expected a positive number, got '${value}'`);
  return n;
}

/** A finite number >= 0 (`--beta`, `--warmup`). */
export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError(`expected a number >= 0, got '${value}'`);
  return n;
}

/** Comma-separated positive integers (`--hidden 512,256`). */
export function intList(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1))
    throw new InvalidArgumentError(
      `expected comma-separated positive integers such as 512,256, got '${value}'`,
    );
  return parts.map(Number);
}

/** One of `choices`. */
export function choice<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!choices.includes(value as T))
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got '${value}'`);
    return value as T;
  };
}
