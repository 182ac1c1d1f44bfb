/**
 * Input validation: an untrusted value in, a `Transaction` or a message that
 * names the offending field out. The handler turns the message into a 400;
 * nothing here throws.
 */
import { MERCHANT_CATEGORIES, type MerchantCategory, type Transaction } from './data.js';

export type Validation =
  | { readonly ok: true; readonly transaction: Transaction }
  | { readonly ok: false; readonly field: string; readonly message: string };

type Check = (value: unknown) => string | undefined;

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

const CATEGORIES: ReadonlySet<unknown> = new Set(MERCHANT_CATEGORIES);

/** Each field's rule, as a description of what is expected when it fails. */
const FIELDS: Readonly<Record<keyof Transaction, Check>> = {
  amount: (v) => (isNumber(v) && v > 0 ? undefined : 'must be a positive number'),
  merchant_category: (v) =>
    CATEGORIES.has(v) ? undefined : `must be one of ${MERCHANT_CATEGORIES.join(', ')}`,
  hour: (v) =>
    Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 23
      ? undefined
      : 'must be an integer from 0 to 23',
  country_mismatch: (v) => (typeof v === 'boolean' ? undefined : 'must be true or false'),
  velocity_1h: (v) =>
    Number.isInteger(v) && (v as number) >= 0 ? undefined : 'must be a non-negative integer',
  account_age_days: (v) => (isNumber(v) && v >= 0 ? undefined : 'must be a non-negative number'),
  card_present: (v) => (typeof v === 'boolean' ? undefined : 'must be true or false'),
};

/** A short, safe rendering of an offending value for a message. */
function show(value: unknown): string {
  if (typeof value === 'number') return String(value); // NaN and Infinity, which JSON cannot show
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * Check one transaction. `path` prefixes field names in messages (a batch
 * passes `transactions[3]`). Fields other than the model's are ignored.
 *
 * @example
 * validate({ amount: -5, merchant_category: 'gas', ... });
 * // { ok: false, field: 'amount', message: 'amount must be a positive number, got -5' }
 */
export function validate(input: unknown, path = ''): Validation {
  const where = (field: string) => (path ? `${path}.${field}` : field);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    const field = path || 'transaction';
    return { ok: false, field, message: `${field} must be a JSON object, got ${show(input)}` };
  }
  const record = input as Record<string, unknown>;
  for (const [name, check] of Object.entries(FIELDS) as [keyof Transaction, Check][]) {
    const value = record[name];
    const field = where(name);
    if (value === undefined || value === null)
      return { ok: false, field, message: `${field} is required` };
    const problem = check(value);
    if (problem) return { ok: false, field, message: `${field} ${problem}, got ${show(value)}` };
  }
  return {
    ok: true,
    // Copy only the model's fields: extra keys from the client go no further.
    transaction: {
      amount: record.amount as number,
      merchant_category: record.merchant_category as MerchantCategory,
      hour: record.hour as number,
      country_mismatch: record.country_mismatch as boolean,
      velocity_1h: record.velocity_1h as number,
      account_age_days: record.account_age_days as number,
      card_present: record.card_present as boolean,
    },
  };
}
