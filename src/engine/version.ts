import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** latentlab's own version, read from its package.json (two folders up from both `src/engine` and `dist/engine`). */
export function latentlabVersion(): string {
  if (cached === undefined) {
    const url = new URL('../../package.json', import.meta.url);
    cached = (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  }
  return cached;
}
