/**
 * The feature classifiers of the sample metrics, for Node: the ones shipped in the package (`classifiers/<data>.safetensors`,
 * each trained by `npm run classifiers`), and classifier files of the user's own (`latentlab classifier -o FILE`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../io/atomic.js';
import {
  decodeClassifier,
  encodeClassifier,
  type ClassifierInfo,
  type FeatureClassifier,
} from './classifier.js';
import { MetricArgumentError } from './errors.js';

/** The data sets a classifier ships for. */
export const SHIPPED_CLASSIFIERS = ['mnist', 'fashion-mnist'] as const;

/**
 * Data sets that use another's shipped classifier: full MNIST holds the same kind of digits as the embedded ones,
 * so its samples are scored on the same features (and its numbers compare with theirs).
 */
export const CLASSIFIER_OF: Readonly<Record<string, (typeof SHIPPED_CLASSIFIERS)[number]>> = {
  'mnist-full': 'mnist',
};

/** The path of the classifier shipped for `data` (whether or not the file exists). */
export function shippedClassifierPath(data: string): string {
  return fileURLToPath(new URL(`../../classifiers/${data}.safetensors`, import.meta.url));
}

/** Read a classifier file. */
export function readClassifier(path: string): { classifier: FeatureClassifier; info: ClassifierInfo } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new MetricArgumentError(
      `classifier ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    );
  }
  return decodeClassifier(bytes, path);
}

/**
 * The classifier for data set `data`: the file `path` when given, else the one shipped for `data` (for
 * `mnist-full`, MNIST's; see {@link CLASSIFIER_OF}). A data set without a shipped classifier (`idx:DIR`) is an
 * error that says how to train one.
 */
export function classifierFor(
  dataName: string,
  path?: string,
): { classifier: FeatureClassifier; info: ClassifierInfo; path: string } {
  if (path !== undefined) return { ...readClassifier(path), path };
  const data = Object.hasOwn(CLASSIFIER_OF, dataName) ? CLASSIFIER_OF[dataName] : dataName;
  if (!(SHIPPED_CLASSIFIERS as readonly string[]).includes(data))
    throw new MetricArgumentError(
      `no classifier ships for data '${data}' (only for ${SHIPPED_CLASSIFIERS.join(', ')}): train one with ` +
        `'latentlab classifier --data ${data} -o FILE' and pass --classifier FILE`,
    );
  const shipped = shippedClassifierPath(data);
  if (!existsSync(shipped))
    throw new MetricArgumentError(
      `the classifier for '${data}' is missing from the package (${shipped}); 'npm run classifiers' trains it`,
    );
  return { ...readClassifier(shipped), path: shipped };
}

/** Write a classifier file atomically. */
export async function writeClassifier(
  path: string,
  classifier: FeatureClassifier,
  info: ClassifierInfo,
): Promise<void> {
  await writeFileAtomic(path, encodeClassifier(classifier, info));
}
