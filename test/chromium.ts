/**
 * The built studio in a real Chromium, as the browser tests and the page-speed benchmark open it: Debian's
 * `chromium` driven by playwright-core, headless, with the flags that keep it from reaching for the network
 * (`../shared/ENVIRONMENT.md`).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { studioDirectory } from '../src/cli/studio-server.js';

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

/** Why the studio cannot be opened in Chromium here, or null when it can. */
export function browserMissing(dir = studioUnderTest()): string | null {
  if (dir === null) return 'the studio is not built (npm run build)';
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM}`;
  return null;
}

/** Start Chromium with {@link CHROMIUM_ARGS}. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
