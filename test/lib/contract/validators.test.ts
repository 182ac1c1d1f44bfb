import { describe, expect, it } from 'vitest';
import {
  dimensionValueProblem,
  driftWindowProblem,
  isMetricUnit,
  listItemProblem,
  MAX_DIMENSION_VALUE,
  MAX_DRIFT_WINDOW,
  MIN_DRIFT_WINDOW,
  namespaceProblem,
} from '../../../lib/telemetry.js';

describe('the contract’s value rules', () => {
  it('accepts dimension values CloudWatch takes and the runtime emits as written', () => {
    for (const value of ['fraud', '2026-11-01', '$LATEST', 'a b', 'x'.repeat(MAX_DIMENSION_VALUE)])
      expect(dimensionValueProblem(value), value).toBeUndefined();
    expect(dimensionValueProblem('')).toMatch(/1 to 1024 printable ASCII/);
    expect(dimensionValueProblem('x'.repeat(MAX_DIMENSION_VALUE + 1))).toMatch(/1 to 1024/);
    expect(dimensionValueProblem('fraudé')).toMatch(/printable ASCII/);
    expect(dimensionValueProblem(':fraud')).toMatch(/start with ":"/);
    expect(dimensionValueProblem(' fraud')).toMatch(/whitespace/);
  });

  it('accepts custom namespaces only', () => {
    expect(namespaceProblem('Team/ML#1:a.b-c_d')).toBeUndefined();
    expect(namespaceProblem('AWS/Lambda')).toMatch(/AWS\//);
    expect(namespaceProblem('has space')).toMatch(/0-9A-Za-z/);
    expect(namespaceProblem('')).toMatch(/1 to 255/);
  });

  it('bounds the drift window to whole numbers in its range', () => {
    expect(driftWindowProblem(MIN_DRIFT_WINDOW)).toBeUndefined();
    expect(driftWindowProblem(MAX_DRIFT_WINDOW)).toBeUndefined();
    for (const n of [MIN_DRIFT_WINDOW - 1, MAX_DRIFT_WINDOW + 1, 100.5, Number.NaN])
      expect(driftWindowProblem(n), String(n)).toBe('must be a whole number in [10, 1000000]');
  });

  it('keeps the list separator out of list items', () => {
    expect(listItemProblem('fraud')).toBeUndefined();
    expect(listItemProblem('fraud,legit')).toBe("must not contain ','");
  });

  it('knows every CloudWatch unit and nothing else', () => {
    for (const unit of ['Count', 'Milliseconds', 'Bytes/Second', 'None'])
      expect(isMetricUnit(unit), unit).toBe(true);
    for (const unit of ['count', 'Requests', 3, undefined]) expect(isMetricUnit(unit)).toBe(false);
  });
});
