/**
 * `latentlab studio`: serve the prebuilt browser studio on localhost and print its address; `--open` opens it in a
 * browser where one exists. The page trains in a Web Worker on the library's own code.
 */
import { spawn } from 'node:child_process';
import { Command } from 'commander';
import { CliError, withErrorContext } from '../cli-error.js';
import type { CliIO } from '../io.js';
import { addOptions } from '../options.js';
import { serveStudio, studioDirectory } from '../studio-server.js';
import type { OptionSpec } from '../../train/options.js';

const OPTIONS: readonly OptionSpec[] = [
  {
    name: 'port',
    type: 'integer',
    min: 0,
    max: 65535,
    default: 5173,
    placeholder: '<n>',
    help: 'the port (0: any free one)',
  },
  {
    name: 'host',
    type: 'string',
    default: '127.0.0.1',
    placeholder: '<address>',
    help: 'the address to listen on',
  },
];

/** Open `url` in the desktop's browser, where there is one; true when a command to do it was found. */
function openInBrowser(url: string): boolean {
  const command =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}

/** `latentlab studio`. */
export function studioCommand(io: CliIO): Command {
  const command = new Command('studio').description(
    'serve the browser studio (training live in the page, on the same library) and print its address',
  );
  addOptions(command, OPTIONS, '');
  command
    .option('--open', 'open the studio in a browser')
    .action(async (flags: { port?: number; host?: string; open?: boolean }) => {
      await withErrorContext({ command: 'studio', specs: OPTIONS }, async () => {
        const dir = studioDirectory();
        if (dir === null)
          throw new CliError(
            'the studio is not built: run `npm run build` in the package (it writes dist/studio)',
          );
        let server;
        try {
          server = await serveStudio(dir, { port: flags.port ?? 5173, host: flags.host ?? '127.0.0.1' });
        } catch (e) {
          const code = (e as { code?: string }).code;
          if (code === 'EADDRINUSE')
            throw new CliError(`--port ${flags.port ?? 5173} is in use; choose another, or 0 for any`);
          throw e;
        }
        io.out(`latentlab studio at ${server.url} (Ctrl-C stops it)\n`);
        if (flags.open === true && !openInBrowser(server.url))
          io.err('no browser to open; visit the address above\n');
        await new Promise<void>((stop) => process.once('SIGINT', () => void server.close().then(stop)));
      });
    });
  return command;
}
