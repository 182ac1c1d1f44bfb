import { type Context, defaultTextMapGetter, TraceFlags, trace } from '@opentelemetry/api';
import { AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';
import { ROOT } from './contextManager.js';

const xrayPropagator = new AWSXRayPropagator();
const XRAY_HEADER = 'x-amzn-trace-id';

/**
 * The header exactly as Lambda writes it (anything after `Sampled` is not
 * read, as the propagator does not read it): one match instead of the
 * propagator's split, trim and two validating regexes, a few microseconds of
 * every invocation.
 */
const LAMBDA_HEADER =
  /^Root=1-([0-9a-f]{8})-([0-9a-f]{24});Parent=([0-9a-f]{16});Sampled=([01])(?:;|$)/;
const ZERO_SPAN_ID = '0000000000000000';
/** Where Lambda's header puts its parts: `Root=1-` 8 hex `-` 24 hex `;Parent=` 16 hex `;Sampled=` 0 or 1. */
const SAMPLED_AT = 73;
const SEMICOLON = 0x3b;
const HYPHEN = 0x2d;
const ZERO = 0x30;
const ONE = 0x31;

/**
 * Whether a header laid out as Lambda writes it says `Sampled=1`; undefined
 * for any other layout. Only the layout is read (a few character compares,
 * where parsing it takes a regex and the ids' strings): the ids are checked
 * when {@link xrayParentContext} reads the header. A header in Lambda's
 * layout whose ids are not hex, which Lambda never sends, can then be taken
 * for the sampled flag it carries before its parse finds it invalid.
 *
 * @example
 * lambdaHeaderSampled('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1'); // true
 * lambdaHeaderSampled('Root=1-5759e988-bd862e3fe1be46a994272793'); // undefined
 */
export function lambdaHeaderSampled(header: string): boolean | undefined {
  if (header.length !== SAMPLED_AT + 1 && header.charCodeAt(SAMPLED_AT + 1) !== SEMICOLON)
    return undefined;
  if (
    !header.startsWith('Root=1-') ||
    header.charCodeAt(15) !== HYPHEN ||
    !header.startsWith(';Parent=', 40) ||
    !header.startsWith(';Sampled=', 64)
  )
    return undefined;
  const flag = header.charCodeAt(SAMPLED_AT);
  return flag === ONE ? true : flag === ZERO ? false : undefined;
}

/**
 * The context an X-Ray trace header puts an invocation under: the same
 * remote span context `AWSXRayPropagator.extract` gives (the propagator
 * itself reads every header not in Lambda's own format); ROOT for an
 * invalid one.
 *
 * @example
 * const parent = xrayParentContext('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1');
 * trace.getSpanContext(parent)?.spanId; // '53995c3f42cd8ad8'
 */
export function xrayParentContext(header: string): Context {
  const match = LAMBDA_HEADER.exec(header);
  if (match === null || match[3] === ZERO_SPAN_ID || /^0+$/.test(match[1]! + match[2]!)) {
    return xrayPropagator.extract(ROOT, { [XRAY_HEADER]: header }, defaultTextMapGetter);
  }
  return trace.setSpanContext(ROOT, {
    traceId: match[1]! + match[2]!,
    spanId: match[3]!,
    traceFlags: match[4] === '1' ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  });
}
