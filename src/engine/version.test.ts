import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { latentlabVersion } from './version.js';

describe('latentlabVersion', () => {
  it("is package.json's version (bump both together)", () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(latentlabVersion()).toBe(pkg.version);
  });
});
