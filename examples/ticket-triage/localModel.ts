/**
 * What answers the function's Bedrock calls when it runs on this machine
 * (the demo, the tests): a script for the Bedrock stand-in
 * (`local-lambda/bedrockStandIn.ts`), which speaks the real Converse and
 * ConverseStream wire protocol to the real AWS SDK client. No model runs:
 * the classification is keyword rules, the answer a template, the token
 * counts about four characters a token, and the time to first token grows
 * with the prompt, as a real model's does.
 */
import type { StandInAnswer, StandInRequest } from '../../local-lambda/bedrockStandIn.js';
import type { Category, Priority } from './triage.js';

const RULES: ReadonlyArray<readonly [RegExp, Priority, Category]> = [
  [/\b(down|outage|500|unreachable|cannot log ?in for everyone)\b/i, 'urgent', 'outage'],
  [/\b(charged|refund|invoice|billing|payment)\b/i, 'high', 'billing'],
  [/\b(password|2fa|locked|account|email change)\b/i, 'normal', 'account'],
  [/\b(bug|crash|error|broken|wrong)\b/i, 'normal', 'bug'],
];

const NEXT_STEP: Readonly<Record<Category, string>> = {
  outage:
    'Our on-call engineers are already on it; we will post updates on the status page every 30 minutes.',
  billing:
    'I have asked our billing team to check the charge; a refund, if due, reaches your card in 5 to 7 days.',
  account: 'I have sent a secure link to the email on file; it is valid for one hour.',
  bug: 'I have filed this with our engineers, with the details you gave, and will write back when a fix ships.',
  'how-to': 'Here is the guide that walks through it step by step; reply if anything is unclear.',
};

/** About four characters a token, as for English text. */
const tokens = (text: string) => Math.max(1, Math.round(text.length / 4));

function promptText(body: Record<string, unknown>): string {
  return JSON.stringify([body.system, body.messages]);
}

function classify(prompt: string): { priority: Priority; category: Category } {
  for (const [pattern, priority, category] of RULES)
    if (pattern.test(prompt)) return { priority, category };
  return { priority: 'low', category: 'how-to' };
}

/**
 * The answer to one request: the classifier gets JSON, the writer a streamed
 * answer in word-sized deltas.
 *
 * @example
 * startBedrockStandIn().then((s) => { s.behaviour.respond = answerTriage; });
 */
export function answerTriage(request: StandInRequest): Partial<StandInAnswer> {
  const prompt = promptText(request.body);
  const inputTokens = tokens(prompt);
  if (request.operation === 'converse') {
    // The ticket only: the system prompt names every category.
    const text = JSON.stringify(classify(JSON.stringify(request.body.messages)));
    return { text, inputTokens, outputTokens: tokens(text) };
  }
  const category = /\[(?:urgent|high|normal|low) ([a-z-]+)\]/.exec(prompt)?.[1] as
    | Category
    | undefined;
  const text = `Thanks for reaching out, and sorry for the trouble. ${NEXT_STEP[category ?? 'how-to']}`;
  return {
    deltas: text.split(/(?<= )/),
    inputTokens,
    outputTokens: tokens(text),
    // Prefill: a longer prompt takes longer to a first token.
    firstChunkDelayMs: 80 + inputTokens,
  };
}
