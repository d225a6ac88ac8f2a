import { Command, Option } from 'commander';
import { BACKEND_CHOICES, initEngine, parseBackendChoice } from '../../engine/backend.js';
import type { CliIO } from '../io.js';

/** `latentlab info`: the backend in use, its threads and the library versions. */
export function infoCommand(io: CliIO): Command {
  return new Command('info')
    .description('print the TensorFlow.js backend in use, its threads and the library versions')
    .addOption(
      new Option(
        '--backend <name>',
        `force a backend: ${BACKEND_CHOICES.join(', ')} (default: LATENTLAB_BACKEND, else auto)`,
      ).argParser((v) => parseBackendChoice(v, '--backend')),
    )
    .option('--json', 'print JSON instead of text')
    .action(async (options: { backend?: (typeof BACKEND_CHOICES)[number]; json?: boolean }) => {
      const info = await initEngine({ backend: options.backend });
      if (options.json) {
        io.out(JSON.stringify(info, null, 2) + '\n');
        return;
      }
      const rows: [string, string | number][] = [
        ['backend', `${info.backend}${info.requested === 'auto' ? ' (auto)' : ''}`],
        ['threads', info.threads === 0 ? 'native (set by the backend)' : info.threads],
        ...(info.wasmBuild === 'none' ? [] : [['wasm build', info.wasmBuild] as [string, string]]),
        ...(info.backend === 'wasm' ? [['matrix products', info.matMul] as [string, string]] : []),
        ['wasm fix', info.wasmMatMulFix ? 'BatchMatMul transposes replaced (registered)' : 'not registered'],
        ...Object.entries(info.versions),
      ];
      io.out(rows.map(([name, value]) => `${name.padEnd(18)} ${value}`).join('\n') + '\n');
    });
}
