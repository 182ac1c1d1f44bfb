import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { EmfRecord } from '../../local-lambda/outputRecords.js';
import { schemaPath } from './paths.js';

const schema = JSON.parse(readFileSync(schemaPath('emf', 'emf-schema.json'), 'utf8')) as object;
const validateSchema = new Ajv({ strict: false, allErrors: true }).compile(schema);

/**
 * Errors of an EMF record against the published schema and the rules of the
 * specification that a schema cannot say (see test/support/schemas/emf/README.md).
 */
export function validateEmf(record: unknown, now = Date.now()): string[] {
  const errors: string[] = [];
  if (!validateSchema(record)) {
    for (const e of validateSchema.errors ?? [])
      errors.push(`schema ${e.instancePath} ${e.message}`);
    return errors;
  }
  const r = record as EmfRecord;
  const age = now - r._aws.Timestamp;
  if (age > 14 * 24 * 3600_000 || age < -2 * 3600_000)
    errors.push(`timestamp ${r._aws.Timestamp} out of range`);
  for (const directive of r._aws.CloudWatchMetrics) {
    if (directive.Metrics.length > 100)
      errors.push(`${directive.Metrics.length} metrics in one directive`);
    for (const set of directive.Dimensions) {
      if (set.length > 30) errors.push(`dimension set of ${set.length}`);
      for (const d of set)
        if (typeof r[d] !== 'string') errors.push(`dimension ${d} is not a string member`);
    }
    for (const m of directive.Metrics) {
      const v = r[m.Name];
      const ok =
        typeof v === 'number' ||
        (Array.isArray(v) && v.length <= 100 && v.every((x) => typeof x === 'number'));
      if (!ok) errors.push(`metric ${m.Name} is not a number or an array of ≤ 100 numbers`);
    }
  }
  return errors;
}
