/**
 * The static server of `latentlab studio`: the prebuilt site in `dist/studio` (built by `npm run build`; nothing is
 * built or downloaded at run time), with the content types a browser needs (`application/wasm` for the backend's
 * binaries, which `WebAssembly.instantiateStreaming` insists on), nothing outside the site's folder, and no caching
 * of `index.html`.
 *
 * It sends no COOP/COEP headers, so the page is not cross-origin isolated. Isolation would only let TensorFlow.js load
 * its threaded wasm build, which it caps at half the logical cores (one thread on this project's 2-core machines),
 * and whose pthreads cannot start from a bundle; the studio's worker asks for the single-threaded build in any case
 * (`studio/engine.ts`), so that the site also works from a host that isolates it.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * The built studio's folder: `dist/studio` of this package, found from the built command line (`dist/cli/`) or
 * from the sources (`src/cli/`, run by tsx). Null when it has not been built.
 */
export function studioDirectory(): string | null {
  const here = fileURLToPath(new URL('.', import.meta.url));
  for (const candidate of [join(here, '..', 'studio'), join(here, '..', '..', 'dist', 'studio')])
    if (existsSync(join(candidate, 'index.html'))) return resolve(candidate);
  return null;
}

/** A running studio server. */
export interface StudioServer {
  /** The page's address, `http://host:port/`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serve the folder `root` on `host:port` (port 0: any free one) until `close`.
 *
 * @example
 * const server = await serveStudio(studioDirectory()!, { port: 0 });
 * console.log(server.url); // http://127.0.0.1:40123/
 */
export async function serveStudio(
  root: string,
  { port = 5173, host = '127.0.0.1' }: { port?: number; host?: string } = {},
): Promise<StudioServer> {
  const base = resolve(root);
  const server: Server = createServer((request, response) => {
    void (async () => {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
      const file = normalize(join(base, path.endsWith('/') ? `${path}index.html` : path));
      if (file !== base && !file.startsWith(base + sep)) {
        response.writeHead(403).end('forbidden');
        return;
      }
      try {
        if (!(await stat(file)).isFile()) throw new Error('not a file');
        const body = await readFile(file);
        response.writeHead(200, {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'cache-control': extname(file) === '.html' ? 'no-cache' : 'max-age=3600',
        });
        response.end(request.method === 'HEAD' ? undefined : body);
      } catch {
        response.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
      }
    })();
  });
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ready());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}/`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
