import { readFileSync } from 'node:fs';
import ajvDraft04, { type ErrorObject, type ValidateFunction } from 'ajv-draft-04';
import { schemaPath } from './paths.js';

// A CommonJS module: under NodeNext its default import is `module.exports`, whose `default` is the class.
const Ajv = ajvDraft04.default;

/** The official X-Ray segment document schema (draft-04), shared by every package of the project. */
const SCHEMA_PATH = schemaPath('xray', 'xray-segmentdocument-schema-v1.0.0.json');

let validate: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (validate === undefined) {
    // strict: false because the schema carries non-standard keywords (`version`, `java_pattern`).
    const ajv = new Ajv({ allErrors: true, strict: false });
    validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object);
  }
  return validate;
}

/** The name pattern alone is several kilobytes: keep messages readable. */
const MAX_MESSAGE_CHARS = 200;

function describe(error: ErrorObject): string {
  const message = `${error.instancePath || '/'} ${error.message ?? error.keyword}`;
  return message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS)}…` : message;
}

/**
 * Validate one X-Ray segment document (an object, or the JSON string as sent)
 * against the official schema. Returns the errors; empty means valid.
 *
 * The top level of the schema describes a segment, so an independent
 * subsegment passes as one: it must carry `trace_id`, `parent_id` and
 * `"type": "subsegment"` itself (see test/support/schemas/xray/README.md).
 *
 * @example
 * for (const doc of toSegmentDocuments(spans)) expect(validateSegmentDocument(doc)).toEqual([]);
 */
export function validateSegmentDocument(doc: unknown): string[] {
  let value = doc;
  if (typeof doc === 'string') {
    try {
      value = JSON.parse(doc);
    } catch (error) {
      return [`not JSON: ${(error as Error).message}`];
    }
  }
  const check = validator();
  if (check(value)) return [];
  return (check.errors ?? []).map(describe);
}
