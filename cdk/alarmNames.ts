import { Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { MAX_ALARM_NAME } from './cloudwatchLimits.js';
import { InvalidPropError } from './errors.js';

/** Literal alarm names already given out in each stack, to catch a collision at synth time. */
const namesByStack = new WeakMap<Stack, Set<string>>();

/**
 * An alarm name, made safe for composite alarm rules (which
 * quote names: `"` and `\` become `'` and `/`), checked for length and for
 * uniqueness within the stack (CloudFormation would fail the deploy).
 *
 * @example
 * alarmName(this, 'alarmNamePrefix', 'Prod/fraud-api/fraud@1: p99 latency > 250 ms');
 */
export function alarmName(scope: IConstruct, prop: string, raw: string): string {
  const name = raw
    .replace(/"/g, "'")
    .replace(/\\/g, '/')
    .replace(/[^\x20-\x7E]/g, '?');
  if (Token.isUnresolved(name)) return name;
  if (name.length > MAX_ALARM_NAME)
    throw new InvalidPropError(
      prop,
      `makes the alarm name ${JSON.stringify(name)} longer than ${MAX_ALARM_NAME} characters; give a shorter prefix`,
    );
  const stack = Stack.of(scope);
  let names = namesByStack.get(stack);
  if (!names) {
    names = new Set();
    namesByStack.set(stack, names);
  }
  if (names.has(name))
    throw new InvalidPropError(
      prop,
      `the alarm name ${JSON.stringify(name)} is already used in stack ${stack.stackName}; ` +
        'the same model is alarmed twice, or two alarm sets need different prefixes',
    );
  names.add(name);
  return name;
}
