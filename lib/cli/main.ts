#!/usr/bin/env node
/** `observed-inference <command>`: the package's command line. */
import { BASELINE_USAGE, baselineCommand, wantsHelp } from './baseline.js';
import { CliError, EXIT, type ExitCode } from './errors.js';

const USAGE = `usage: observed-inference <command> [options]

commands:
  baseline <data.jsonl> --features a,b,c [--bins 10] [--model name@version] [--out baseline.json]
      build a drift baseline from a JSONL sample of training data

observed-inference <command> --help shows a command's options.`;

async function run(argv: readonly string[]): Promise<ExitCode> {
  const [command, ...rest] = argv;
  if (command === undefined)
    throw new CliError(
      'missing command: try observed-inference baseline --help (or observed-inference --help)',
      EXIT.Usage,
    );
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.Ok;
  }
  if (command !== 'baseline')
    throw new CliError(
      `${command.startsWith('-') ? 'unknown option' : 'unknown command'} ${command}: the command is baseline (see observed-inference --help)`,
      EXIT.Usage,
    );
  if (wantsHelp(rest)) {
    process.stdout.write(`${BASELINE_USAGE}\n`);
    return EXIT.Ok;
  }
  await baselineCommand(rest);
  return EXIT.Ok;
}

/** Every failure is one line on stderr: the user needs the fix, not our stack. */
function report(error: unknown): ExitCode {
  const command =
    process.argv[2] === 'baseline' ? 'observed-inference baseline' : 'observed-inference';
  const message = (error instanceof Error ? error.message : String(error)).replace(
    /\s*\n\s*/g,
    ' ',
  );
  process.stderr.write(`${command}: ${message}\n`);
  return error instanceof CliError ? error.exitCode : EXIT.Failure;
}

process.exitCode = await run(process.argv.slice(2)).catch(report);
