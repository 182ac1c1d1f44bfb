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
