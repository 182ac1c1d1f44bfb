/**
 * The conditions warm invocations run under. The default is the benchmark's
 * historical shape; the others are what an independent harness found our lead
 * depends on (issue 13): a bigger event, two stages, the trace header only in
 * `_X_AMZN_TRACE_ID` (as the Node runtime client gives it; only Lambda Managed
 * Instances put it on the context), and X-Ray's default sampling, under which
 * most invocations are not sampled.
 */
export interface Scenario {
  readonly id: ScenarioId;
  readonly label: string;
  /** Features in the request body (the model reads 32 at most). */
  readonly features: number;
  /** `predict` alone, or `preprocess` then `predict`, each a stage where the contender has stages. */
  readonly stages: 1 | 2;
  /** Whether the context carries `xRayTraceId` as well as the environment variable. */
  readonly traceInContext: boolean;
  /** Share of invocations whose trace header says `Sampled=1` (spread evenly). */
  readonly sampled: number;
}

export const SCENARIO_IDS = ['default', 'independent', 'sampled-5pct', 'unsampled'] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

const INDEPENDENT = { features: 32, stages: 2, traceInContext: false } as const;

export const SCENARIOS: Readonly<Record<ScenarioId, Scenario>> = {
  default: {
    id: 'default',
    label: '16 features, one stage, trace header in env and context, all sampled',
    features: 16,
    stages: 1,
    traceInContext: true,
    sampled: 1,
  },
  independent: {
    id: 'independent',
    label: '32 features, two stages, trace header in env only, all sampled',
    ...INDEPENDENT,
    sampled: 1,
  },
  'sampled-5pct': {
    id: 'sampled-5pct',
    label: 'as independent, 5 % sampled (X-Ray default past the first request each second)',
    ...INDEPENDENT,
    sampled: 0.05,
  },
  unsampled: {
    id: 'unsampled',
    label: 'as independent, none sampled',
    ...INDEPENDENT,
    sampled: 0,
  },
};

/** The function environment and runner settings that put a run under `scenario`. */
export function scenarioEnv(scenario: Scenario): Record<string, string> {
  return {
    // Read by the handlers (bench/handlers/model.mjs) at import.
    BENCH_STAGES: String(scenario.stages),
    // Read by the runner, which removes every OI_BENCH_ variable before importing the handler.
    OI_BENCH_FEATURES: String(scenario.features),
    OI_BENCH_TRACE_IN_CONTEXT: scenario.traceInContext ? '1' : '0',
    OI_BENCH_SAMPLED: String(scenario.sampled),
  };
}
