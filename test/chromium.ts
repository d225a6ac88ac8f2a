/**
 * The built studio in a real Chromium, as the browser tests and the page-speed benchmark open it: Debian's
 * `chromium` driven by playwright-core, headless, with the flags that keep it from reaching for the network
 * (`../shared/ENVIRONMENT.md`).
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serveStudio, studioDirectory, type StudioServer } from '../src/cli/studio-server.js';

/** The browser: `LATENTLAB_CHROMIUM`, else Debian's. */
export const CHROMIUM = process.env.LATENTLAB_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Headless, no sandbox (CI runs as root), no GPU process (WebGL still runs, in software: SwiftShader), and none of
 * the background traffic Chromium would keep retrying without a network.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The built studio to open: `LATENTLAB_STUDIO_DIR` (a studio built elsewhere with `LATENTLAB_STUDIO_OUT`, see
 * studio/vite.config.ts), else the package's `dist/studio`; null when it is not built.
 */
export function studioUnderTest(): string | null {
  return process.env.LATENTLAB_STUDIO_DIR ?? studioDirectory();
}

/**
 * Why the studio cannot be opened in Chromium here, or null when it can. Under LATENTLAB_REQUIRE_BROWSER=1 (CI) a
 * reason throws instead, so that the browser tests fail rather than skip.
 */
export function browserMissing(dir = studioUnderTest()): string | null {
  const missing =
    dir === null
      ? 'the studio is not built (npm run build)'
      : !existsSync(CHROMIUM)
        ? `no Chromium at ${CHROMIUM}`
        : null;
  if (missing !== null && process.env.LATENTLAB_REQUIRE_BROWSER === '1')
    throw new Error(`LATENTLAB_REQUIRE_BROWSER=1, but ${missing}`);
  return missing;
}

/** Start Chromium with {@link CHROMIUM_ARGS}. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A page of the studio, and every console error and uncaught exception it has had. */
export interface StudioPage {
  page: Page;
  errors: string[];
}

/**
 * Serve the studio in `dir` and start Chromium for the tests of the enclosing `describe` (closed after them), and
 * open pages at a query string: `prepare` runs before the page loads (to route its requests, say).
 */
export function studioInChromium(dir: string): {
  url: () => string;
  open: (query?: string, prepare?: (page: Page) => Promise<unknown>) => Promise<StudioPage>;
} {
  let server: StudioServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await serveStudio(dir, { port: 0 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    url: () => server!.url,
    async open(query = '', prepare) {
      const page = await browser!.newPage({ viewport: { width: 1120, height: 800 } });
      const errors: string[] = [];
      page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
      page.on('pageerror', (e) => errors.push(e.message));
      await prepare?.(page);
      await page.goto(`${server!.url}${query}`);
      return { page, errors };
    },
  };
}
