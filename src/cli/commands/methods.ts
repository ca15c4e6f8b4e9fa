// `facepatch methods`: the sample-selection strategies (the paper's four methods).
import type { Command } from 'commander';
import { DEFAULT_SELECTION_PARAMS, selectionRegistry } from '../../attacks/selection/index.js';
import { sampleWeightingRegistry } from '../../attacks/sampleWeighting.js';
import { emit, formatTable } from '../output.js';

export function register(program: Command): void {
  program
    .command('methods')
    .description("list the patch optimisation methods (the paper's sample-selection strategies) and their defaults")
    .action((_options, command: Command) => {
      const strategies = selectionRegistry.values();
      const weightings = sampleWeightingRegistry.values();
      emit(
        command,
        {
          methods: strategies.map((s) => ({ name: s.name, paper: s.paperName, description: s.description })),
          defaults: DEFAULT_SELECTION_PARAMS,
          sampleWeightings: weightings.map((w) => ({ name: w.name, description: w.description })),
        },
        () =>
          formatTable(['name', 'paper', 'selection and loss'], strategies.map((s) => [s.name, s.paperName, s.description])) +
          '\n\n--sample-weighting (default sample):\n' +
          formatTable(['name', 'how the selected samples are averaged'], weightings.map((w) => [w.name, w.description])),
      );
    });
}
