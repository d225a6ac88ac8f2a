// The studio's build: `vite build --config studio/vite.config.ts` writes the static site into dist/studio, with
// the wasm backend's binaries beside it in wasm/ (the worker points setWasmPaths there) and the embedded MNIST digits
// in data/mnist.bin. `npm run build` runs it.
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { readDigits } from '../src/data/mnist.js';
import { encodeMnistBytes } from './mnist-bytes.js';

const here = dirname(fileURLToPath(import.meta.url));
// LATENTLAB_STUDIO_OUT builds elsewhere (a second working copy's tests beside the first's).
const outDir = process.env.LATENTLAB_STUDIO_OUT ?? join(here, '..', 'dist', 'studio');

/** Copy @tensorflow/tfjs-backend-wasm's .wasm files into the built site's wasm/ folder. */
function wasmBinaries(): Plugin {
  return {
    name: 'latentlab-wasm-binaries',
    apply: 'build',
    closeBundle() {
      const require = createRequire(import.meta.url);
      const from = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
      mkdirSync(join(outDir, 'wasm'), { recursive: true });
      for (const file of readdirSync(from).filter((f) => f.endsWith('.wasm')))
        copyFileSync(join(from, file), join(outDir, 'wasm', file));
    },
  };
}

/** Write the embedded MNIST digits into the site's data/mnist.bin (see mnist-bytes.ts). */
function mnistDigits(): Plugin {
  return {
    name: 'latentlab-mnist-digits',
    apply: 'build',
    closeBundle() {
      mkdirSync(join(outDir, 'data'), { recursive: true });
      writeFileSync(join(outDir, 'data', 'mnist.bin'), encodeMnistBytes(readDigits()));
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  logLevel: 'warn',
  build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 8000 },
  worker: { format: 'es' },
  plugins: [wasmBinaries(), mnistDigits()],
});
