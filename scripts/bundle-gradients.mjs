// Bundles TensorFlow.js's gradient registrations into one ESM file that Node can load.
//
// @tensorflow/tfjs-core ships its gradients only in its ESM build (dist/register_all_gradients.js), whose
// extensionless relative imports Node's ESM loader rejects; its CommonJS bundle has none. @tensorflow/tfjs solves
// this by bundling them into its own build; we do the same, into src/engine/generated/ (ignored by git), at install
// (npm's `prepare`) and at build. The bundled ops reach the one engine and registries through TensorFlow.js's
// globals, so they act on the same backends and tensors as @tensorflow/tfjs-core.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const entry = join(
  dirname(require.resolve('@tensorflow/tfjs-core/package.json')),
  'dist/register_all_gradients.js',
);
const outfile = join(root, 'src/engine/generated/gradients.js');

await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2020',
  minify: true,
  legalComments: 'inline',
  logLevel: 'warning',
});
if (process.argv.includes('--dist')) {
  mkdirSync(join(root, 'dist/engine/generated'), { recursive: true });
  copyFileSync(outfile, join(root, 'dist/engine/generated/gradients.js'));
}
console.log(`bundled TensorFlow.js gradients into ${outfile}`);
