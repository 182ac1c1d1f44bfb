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

/** DEBUG lines of `log.debug()` one invocation holds until it knows whether to write them. */
export const MAX_DEBUG_LINES = 100;

/** Bytes of DEBUG lines one invocation holds (their JSON text); past either bound a line is dropped and counted. */
export const MAX_DEBUG_BYTES = 65_536;

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
/**
 * A feature's data quality broke when the share of its values that are
 * missing or of the wrong type exceeds the baseline's missing rate by more
 * than this (absolute; `drift.window.missingRateRise` overrides it). 0.2: a
 * fifth of a window's inputs lost is a break, a few percent is noise.
 */
export const DEFAULT_MISSING_RATE_RISE = 0.2;
/**
 * A numeric value is out of range when it lies beyond the baseline's min/max
 * by more than this share of the range (max − min): training samples rarely
 * hold the true extremes, so a value just past them is not an error.
 */
export const OUT_OF_RANGE_TOLERANCE = 0.1;

/** A first invocation this long after init is a proactive initialization, not a cold start. */
export const PROACTIVE_INIT_GAP_MS = 10_000;

/* Field bounds */

/**
 * Characters of a short user-supplied text: an annotation value, a label, a
 * client or correlation id, an error's name. Longer ones are cut visibly
 * (a preview ending in `...[truncated from N chars]`), the same in the log
 * line and the segment.
 */
export const MAX_TEXT_FIELD_CHARS = 1000;
/**
 * Characters of one `addMetadata()` value as JSON. A longer string is cut like
 * a text field; a longer object becomes `{ truncated: true, length, preview }`.
 */
export const MAX_METADATA_CHARS = 16_384;
/** Characters of a thrown error's message in the log line and the X-Ray `cause`. */
export const MAX_ERROR_MESSAGE_CHARS = 4096;
/** Characters of a thrown error's stack in the log line and the X-Ray `cause`. */
export const MAX_ERROR_STACK_CHARS = 16_384;
/** Characters of an invalid input's field and reason (in every log line and span of a rejected input). */
export const MAX_INVALID_INPUT_CHARS = 200;
/** Longest `addMetadata()` key; a longer one is refused (the call returns false). */
export const MAX_METADATA_KEY_CHARS = 255;
/**
 * Predictions of one result read for confidences, labels and abstentions; the
 * rest are counted in `Predictions` only. Each read confidence is an EMF value,
 * and EMF takes 100 per record: 1000 keeps an invocation within 10 records.
 */
export const MAX_PREDICTIONS_READ = 1000;
/* Transport */

/**
 * The largest UDP payload IPv4 can carry (65,535 minus the IP and UDP
 * headers); IPv6 allows 65,527, so this one limit is safe for both. The X-Ray
 * daemon's 64 KiB read buffer holds it too.
 */
export const MAX_UDP_PAYLOAD_BYTES = 65_507;
/**
 * After the daemon's host fails to resolve (or to connect), the first retry
 * waits this long; each further failure doubles the wait up to
 * {@link DAEMON_RETRY_MAX_MS}. Meanwhile datagrams are counted as lost
 * without a lookup or a socket: a bad address costs no DNS stall and no fd
 * per invocation, yet a daemon that comes up later is found within a minute.
 */
export const DAEMON_RETRY_MIN_MS = 1_000;
/** …and at most this long between attempts. */
export const DAEMON_RETRY_MAX_MS = 60_000;
/**
 * Characters of documents held while the daemon's address is being resolved
 * (4 MiB): a first export of 2,000 spans fits several times over, yet a slow
 * DNS lookup (seconds) under heavy traffic cannot pile up documents; past it
 * they are counted as lost.
 */
export const MAX_CHARS_AWAITING_DAEMON = 4 * 1024 * 1024;
/**
 * Ended spans one trace may hold until it is exported: twice a 1,000-stage
 * invocation, and ~2 MB at ~1 KB a span, so a runaway loop opening 100k
 * spans costs a bounded amount. Past it the trace's newest spans are dropped
 * (counted in `TelemetryErrors`), except the invocation span the rest hang under.
 */
export const MAX_TRACE_SPANS = 2_000;
/**
 * Ended spans all traces may hold together (~10 MB): 600 overlapping
 * invocations of 16 spans each fit. Past it a span is dropped from the trace
 * holding the most, so a small invocation never loses spans to its neighbours.
 */
export const MAX_BUFFERED_SPANS = 10_000;
/**
 * Spans that end after their trace was exported (a background task the
 * handler did not await) wait for the next export, at most this many.
 */
export const MAX_LATE_SPANS = 1_000;
/** Exported trace ids remembered to recognize such late spans (~100 KB). */
export const MAX_EXPORTED_TRACE_IDS = 1_000;
/* Inputs */

/** Past this depth a payload is summarised (hashing, redaction), so hostile nesting cannot overflow the stack. */
export const MAX_PAYLOAD_DEPTH = 200;

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

/* Stages */

/**
 * Distinct `stage()` names an execution environment gives a `<Stage>Duration`
 * metric and a key in the log's `stages` of their own. Each is a billed
 * CloudWatch custom metric; a name built from data (`stage(\`item-${id}\`)`)
 * would otherwise make one per value. Later new names are timed as the stage
 * `other` (their spans keep their own names).
 */
export const MAX_STAGE_METRICS = 20;
/** Characters of a stage name kept in its span name, metric name and log key. */
export const MAX_STAGE_NAME_CHARS = 64;

/* Model calls */

/** Distinct models named in the log line's `model_calls.models`, and given a `BedrockModelId` of their own, per invocation. */
export const MAX_LOGGED_MODELS = 10;
/**
 * Characters of a captured prompt or completion (`capturePrompts`) on a
 * span, as JSON: half of MAX_METADATA_CHARS, so the segment's own JSON
 * escaping of that text can never push it past the metadata bound.
 */
export const MAX_CAPTURED_PROMPT_CHARS = 8_000;
