import type { Contender } from './contenders.js';
import type { Figures } from './figures.js';
import type { RunResult } from './spawnRun.js';

/** Whether a contender really emitted what it should: figures of a broken set-up flatter it. */
export interface Health {
  readonly contender: Contender['id'];
  readonly ok: boolean;
  readonly problems: string[];
  /** Distinct first lines the contender wrote to stderr. */
  readonly stderr: string[];
}

const SHORT = 0.95;

export function checkHealth(
  contender: Contender,
  figures: Figures | undefined,
  results: readonly RunResult[],
): Health {
  const problems: string[] = [];
  const runs = results.filter((r) => r.contender === contender.id && r.kind !== 'profile');
  const failed = runs.filter((r) => !r.ok);
  if (failed.length > 0) problems.push(`${failed.length} of ${runs.length} runs failed`);
  const per = figures?.perInvocation;
  const { expect } = contender;
  const check = (what: string, got: number | undefined, want: number) => {
    if (want > 0 && !(got !== undefined && got >= want * SHORT)) {
      problems.push(`${what}: ${got?.toFixed(2) ?? 'none'} per invocation, expected ${want}`);
    }
  };
  check('stdout lines', per?.stdoutLines, expect.stdoutLines);
  check('UDP datagrams', per?.udpDatagrams, expect.udpDatagrams);
  check('OTLP requests', per?.otlpRequests, expect.otlpRequests);
  if (contender.extensionsApi) {
    // Without its extension the library writes before the response: the figures
    // would be the other mode's under this one's label.
    const ran = runs.filter((r) => r.ok);
    const unregistered = ran.filter((r) => r.extension !== true).length;
    if (unregistered > 0) {
      problems.push(
        `its extension did not register in ${unregistered} of ${ran.length} runs, so it wrote before the response`,
      );
    }
    const early = ran.reduce((sum, r) => sum + (r.postResponse?.earlyPolls ?? 0), 0);
    if (early > 0) {
      problems.push(
        `its extension polled for the next invocation before the response ${early} times`,
      );
    }
  }
  const stderr = [
    ...new Set(
      runs.map((r) => r.samples?.stderr.split('\n')[0]?.trim() ?? '').filter((line) => line !== ''),
    ),
  ].slice(0, 3);
  if (expect.quietStderr && stderr.length > 0) problems.push('wrote to stderr');
  return { contender: contender.id, ok: problems.length === 0, problems, stderr };
}
