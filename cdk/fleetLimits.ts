import { MAX_ALARM_DESCRIPTION, MAX_STACK_RESOURCES } from './cloudwatchLimits.js';
import { InvalidPropError } from './errors.js';
import { checkInteger } from './validate.js';

/*
 * Synth-time checks of a fleet of models against the limits a deploy would
 * hit, each naming the prop that fixes it.
 */

/**
 * A description cut to CloudWatch's 1,024 characters, saying it was cut.
 *
 * @example
 * clip(`Under it: ${names.join(', ')}`);
 */
export function clip(text: string): string {
  return text.length <= MAX_ALARM_DESCRIPTION
    ? text
    : `${text.slice(0, MAX_ALARM_DESCRIPTION - 1)}…`;
}

/**
 * `modelsPerStack`, when given, a whole number ≥ 1.
 *
 * @example
 * const perStack = checkModelsPerStack(props.modelsPerStack);
 */
export function checkModelsPerStack(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  checkInteger('modelsPerStack', value, 1);
  return value;
}

/**
 * Past 500 resources CDK fails the synth with a count by type; name the prop that fixes it.
 *
 * @example
 * checkStackResources(alarms.length + composites.length, models.length);
 */
export function checkStackResources(resources: number, models: number): void {
  if (resources <= MAX_STACK_RESOURCES) return;
  const perModel = Math.ceil(resources / models);
  throw new InvalidPropError(
    'modelsPerStack',
    `is needed: ${models} models make ${resources} alarms, over CloudFormation's ${MAX_STACK_RESOURCES} ` +
      `resources per stack; set modelsPerStack (at most ${Math.floor((MAX_STACK_RESOURCES - 10) / perModel)}) ` +
      'to put them in nested stacks',
  );
}

/**
 * An explicit `modelsPerStack` that puts more than 500 resources in a nested stack fails the deploy.
 *
 * @example
 * checkNestedResources(40, new Map([[0, 400], [1, 380]]));
 */
export function checkNestedResources(perStack: number, counts: ReadonlyMap<number, number>): void {
  const most = Math.max(0, ...counts.values());
  if (most > MAX_STACK_RESOURCES)
    throw new InvalidPropError(
      'modelsPerStack',
      `${perStack} models make ${most} alarms in one nested stack, over CloudFormation's ` +
        `${MAX_STACK_RESOURCES} resources per stack; give fewer`,
    );
}
