/**
 * Our reading of Lambda's trace header against the X-Ray propagator's own:
 * the same span context for every header, in Lambda's format or not.
 */
import { defaultTextMapGetter, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';
import { describe, expect, it } from 'vitest';
import { lambdaHeaderSampled, xrayParentContext } from '../../../lib/tracing/traceHeader.js';

const propagator = new AWSXRayPropagator();
const theirs = (header: string) =>
  trace.getSpanContext(
    propagator.extract(ROOT_CONTEXT, { 'x-amzn-trace-id': header }, defaultTextMapGetter),
  );
const ours = (header: string) => trace.getSpanContext(xrayParentContext(header));

const root = '1-5759e988-bd862e3fe1be46a994272793';
const headers = [
  `Root=${root};Parent=53995c3f42cd8ad8;Sampled=1`,
  `Root=${root};Parent=53995c3f42cd8ad8;Sampled=0`,
  `Root=${root};Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:1|68fd508a:5`,
  `Root=${root};Parent=53995c3f42cd8ad8;Sampled=?`,
  `Root=${root};Parent=53995c3f42cd8ad8`,
  `Root=${root};Sampled=1;Parent=53995c3f42cd8ad8`,
  `Parent=53995c3f42cd8ad8;Root=${root};Sampled=1`,
  ` Root=${root}; Parent=53995c3f42cd8ad8; Sampled=1`,
  `Root=${root};Parent=0000000000000000;Sampled=1`,
  'Root=1-00000000-000000000000000000000000;Parent=53995c3f42cd8ad8;Sampled=1',
  `Root=${root.toUpperCase()};Parent=53995c3f42cd8ad8;Sampled=1`,
  `Root=${root};Parent=53995c3f42cd8ad8;Sampled=10`,
  `Root=${root};Parent=53995c3f42cd8ad;Sampled=1`,
  `Root=2-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1`,
  'Root=1-5759e988-bd862e3fe1be46a99427279;Parent=53995c3f42cd8ad8;Sampled=1',
  '',
  'garbage',
];

describe('xrayParentContext', () => {
  it('reads every header as AWSXRayPropagator.extract does', () => {
    for (const header of headers) expect(ours(header), header).toEqual(theirs(header));
    expect(ours(headers[0]!)).toMatchObject({
      traceId: '5759e988bd862e3fe1be46a994272793',
      spanId: '53995c3f42cd8ad8',
      traceFlags: 1,
      isRemote: true,
    });
  });
});

describe('lambdaHeaderSampled', () => {
  it('reads the sampled flag of Lambda’s own layout without parsing it, and nothing else', () => {
    expect(headers.slice(0, 3).map(lambdaHeaderSampled)).toEqual([true, false, true]);
    for (const header of headers) {
      const sampled = lambdaHeaderSampled(header);
      const context = ours(header);
      // Where it answers and the ids are valid, it answers what the parse finds.
      if (sampled !== undefined && context) expect(sampled, header).toBe(context.traceFlags === 1);
    }
    // Other layouts (another order, spaces, a part missing or of another length) are left to the parse.
    const otherLayouts = headers.filter((_, i) =>
      [3, 4, 5, 6, 7, 11, 12, 13, 14, 15, 16].includes(i),
    );
    for (const header of otherLayouts) expect(lambdaHeaderSampled(header), header).toBeUndefined();
  });
});
