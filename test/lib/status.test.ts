import { describe, expect, it } from 'vitest';
import { classify, EXIT, STATUS } from '../../lib/status.js';

const never = () => false;
const always = () => true;

describe('classify()', () => {
  it('calls a returned result ok, a client error or a server error response', () => {
    expect(classify(EXIT.Returned, { label: 'fraud' }, false, false, never)).toBe(STATUS.Ok);
    expect(classify(EXIT.Returned, { statusCode: 400 }, false, false, always)).toBe(
      STATUS.ClientError,
    );
    expect(classify(EXIT.Returned, { statusCode: 503 }, false, false, never)).toBe(
      STATUS.ServerErrorResponse,
    );
    // The clientError option decides first: a 5xx it calls the caller's is the caller's.
    expect(classify(EXIT.Returned, { statusCode: 503 }, false, false, always)).toBe(
      STATUS.ClientError,
    );
  });

  it('calls a thrown InvalidInputError a client error and anything else thrown a fault', () => {
    expect(classify(EXIT.Threw, undefined, false, true, never)).toBe(STATUS.ClientError);
    expect(classify(EXIT.Threw, undefined, false, false, always)).toBe(STATUS.Fault);
  });

  it('calls the deadline a timeout whatever else is known', () => {
    expect(classify(EXIT.TimedOut, undefined, false, false, always)).toBe(STATUS.Timeout);
    expect(classify(EXIT.TimedOut, undefined, true, false, never)).toBe(STATUS.Timeout);
  });

  it('never calls a warmup ping the caller’s mistake', () => {
    let asked = false;
    const ask = () => {
      asked = true;
      return true;
    };
    expect(classify(EXIT.Returned, { statusCode: 400 }, true, false, ask)).toBe(STATUS.Ok);
    expect(asked).toBe(false);
    expect(classify(EXIT.Threw, undefined, true, true, never)).toBe(STATUS.Fault);
  });
});
