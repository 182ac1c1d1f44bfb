/**
 * Which payload keys are redacted: by their words, not their exact spelling.
 * A key is split into words at separators and camelCase humps
 * (`X-Amz-Security-Token` → x amz security token, `userPassword` → user
 * password), and is redacted when a run of consecutive words, joined, is a
 * configured key normalised the same way (`apikey` matches `x-api-key` and
 * `APIKey`; `password` matches `user_password` but `token` does not match
 * `max_tokens`, a different word). An entry written `=name` matches the
 * whole key only (`=card` redacts `card` and `Card`, not `card_present`).
 */

/** Keys whose answer is remembered: payload keys repeat across rows and invocations. */
const MAX_CACHED = 1000;
/** Longer keys are not cached: a hostile payload could fill the cache with them. */
const MAX_CACHED_KEY = 64;

/**
 * A configured key (or any key) as one lower-case run of letters and digits:
 * `Card-Number`, `card_number` and `cardNumber` all become `cardnumber`.
 *
 * @example
 * normaliseKey('X-API-Key'); // 'xapikey'
 */
export function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * The lower-case words of a key.
 *
 * @example
 * keyWords('X-Amz-Security-Token'); // ['x', 'amz', 'security', 'token']
 * keyWords('APIKey'); // ['api', 'key']
 */
export function keyWords(key: string): string[] {
  return key
    .replace(/(\p{Ll}|\p{N})(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu}+)(\p{Lu}\p{Ll})/gu, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/**
 * Decides, once per distinct key, whether a payload key is redacted.
 *
 * @example
 * const match = new KeyMatcher(new Set(['password', 'apikey']));
 * match.redacts('userPassword'); // true
 * match.redacts('X-Api-Key'); // true
 * match.redacts('passport'); // false
 */
export class KeyMatcher {
  readonly #keys = new Set<string>();
  readonly #whole = new Set<string>();
  readonly #longest: number;
  readonly #cache = new Map<string, boolean>();

  constructor(keys: ReadonlySet<string>) {
    let longest = 0;
    for (const key of keys) {
      if (key.startsWith('=')) this.#whole.add(key.slice(1));
      else {
        this.#keys.add(key);
        longest = Math.max(longest, key.length);
      }
    }
    this.#longest = longest;
  }

  redacts(key: string): boolean {
    const known = this.#cache.get(key);
    if (known !== undefined) return known;
    const answer = this.#match(key);
    if (key.length <= MAX_CACHED_KEY && this.#cache.size < MAX_CACHED) this.#cache.set(key, answer);
    return answer;
  }

  #match(key: string): boolean {
    if (this.#whole.size > 0 && this.#whole.has(normaliseKey(key))) return true;
    const keys = this.#keys;
    if (keys.size === 0) return false;
    const words = keyWords(key);
    for (let i = 0; i < words.length; i++) {
      let run = '';
      // A run longer than the longest configured key cannot match: the work per key stays linear.
      for (let j = i; j < words.length && run.length < this.#longest; j++) {
        run += words[j];
        if (keys.has(run)) return true;
      }
    }
    return false;
  }
}

const matchers = new WeakMap<ReadonlySet<string>, KeyMatcher>();

/**
 * The matcher of a resolved key set, built once per set.
 *
 * @example
 * matcherFor(config.redactKeys).redacts('client_secret');
 */
export function matcherFor(keys: ReadonlySet<string>): KeyMatcher {
  let matcher = matchers.get(keys);
  if (!matcher) {
    matcher = new KeyMatcher(keys);
    matchers.set(keys, matcher);
  }
  return matcher;
}
