/**
 * `latentlab docs`: the reference of every kind's options, in Markdown, built from the same declarations as the
 * command line and `--config` (docs/options.md is its output; a test keeps them equal).
 */
import { Command } from 'commander';
import { FAMILIES } from '../../families/index.js';
import type { Family } from '../../families/family.js';
import { expected, flagOf, type OptionSpec } from '../../train/options.js';
import type { CliIO } from '../io.js';
import { describeDefault } from '../options.js';
import { kindOptions } from '../run-command.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function row(spec: OptionSpec, kind: string): string {
  const value = spec.type === 'choice' ? (spec.choices ?? []).join(', ') : expected(spec);
  const applies = [
    spec.data === undefined ? '' : `${spec.data === 'image' ? 'images' : 'vectors'} only`,
    spec.when === undefined
      ? ''
      : `with \`${flagOf({ name: spec.when.option })} ${spec.when.is.join(' or ')}\``,
  ]
    .filter((s) => s !== '')
    .join('; ');
  const fallback = describeDefault(spec, kind) ?? '';
  return `| \`${flagOf(spec)}\` | \`${spec.name}\` | ${cell(value)} | ${cell(fallback)} | ${cell(
    [spec.help, applies].filter((s) => s !== '').join(' ('),
  )}${applies === '' ? '' : ')'} |`;
}

/** The Markdown reference of `families`' kinds and options. */
export function optionsMarkdown(families: readonly Family[] = FAMILIES): string {
  const lines = [
    '# Options',
    '',
    'Every option of every kind, as `latentlab train <kind>` and `latentlab fit <kind>` take them; a `--config` file',
    'takes the same options by name (the second column). Defaults that differ between images and vectors (2-D',
    'densities, tables) are given for both. This page is the output of `latentlab docs`.',
  ];
  for (const family of families) {
    const verb = family.training === 'steps' ? 'train' : 'fit';
    lines.push('', `## ${family.name}: ${family.description}`);
    for (const kind of family.kinds) {
      lines.push('', `### \`latentlab ${verb} ${kind.name}\``, '', `${kind.description}.`, '');
      lines.push('| flag | config key | value | default | what |', '| --- | --- | --- | --- | --- |');
      for (const spec of kindOptions(family, kind.name)) lines.push(row(spec, kind.name));
      const evaluation = family.options.filter(
        (s) => s.command === 'eval' && (s.kinds === undefined || s.kinds.includes(kind.name)),
      );
      if (evaluation.length > 0) {
        lines.push('', `\`latentlab eval\` of a ${kind.name} run also takes:`, '');
        lines.push('| flag | config key | value | default | what |', '| --- | --- | --- | --- | --- |');
        for (const spec of evaluation) lines.push(row(spec, kind.name));
      }
    }
  }
  return lines.join('\n') + '\n';
}

/** `latentlab docs`. */
export function docsCommand(io: CliIO): Command {
  return new Command('docs')
    .description("print the reference of every kind's options in Markdown (docs/options.md)")
    .action(() => io.out(optionsMarkdown()));
}
