/**
 * Which events on the anomalies bus are alerts.
 *
 * Interim home: the anomaly detector's event shape is not defined yet, and the local stack must
 * route with the very same pattern, so this constant is meant to move to a module both read
 * (next to `infra/resources.ts`). Until then the rule matches on `source` alone, the one field
 * every anomaly event will carry whatever its detail looks like.
 */

/** The `source` the anomaly detector puts on its events. */
export const ANOMALY_EVENT_SOURCE = 'pipeline.anomaly-detector';

/** EventBridge pattern of anomaly events: alerts (SNS) and remediation work (SQS). */
export const ANOMALY_EVENT_PATTERN = { source: [ANOMALY_EVENT_SOURCE] } as const;
