// The facepatch CLI: thin. It parses flags, calls the library, draws progress, writes outputs.
import { Command, CommanderError } from 'commander';
import { FacepatchError } from '../util/errors.js';
import { packageVersion } from '../config/provenance.js';
import { commandModules } from './commands/index.js';

export function buildProgram(): Command {
  const program = new Command('facepatch')
    .description('Universal adversarial patches against face detectors (Yang et al., ECCV 2020): design, optimise, evaluate, interpret.')
    .version(packageVersion())
    .option('--json', 'print one JSON document on stdout and nothing else there')
    .showSuggestionAfterError()
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of commandModules) register(program);
  // Commands with subcommands inherit the same strictness.
  const strict = (command: Command) => {
    command.exitOverride().showSuggestionAfterError();
    command.commands.forEach(strict);
  };
  program.commands.forEach(strict);
  program.on('command:*', (operands: string[]) => {
    const names = program.commands.map((c) => c.name()).sort();
    throw new FacepatchError(`unknown command "${operands[0]}"; valid commands: ${names.join(', ')}`);
  });
  return program;
}

/** Runs the CLI on argv (without node and script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0; usage errors were already printed.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof FacepatchError) {
      process.stderr.write(`facepatch: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`facepatch: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
