/**
 * Writes docs/telemetry.md, the telemetry contract, from the module the
 * runtime and the CDK constructs share (lib/telemetry.ts: names, units,
 * limits, variables), so the reference cannot drift from the code. Every
 * name in the contract needs an entry in docs/telemetryDescriptions.ts: a
 * constant added without one fails the run (and test/docs/telemetry.test.ts),
 * naming it.
 *
 * Usage: npm run docs
 */

import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_REDACT_KEYS } from '../lib/config.js';
import {
  DAEMON_RETRY_MAX_MS,
  DAEMON_RETRY_MIN_MS,
  MAX_BASELINE_BINS,
  MAX_BASELINE_BYTES,
  MAX_BUFFERED_SPANS,
  MAX_ERROR_MESSAGE_CHARS,
  MAX_ERROR_STACK_CHARS,
  MAX_HASHED_INPUT_CHARS,
  MAX_INVALID_INPUT_CHARS,
  MAX_LATE_SPANS,
  MAX_METADATA_CHARS,
  MAX_METADATA_KEY_CHARS,
  MAX_PARSED_BODY_CHARS,
  MAX_PREDICTIONS_READ,
  MAX_REDACTED_BODY_CHARS,
  MAX_STAGE_METRICS,
  MAX_STAGE_NAME_CHARS,
  MAX_TEXT_FIELD_CHARS,
  MAX_TRACE_SPANS,
  MAX_UDP_PAYLOAD_BYTES,
} from '../lib/contract/limits.js';
import { REDACTED } from '../lib/payload.js';
import {
  ANNOTATION_OF_ATTR,
  ATTR,
  DATA_QUALITY_LOG_KEY,
  DATA_QUALITY_METRIC,
  DATA_QUALITY_METRIC_UNIT,
  DEFAULT_DRIFT_WINDOW,
  DEFAULT_MISSING_RATE_RISE,
  DEFAULT_NAMESPACE,
  DIMENSION,
  DIMENSION_SET,
  DRIFT_EVENT,
  DRIFT_LOG_KEY,
  DRIFT_STATUS,
  dataQualityMetricName,
  driftMetricName,
  ECOSYSTEM_ENV,
  EMF_MAX_METRICS,
  EMF_MAX_VALUES,
  ENV,
  LOG_KEY,
  MAX_CATEGORIES,
  MAX_DEBUG_BYTES,
  MAX_DEBUG_LINES,
  MAX_DIMENSION_VALUE,
  MAX_DRIFT_WINDOW,
  MAX_EXCEPTIONS,
  MAX_FEATURES,
  MAX_LABEL_METRICS,
  MAX_LABEL_NAME,
  MAX_LOGGED_LABELS,
  MAX_LOGGED_MODELS,
  MAX_LOGGED_PAYLOAD_CHARS,
  MAX_STACK_FRAMES,
  METRIC,
  METRIC_UNIT,
  MIN_DRIFT_WINDOW,
  MODEL_CALL_DIMENSION,
  MODEL_CALL_DIMENSION_SET,
  MODEL_CALL_METRICS_BY_MODEL,
  OTEL_ENV,
  OTHER_LABEL,
  OUT_OF_RANGE_TOLERANCE,
  OUTCOME_METRIC,
  POWERTOOLS_LOG_KEY,
  PREDICTED_LABEL_PREFIX,
  PROACTIVE_INIT_GAP_MS,
  predictedLabelMetricName,
  SPAN,
  START_TYPE,
  stageMetricName,
  UNIT,
  XRAY_METADATA_NAMESPACE,
} from '../lib/telemetry.js';
import {
  ATTR_DOC,
  code,
  DATA_QUALITY_LOG_KEY_DOC,
  DATA_QUALITY_METRIC_DOC,
  DIMENSION_DOC,
  DRIFT_LOG_KEY_DOC,
  ECOSYSTEM_ENV_DOC,
  ENV_DOC,
  LOG_KEY_DOC,
  METRIC_DOC,
  OTEL_ENV_DOC,
  OUTCOME_METRIC_DOC,
  SPAN_DOC,
  START_TYPE_DOC,
} from './telemetryDescriptions.js';

/** Where the generated reference lives, relative to the repository root. */
export const TELEMETRY_DOC = 'docs/telemetry.md';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * One entry per key of a contract constant, checked both ways: a key without
 * an entry, or an entry without a key, is an error naming both.
 *
 * @example
 * described('METRIC', METRIC, METRIC_DOC); // [['InferenceLatency', '…'], …]
 */
export function described<K extends string, V>(
  what: string,
  constants: Readonly<Record<K, unknown>>,
  docs: Readonly<Record<K, V>>,
): Array<[K, V]> {
  const keys = Object.keys(constants) as K[];
  const missing = keys.filter((key) => !(key in docs));
  const extra = Object.keys(docs).filter((key) => !(key in constants));
  if (missing.length || extra.length)
    throw new Error(
      `docs/generate.ts: ${what} in lib/telemetry.ts and its descriptions differ` +
        (missing.length ? `; describe ${missing.join(', ')}` : '') +
        (extra.length ? `; no longer in the contract: ${extra.join(', ')}` : ''),
    );
  return keys.map((key) => [key, docs[key]]);
}

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function spans(): string {
  const rows = described('SPAN', SPAN, SPAN_DOC).map(([, d]) => [code(d.name), d.when, d.parent]);
  const attrs = described('ATTR', ATTR, ATTR_DOC).map(([key, what]) => {
    const annotation = ANNOTATION_OF_ATTR[ATTR[key]];
    return [code(ATTR[key]), annotation ? `annotation ${code(annotation)}` : 'metadata', what];
  });
  const semconv = Object.entries(ANNOTATION_OF_ATTR)
    .filter(([attr]) => !Object.values<string>(ATTR).includes(attr))
    .map(([attr, annotation]) => [code(attr), `annotation ${code(annotation)}`, 'a cold start']);
  const starts = described('START_TYPE', START_TYPE, START_TYPE_DOC).map(([key, what]) => [
    code(START_TYPE[key]),
    what,
  ]);
  return `## Spans

X-Ray subsegments carry the same names; the OTLP exporters send the same
spans (the invocation span has kind SERVER).

${table(['span', 'when', 'parent'], rows)}

\`<stage>\`: each \`stage(name, fn)\` run, a child of the span current when it
ran.

### Attributes

Span attributes beyond the OpenTelemetry semantic conventions. In X-Ray, the
ones marked annotation are indexed annotations you can filter traces on
(\`annotation.prediction = "fraud"\`), the rest are metadata under
${code(XRAY_METADATA_NAMESPACE)}, with the semantic-convention ones
(\`faas.invocation_id\`, \`faas.name\`, \`faas.version\`, \`cloud.region\`, …).
\`annotate(key, value)\` adds annotations of your own, \`addMetadata(key,
value)\` metadata.

${table(['attribute', 'X-Ray', 'what'], [...attrs, ...semconv])}

A thrown error sets \`fault\` and a \`cause\` with the exception's type, message
and stack frames (at most ${MAX_STACK_FRAMES} frames, ${MAX_EXCEPTIONS} exceptions); a client error
(a proxy 4xx, an \`InvalidInputError\`) sets \`error\`. \`Sampled=0\` exports
nothing. A trace is sent as one UDP datagram where it fits in 64 KB; a larger
one is trimmed (metadata first) or split into several documents, never dropped.

A drift window that closes adds a span event ${code(DRIFT_EVENT.Name)} to the
span current then, with ${code(DRIFT_EVENT.Score)}, ${code(DRIFT_EVENT.WindowSize)} and
${code(DRIFT_EVENT.Moved)} (the moved signals, separated by \`,\`), ${code(DRIFT_EVENT.Status)}
(${Object.values(DRIFT_STATUS).map(code).join(', ')}) and, when inputs broke,
${code(DRIFT_EVENT.Broken)} (the features, separated by \`,\`).

### Start types

\`${ATTR.StartType}\` on the span and \`${LOG_KEY.StartType}\` in the log, on an
environment's first invocation:

${table(['start type', 'meaning'], starts)}
`;
}

function metrics(): string {
  const rows = described('METRIC', METRIC, METRIC_DOC).map(([key, when]) => [
    code(METRIC[key]),
    METRIC_UNIT[key],
    when,
  ]);
  const stage = stageMetricName('preprocess');
  const derived = [
    [
      code('<Stage>Duration'),
      UNIT.Milliseconds,
      `each \`stage()\` run: \`preprocess\` → ${code(stage)}; names beyond the first ${MAX_STAGE_METRICS} of an environment count as ${code(stageMetricName(OTHER_LABEL))}`,
    ],
    [
      code(`${PREDICTED_LABEL_PREFIX}.<label>`),
      UNIT.Count,
      `predictions of each label (${code(predictedLabelMetricName('fraud'))}); labels beyond the bounded set count as ${code(predictedLabelMetricName(OTHER_LABEL))}`,
    ],
    [
      code(driftMetricName('<signal>')),
      UNIT.None,
      `when a drift window closes: the PSI of one signal, \`confidence\`, \`label\` or a baseline feature (${code(driftMetricName('amount'))})`,
    ],
    ...(['MissingRate', 'TypeMismatches', 'OutOfRange', 'UnseenCategories'] as const).map((key) => [
      code(dataQualityMetricName(DATA_QUALITY_METRIC[key], '<feature>')),
      DATA_QUALITY_METRIC_UNIT[key],
      `when a drift window closes, if not 0: ${DATA_QUALITY_METRIC_DOC[key]} (${code(dataQualityMetricName(DATA_QUALITY_METRIC[key], 'amount'))})`,
    ]),
    [
      code(DATA_QUALITY_METRIC.DataQualityBroken),
      DATA_QUALITY_METRIC_UNIT.DataQualityBroken,
      `when a drift window closes: ${DATA_QUALITY_METRIC_DOC.DataQualityBroken}`,
    ],
  ];
  const outcomes = described('OUTCOME_METRIC', OUTCOME_METRIC, OUTCOME_METRIC_DOC).map(
    ([key, what]) => [code(OUTCOME_METRIC[key]), UNIT.Count, what],
  );
  const dimensions = described('DIMENSION', DIMENSION, DIMENSION_DOC).map(([key, what]) => [
    code(DIMENSION[key]),
    what,
  ]);
  return `## Metrics

One CloudWatch Embedded Metric Format (EMF) record per invocation, in the
namespace ${code(DEFAULT_NAMESPACE)} (\`POWERTOOLS_METRICS_NAMESPACE\` overrides
it), with one dimension set: ${DIMENSION_SET.map(code).join(', ')}.

${table(['dimension', 'value'], dimensions)}

${table(['metric', 'unit', 'recorded'], [...rows, ...derived])}

Label names in ${code(`${PREDICTED_LABEL_PREFIX}.<label>`)} keep letters, digits, \`_\`, \`-\` and
\`.\`; any other character becomes \`_\` (${code(predictedLabelMetricName('not sure?'))}).
The bounded set is \`OBSERVED_LABELS\` (or the \`labels\` option), else the
baseline's labels, else the first ${MAX_LABEL_METRICS} distinct labels each execution
environment sees.

Model calls made through an \`observeModelCalls()\` client add their metrics to
the same record. Where the invocation called one Bedrock model and nothing
else, the record's directive lists ${MODEL_CALL_METRICS_BY_MODEL.map(code).join(', ')} a second
time under the dimension set ${MODEL_CALL_DIMENSION_SET.map(code).join(', ')}
(${code(MODEL_CALL_DIMENSION.BedrockModelId)}: the model id), so they can be read
per model; an invocation that called several Bedrock models, or one beside a
SageMaker or S3 call, writes those metrics of each model's calls once more per
model, in a record of their own (at most ${MAX_LOGGED_MODELS}).

\`recordOutcome()\` writes, with the same dimensions:

${table(['metric', 'unit', 'recorded'], outcomes)}

Each record also carries \`function_request_id\` and \`xray_trace_id\` as
properties (not dimensions). A record over the EMF limits (${EMF_MAX_METRICS} metrics,
${EMF_MAX_VALUES} values per metric) is split into several records with the same
dimensions; nothing is dropped.
`;
}

function logs(): string {
  const rows = described('LOG_KEY', LOG_KEY, LOG_KEY_DOC).map(([key, what]) => [
    code(LOG_KEY[key]),
    what,
  ]);
  const drift = [
    ...described('DRIFT_LOG_KEY', DRIFT_LOG_KEY, DRIFT_LOG_KEY_DOC).map(([key, what]) => [
      code(DRIFT_LOG_KEY[key]),
      what,
    ]),
    ...described('DATA_QUALITY_LOG_KEY', DATA_QUALITY_LOG_KEY, DATA_QUALITY_LOG_KEY_DOC).map(
      ([key, what]) => [code(DATA_QUALITY_LOG_KEY[key]), what],
    ),
  ];
  return `## Log line

One JSON line per invocation: INFO, ERROR on a failure or a timeout (and on a
proxy 5xx), DEBUG for a warmup ping. It starts with the keys Powertools Logger
writes, in its order, so queries written for Powertools keep working:
${Object.values(POWERTOOLS_LOG_KEY).map(code).join(', ')}. Then:

${table(['key', 'what'], rows)}

Keys from \`annotate()\` and \`addMetadata()\` follow. A key whose value is
empty is left out, as Powertools does. When payload logging samples an
invocation, \`payload: { input, output }\` is added, with the values of
redacted keys replaced by ${code(REDACTED)} and bounded to ${MAX_LOGGED_PAYLOAD_CHARS.toLocaleString('en')} characters;
form, JSON and base64 bodies are decoded and redacted, never logged raw. Keys
redacted by default, matched by words (\`token\` redacts \`X-Amz-Security-Token\`;
\`=name\`: whole keys only; [the rule](library.md#big-inputs-baselines-and-redaction)):
${DEFAULT_REDACT_KEYS.map(code).join(', ')}.

Other lines: \`outcome\` from \`recordOutcome()\`; a WARN when a model is
loaded again in the same environment; one ERROR per configuration problem at
start-up, naming the variable and the accepted values; and, when a drift
window closes, \`drift: data_quality_broken: <features>\`, \`drift: <signals> moved\`
or \`drift: stable\` with:

${table(['key', 'what'], drift)}
`;
}

function environment(): string {
  const rows = described('ENV', ENV, ENV_DOC).map(([key, d]) => [
    code(ENV[key]),
    d.default,
    d.what,
  ]);
  const ecosystem = described('ECOSYSTEM_ENV', ECOSYSTEM_ENV, ECOSYSTEM_ENV_DOC).map(
    ([key, what]) => [code(ECOSYSTEM_ENV[key]), what],
  );
  const otel = described('OTEL_ENV', OTEL_ENV, OTEL_ENV_DOC).map(([key, what]) => [
    code(OTEL_ENV[key]),
    what,
  ]);
  return `## Environment variables

Precedence: the options of \`observe()\` > environment > default. An invalid
value is logged once at start-up as an ERROR naming the variable and the
accepted values; that feature keeps its default and the function keeps
serving.

${table(['variable', 'default', 'what'], rows)}

Read as Lambda and Powertools define them:

${table(['variable', 'what'], ecosystem)}

Read as OpenTelemetry's SDK specification defines them (the OTLP exporters,
[docs/library.md](library.md#trace-exporters)):

${table(['variable', 'what'], otel)}
`;
}

function limits(): string {
  const rows = [
    ['metrics per EMF record', `${EMF_MAX_METRICS} (more: another record)`],
    ['values per metric per EMF record', `${EMF_MAX_VALUES} (more: another record)`],
    [
      'labels with a metric of their own',
      `\`OBSERVED_LABELS\`, else the baseline's, else ${MAX_LABEL_METRICS}`,
    ],
    ['label length in a metric name', `${MAX_LABEL_NAME} characters (longer ones are cut)`],
    [
      'stage names with a metric and a log key of their own',
      `${MAX_STAGE_METRICS} per environment, the rest as ${code(OTHER_LABEL)}; each name cut to ${MAX_STAGE_NAME_CHARS} characters`,
    ],
    ['labels in the log line of a batch', `${MAX_LOGGED_LABELS} plus ${code(OTHER_LABEL)}`],
    [
      'dimension values (model name and version, service name)',
      `1 to ${MAX_DIMENSION_VALUE.toLocaleString('en')} printable ASCII characters, not starting with \`:\``,
    ],
    ['logged payload', `${MAX_LOGGED_PAYLOAD_CHARS.toLocaleString('en')} characters`],
    [
      'DEBUG lines held per invocation (`log.debug()`)',
      `${MAX_DEBUG_LINES} lines or ${MAX_DEBUG_BYTES.toLocaleString('en')} bytes; more are dropped and counted in ${code(LOG_KEY.DebugLinesDropped)}`,
    ],
    ['stack frames per exception in a trace', String(MAX_STACK_FRAMES)],
    ['exceptions per trace error', String(MAX_EXCEPTIONS)],
    [
      'a label, a client or correlation id, an annotation value, an error name (log line and trace)',
      `${MAX_TEXT_FIELD_CHARS.toLocaleString('en')} characters (longer ones end in \`...[truncated from N chars]\`)`,
    ],
    [
      'an `addMetadata()` value, as JSON (log line and trace)',
      `${MAX_METADATA_CHARS.toLocaleString('en')} characters (a longer object becomes \`{ truncated: true, length, preview }\`); keys ${MAX_METADATA_KEY_CHARS}`,
    ],
    [
      "a thrown error's message and stack (log line and trace)",
      `${MAX_ERROR_MESSAGE_CHARS.toLocaleString('en')} and ${MAX_ERROR_STACK_CHARS.toLocaleString('en')} characters`,
    ],
    ["an invalid input's field and reason", `${MAX_INVALID_INPUT_CHARS} characters`],
    [
      'predictions read per result',
      `${MAX_PREDICTIONS_READ.toLocaleString('en')} (the rest count in \`Predictions\` only)`,
    ],
    [
      'predictions per drift window',
      `${MIN_DRIFT_WINDOW} to ${MAX_DRIFT_WINDOW.toLocaleString('en')} (default ${DEFAULT_DRIFT_WINDOW.toLocaleString('en')})`,
    ],
    ['baseline features', String(MAX_FEATURES)],
    ['categories per categorical baseline feature', `${MAX_CATEGORIES} plus \`other\``],
    [
      'missing-rate rise that breaks a feature',
      `${DEFAULT_MISSING_RATE_RISE} above the baseline's rate (missing and wrong-type values; \`drift.window.missingRateRise\`)`,
    ],
    [
      'numeric range tolerance',
      `${OUT_OF_RANGE_TOLERANCE * 100}% of the baseline's max − min beyond either end`,
    ],
    ['first-invocation gap that makes a start proactive', `${PROACTIVE_INIT_GAP_MS / 1000} s`],
    [
      'X-Ray datagram to the daemon',
      `${MAX_UDP_PAYLOAD_BYTES.toLocaleString('en')} bytes with the daemon header (IPv4's largest UDP payload); a bigger trace is split, no span dropped`,
    ],
    [
      'OTLP datagram to the daemon (`otlp-udp`)',
      `${MAX_UDP_PAYLOAD_BYTES.toLocaleString('en')} bytes with the header; a bigger trace is split across datagrams; a span too big alone is trimmed (strings cut to ${MAX_TEXT_FIELD_CHARS.toLocaleString('en')} characters, then its identity and timing only) or dropped, and counted in \`TelemetryErrors\``,
    ],
    [
      'OTLP/HTTP request (`otlp-http`)',
      'awaited before the response, up to the timeout; after a refused, timed-out, 429 or 5xx request none is tried for 1 s, doubling to 60 s, and spans meanwhile are counted as lost',
    ],
    [
      'spans of one trace waiting for export',
      `${MAX_TRACE_SPANS.toLocaleString('en')}; later ones are dropped and counted in \`TelemetryErrors\`, the invocation span kept`,
    ],
    [
      'spans of all traces waiting for export',
      `${MAX_BUFFERED_SPANS.toLocaleString('en')}; past it the trace holding the most gives one up`,
    ],
    [
      'spans ending after their trace was sent',
      `${MAX_LATE_SPANS.toLocaleString('en')}, sent with the next trace`,
    ],
    [
      'daemon address that does not resolve',
      `retried after ${DAEMON_RETRY_MIN_MS / 1000} s, doubling up to ${DAEMON_RETRY_MAX_MS / 1000} s; datagrams meanwhile counted as lost`,
    ],
    [
      'model input hashed (`input_hash`)',
      `a body over ${MAX_PARSED_BODY_CHARS.toLocaleString('en')} characters: its bytes, unparsed; other inputs: the first ${MAX_HASHED_INPUT_CHARS.toLocaleString('en')} characters of their sorted JSON`,
    ],
    [
      'encoded string decoded to be redacted',
      `${MAX_REDACTED_BODY_CHARS.toLocaleString('en')} characters (longer: not logged)`,
    ],
    [
      'baseline file or S3 object',
      `${MAX_BASELINE_BYTES.toLocaleString('en')} bytes, checked before reading`,
    ],
    ['bins or categories per baseline distribution', String(MAX_BASELINE_BINS)],
  ];
  return `## Limits

${table(['what', 'limit'], rows)}
`;
}

/**
 * The Markdown of docs/telemetry.md.
 *
 * @example
 * writeFileSync('docs/telemetry.md', renderTelemetry());
 */
export function renderTelemetry(): string {
  return `<!-- Generated by \`npm run docs\` (docs/generate.ts) from lib/telemetry.ts: edit those, not this file. -->

# Telemetry reference

The names below are a contract: your alarms, dashboards and queries depend on
them, and the prebuilt CDK alarms and dashboard read them from the same module
the runtime writes them with (\`lib/telemetry.ts\`). Renaming one is a breaking
change. The constants are exported: \`import { METRIC, DIMENSION, SPAN, ENV }
from 'observed-inference'\`.

- [Spans](#spans)
- [Metrics](#metrics)
- [Log line](#log-line)
- [Environment variables](#environment-variables)
- [Limits](#limits)

${spans()}
${metrics()}
${logs()}
${environment()}
${limits()}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(join(repoRoot, TELEMETRY_DOC), renderTelemetry());
  console.log(`wrote ${TELEMETRY_DOC}`);
}
