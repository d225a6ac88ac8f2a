// Checks that the package root (src/index.ts) runs in a browser: bundles it with esbuild for the browser platform,
// which resolves no Node built-in (node:fs, path, zlib, ...) unless a package's "browser" field maps it away, and
// fails naming the importing file of each one it reaches. `npm run check` runs it.
import { build } from 'esbuild';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const result = await build({
  entryPoints: [join(root, 'src/index.ts')],
  bundle: true,
  platform: 'browser',
  format: 'esm',
  write: false,
  metafile: true,
  logLevel: 'silent',
}).catch((e) => e);

const errors = (result.errors ?? []).map(
  (e) => `${e.location ? `${relative(root, e.location.file)}: ` : ''}${e.text}`,
);
if (errors.length > 0) {
  console.error('src/index.ts does not bundle for the browser (the core must import no Node module):');
  for (const line of errors) console.error(`  ${line}`);
  process.exit(1);
}
const inputs = Object.keys(result.metafile.inputs).length;
const bytes = result.outputFiles[0].contents.length;
console.log(
  `browser bundle of src/index.ts: ${inputs} modules, ${(bytes / 2 ** 20).toFixed(1)} MiB, no Node built-ins`,
);
