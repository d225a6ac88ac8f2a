/**
 * The two ways to parametrise a discrete distribution, shared by `Bernoulli`, `Categorical` and
 * `RelaxedOneHotCategorical`: by `logits` (log-odds, or unnormalised log-probabilities) or by `probs`. Exactly one is
 * given and the other is derived, as in PyTorch and TensorFlow Probability.
 */
import type { TensorInput } from './distribution.js';

/** `{ logits }` or `{ probs }`, never both. */
export type LogitsOrProbs =
  { logits: TensorInput; probs?: undefined } | { probs: TensorInput; logits?: undefined };

/**
 * Which of `logits` and `probs` was given, and its value; an error naming both arguments unless exactly one was.
 * Checked at run time too, for callers that bypass the type (plain JavaScript, `as` casts).
 */
export function pickLogitsOrProbs(
  params: LogitsOrProbs,
  context: string,
): ['logits', TensorInput] | ['probs', TensorInput] {
  const given = params as { logits?: TensorInput; probs?: TensorInput } | undefined;
  const hasLogits = given?.logits !== undefined;
  const hasProbs = given?.probs !== undefined;
  if (hasLogits === hasProbs)
    throw new Error(
      `${context}: pass exactly one of the arguments 'logits' and 'probs', got ${hasLogits ? 'both' : 'neither'}`,
    );
  return hasLogits ? ['logits', given.logits as TensorInput] : ['probs', given?.probs as TensorInput];
}
