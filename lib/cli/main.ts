#!/usr/bin/env node
/** `observed-inference <command>`: the package's command line. */
import { baselineCommand } from './baseline.js';

const [command, ...rest] = process.argv.slice(2);
try {
  if (command === 'baseline') await baselineCommand(rest);
  else
    throw new Error(
      'usage: observed-inference baseline <data.jsonl> --features a,b,c [--bins 10] [--model name@version] [--out baseline.json]',
    );
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
