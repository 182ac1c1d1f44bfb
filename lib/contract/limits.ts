/*
 * The bounds the runtime keeps and the constructs check against, in one
 * place: docs/telemetry.md's limits table and the CDK's synth-time checks
 * read them from here, so a limit cannot say one thing and do another.
 */

/** EMF allows 100 metric definitions per record; more go to another record. */
export const EMF_MAX_METRICS = 100;
/** EMF allows 100 values per metric; more go to another record. */
export const EMF_MAX_VALUES = 100;

/** The longest CloudWatch dimension value. */
export const MAX_DIMENSION_VALUE = 1024;
/** The longest CloudWatch namespace. */
export const MAX_NAMESPACE = 255;

/**
 * Distinct labels an execution environment gives a metric of their own when
 * no label set is known. Each is a billed CloudWatch custom metric, and the
 * label mix is for reading shares, not for listing every class of a
 * thousand-class model: the rest count as `other`.
 */
export const MAX_LABEL_METRICS = 10;
/** Longest label kept in a metric name; longer ones are cut (CloudWatch allows 255 in all). */
export const MAX_LABEL_NAME = 64;
/** Distinct labels kept in a batch's label → count map in the log line before the rest count as `other`. */
export const MAX_LOGGED_LABELS = 20;

/** Characters of a logged payload (input or output) before it is cut to a preview. */
export const MAX_LOGGED_PAYLOAD_CHARS = 16_384;

/** Stack frames kept per exception in an X-Ray `cause`. */
export const MAX_STACK_FRAMES = 50;
/** Exceptions kept per X-Ray `cause`. */
export const MAX_EXCEPTIONS = 10;

/** Features a baseline may describe: each costs a histogram in every environment. */
export const MAX_FEATURES = 30;
/** Categories kept per categorical feature; the rest go to `other`. */
export const MAX_CATEGORIES = 20;

/** `OBSERVED_DRIFT_WINDOW`: predictions per drift window, at least… */
export const MIN_DRIFT_WINDOW = 10;
/** …and at most. */
export const MAX_DRIFT_WINDOW = 1_000_000;
/** Predictions per drift window unless `OBSERVED_DRIFT_WINDOW` says otherwise. */
export const DEFAULT_DRIFT_WINDOW = 1000;
/** PSI from which a signal is named as moved in the drift log line (the usual "moderate shift" reading). */
export const DRIFT_MOVED_PSI = 0.1;

/** A first invocation this long after init is a proactive initialization, not a cold start. */
export const PROACTIVE_INIT_GAP_MS = 10_000;

/* Inputs */

/**
 * Characters of an input's canonical JSON that `input_hash` covers; past it
 * the hash is of this prefix (docs/library.md, "Big inputs"), so a 6 MB event
 * costs a bounded few ms rather than a full canonicalisation.
 */
export const MAX_HASHED_INPUT_CHARS = 65_536;
/** A proxy body longer than this is not parsed: the input is its text (or decoded bytes). */
export const MAX_PARSED_BODY_CHARS = 65_536;
/** An unparsed body up to this size is still parsed by drift's default feature rows (only when drift is on). */
export const MAX_DRIFT_BODY_CHARS = 1_048_576;
/** An encoded string in a logged payload (JSON, form, base64) is parsed to be redacted up to this size; a longer one is not logged. */
export const MAX_REDACTED_BODY_CHARS = 65_536;
/** A baseline file or object larger than this is refused before it is read (real ones are tens of KB). */
export const MAX_BASELINE_BYTES = 1_048_576;
/** Bins (edges + 1) or categories per baseline distribution: the builder makes at most 100. */
export const MAX_BASELINE_BINS = 1000;
