// How commands talk: with --json, exactly one JSON document on stdout and nothing else there;
// otherwise human text. Diagnostics and progress always go to stderr.
import type { Command } from 'commander';

export function wantsJson(command: Command): boolean {
  return Boolean(command.optsWithGlobals().json);
}

/** Print a command's result: the JSON document, or the human rendering of it. */
export function emit(command: Command, document: unknown, human: () => string): void {
  if (wantsJson(command)) process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  else process.stdout.write(`${human()}\n`);
}

/** A note for the user (never on stdout, so --json stays parseable). */
export function note(message: string): void {
  if (process.env.FACEPATCH_QUIET !== '1') process.stderr.write(`${message}\n`);
}

/** A simple fixed-width table. */
export function formatTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(cells[0] as string[]), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}
