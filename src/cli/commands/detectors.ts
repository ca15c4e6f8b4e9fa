import type { Command } from 'commander';
import { listDetectors } from '../../detectors/registry.js';
import { emit, formatTable } from '../output.js';

export function register(program: Command): void {
  program
    .command('detectors')
    .description('list the registered face detectors: names, families, input sizes and where the weights come from')
    .action(async (_options, command: Command) => {
      const entries = await listDetectors();
      const document = {
        detectors: entries.map(({ name, family, inputDescription, weightsSource, published }) => ({
          name,
          family,
          input: inputDescription,
          weights: weightsSource,
          published: published ?? null,
        })),
      };
      emit(command, document, () =>
        entries.length === 0
          ? 'no detectors registered'
          : formatTable(
              ['name', 'family', 'input', 'weights'],
              entries.map((e) => [e.name, e.family, e.inputDescription, e.weightsSource]),
            ),
      );
    });
}
