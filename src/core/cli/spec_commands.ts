import type { Command } from 'commander';
import { stringify } from 'yaml';
import { COMPONENT_KINDS, type ComponentKind } from '../../registry/component.js';
import { createRegistry } from '../../registry/container.js';
import { formatProblem } from '../spec/errors.js';
import { resolveSpecFile, schemaFor } from '../spec/resolve.js';
import { describe } from '../spec/validate.js';
import { planStages } from '../spec/expand.js';
import type { JsonSchema } from '../spec/schema.js';
import { collectSets, UsageError } from './common.js';

export function registerSpecCommands(program: Command): void {
  program
    .command('validate')
    .description('check spec files without loading TensorFlow; every problem as FILE:LINE:COL: path: message (exit 2 if any)')
    .argument('<files...>', 'spec files')
    .option('--set <key=value>', 'override a key (YAML value); repeatable', collectSets, [])
    .action(async (files: string[], opts: { set: string[] }) => {
      let invalid = 0;
      for (const file of files) {
        const r = await resolveSpecFile(file, { sets: opts.set });
        for (const p of r.environment) process.stderr.write(`${formatProblem({ ...p, message: `warning: ${p.message} (needed to run)` })}\n`);
        if (r.problems.length === 0) console.log(`${file}: ok`);
        else {
          invalid++;
          for (const p of r.problems) process.stderr.write(`${formatProblem(p)}\n`);
        }
      }
      if (invalid > 0) {
        process.stderr.write(`${invalid} of ${files.length} spec${files.length === 1 ? '' : 's'} invalid\n`);
        throw new UsageError(null);
      }
    });

  program
    .command('show')
    .description('print the fully resolved spec (defaults filled, extends and --set applied) as YAML')
    .argument('<file>', 'spec file')
    .option('--set <key=value>', 'override a key (YAML value); repeatable', collectSets, [])
    .option('--stages', 'print the stage plan instead: each stage\'s block, width, sizes, head and training')
    .action(async (file: string, opts: { set: string[]; stages?: boolean }) => {
      const r = await resolveSpecFile(file, { sets: opts.set });
      if (!r.spec) {
        for (const p of r.problems) process.stderr.write(`${formatProblem(p)}\n`);
        throw new UsageError(null);
      }
      if (opts.stages) {
        const shape = r.registry.get('dataset', r.spec.dataset.type).inputShape?.(r.spec.dataset as never);
        if (!shape) throw new UsageError(`dataset ${r.spec.dataset.type} does not say its image size without loading it`);
        const params = (c: Record<string, unknown>) => Object.entries(c).filter(([k]) => k !== 'type').map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ');
        console.log(`input ${shape.join('x')}${r.spec.model.input_downsample ? ' (invertible downsampling of the input)' : ''}\n`);
        console.log('| stage | block | downsample | in | width | out | head | epochs | optimizer | schedule |\n|---|---|---|---|---|---|---|---|---|---|');
        for (const p of planStages(r.spec, shape)) {
          console.log(`| ${p.index} | ${p.block.type} | ${String(p.block.downsample ?? 'none')} | ${p.inSpatial}x${p.inSpatial}x${p.inChannels} | ${p.width} | ` +
            `${p.outSpatial}x${p.outSpatial} | ${p.head.type} ${params(p.head)} | ${p.epochs} | ${p.optimizer.type} lr=${String(p.optimizer.lr)} | ${p.schedule.type} |`);
        }
        return;
      }
      process.stdout.write(`# resolved from ${file}${opts.set.map((s) => ` --set ${s}`).join('')}\n${stringify(r.spec)}`);
    });

  program
    .command('list')
    .description('list registered components with their params, defaults and summaries')
    .argument('[kind]', `one of ${COMPONENT_KINDS.join(', ')}`)
    .action((kind?: string) => {
      if (kind && !COMPONENT_KINDS.includes(kind as ComponentKind)) {
        throw new UsageError(`unknown kind '${kind}'; kinds are ${COMPONENT_KINDS.join(', ')}`);
      }
      const registry = createRegistry();
      const schema = schemaFor(registry);
      for (const k of kind ? [kind as ComponentKind] : COMPONENT_KINDS) {
        console.log(`${k}s:`);
        for (const d of registry.list(k)) {
          console.log(`  ${d.name}: ${d.summary}`);
          for (const [name, prop] of Object.entries((JSON.parse(JSON.stringify(d.params)).properties ?? {}) as Record<string, JsonSchema>)) {
            const dflt = 'default' in prop ? ` = ${JSON.stringify(prop.default)}` : ' (required)';
            console.log(`      ${name}${dflt}  [${describe(prop, schema)}]  ${prop.description ?? ''}`);
          }
        }
      }
    });
}
