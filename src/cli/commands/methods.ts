// `facepatch methods`: the sample-selection strategies (the paper's four methods).
import type { Command } from 'commander';
import { DEFAULT_SCORE_LOSS, DEFAULT_SELECTION_PARAMS, scoreLossRegistry, selectionRegistry } from '../../attacks/selection/index.js';
import { sampleWeightingRegistry } from '../../attacks/sampleWeighting.js';
import { emit, formatTable } from '../output.js';

export function register(program: Command): void {
  program
    .command('methods')
    .description("list the patch optimisation methods (the paper's sample-selection strategies) and their defaults")
    .action((_options, command: Command) => {
      const strategies = selectionRegistry.values();
      const weightings = sampleWeightingRegistry.values();
      const scoreLosses = scoreLossRegistry.values();
      emit(
        command,
        {
          methods: strategies.map((s) => ({ name: s.name, paper: s.paperName, description: s.description })),
          defaults: DEFAULT_SELECTION_PARAMS,
          sampleWeightings: weightings.map((w) => ({ name: w.name, description: w.description })),
          scoreLosses: scoreLosses.map((l) => ({ name: l.name, description: l.description })),
        },
        () =>
          formatTable(['name', 'paper', 'selection and loss'], strategies.map((s) => [s.name, s.paperName, s.description])) +
          '\n\n--sample-weighting (default sample):\n' +
          formatTable(['name', 'how the selected samples are averaged'], weightings.map((w) => [w.name, w.description])) +
          `\n\n--score-loss (default ${DEFAULT_SCORE_LOSS}):\n` +
          formatTable(['name', 'how each selected score enters the loss'], scoreLosses.map((l) => [l.name, l.description])),
      );
    });
}
