// Builds latentlab's native matrix product for Node (src/engine/native/gemm.cc) into build/native/, at install
// (npm's `prepare`) and at build. It is optional: where there is no C++ compiler, no Node headers, or the machine is
// not x86-64, it says why in one line and exits 0, and latentlab runs its products on the wasm backend as before.
// The compiler is called directly (no node-gyp, which would download Node's headers when they are not installed).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src/engine/native/gemm.cc');
const outDir = join(root, 'build/native');
const out = join(outDir, 'latentlab_native.node');

function skip(reason) {
  console.log(`latentlab: native matrix product not built (${reason}); products run on the wasm backend`);
  process.exit(0);
}

if (process.env.LATENTLAB_NATIVE === '0') skip('LATENTLAB_NATIVE=0');
if (process.arch !== 'x64') skip(`it needs an x86-64 processor, this is ${process.arch}`);
if (process.platform !== 'linux' && process.platform !== 'darwin')
  skip(`it is built on Linux and macOS, this is ${process.platform}`);

// Node's headers: beside the running node (official builds and Debian's), else npm's nodedir.
const candidates = [join(dirname(process.execPath), '../include/node')];
if (process.env.npm_config_nodedir) candidates.push(join(process.env.npm_config_nodedir, 'include/node'));
const include = candidates.find((dir) => existsSync(join(dir, 'node_api.h')));
if (include === undefined) skip(`no node_api.h in ${candidates.join(' or ')}`);

const compiler = process.env.CXX || 'c++';
const args = [
  '-O3',
  '-std=c++17',
  '-shared',
  '-fPIC',
  '-pthread',
  '-fvisibility=hidden',
  '-DNODE_GYP_MODULE_NAME=latentlab_native',
  `-I${include}`,
  source,
  ...(process.platform === 'darwin' ? ['-undefined', 'dynamic_lookup'] : []),
];
mkdirSync(outDir, { recursive: true });
// Compiled to a temporary name and renamed, so a failed build never leaves a half-written module behind.
const temp = `${out}.${process.pid}.tmp`;
try {
  execFileSync(compiler, [...args, '-o', temp], { stdio: ['ignore', 'ignore', 'pipe'] });
} catch (e) {
  rmSync(temp, { force: true });
  rmSync(out, { force: true }); // an older build would not match this source
  const detail =
    e.code === 'ENOENT' ? `no compiler '${compiler}'` : String(e.stderr ?? e.message).split('\n')[0];
  skip(`${compiler} failed: ${detail}`);
}
renameSync(temp, out);
console.log(`latentlab: built the native matrix product (${out.slice(root.length + 1)})`);
