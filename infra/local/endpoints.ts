/**
 * The endpoints file `npm run stack` writes: where each service of the local stack listens and
 * what its resources are called. Any AWS SDK client or the AWS CLI pointed at these works.
 */

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

/** The emulators accept any credentials; the SDK still needs some to sign with. */
export const LOCAL_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
} as const;

/** The JSON document of the endpoints file. */
export interface EndpointsFile {
  readonly region: string;
  readonly accountId: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** `POST` telemetry here with `x-api-key`. */
  readonly ingest: { readonly url: string; readonly apiKey: string };
  /** Base URL of the local API (`/v1/events`, `/v1/aggregates`). */
  readonly api: { readonly url: string; readonly aggregates: string };
  readonly kinesis: {
    readonly endpoint: string;
    readonly streams: Readonly<Record<string, string>>;
  };
  readonly dynamodb: {
    readonly endpoint: string;
    readonly tables: Readonly<Record<string, string>>;
  };
  /** Queue URLs by role. */
  readonly sqs: { readonly endpoint: string; readonly queues: Readonly<Record<string, string>> };
  /** Topic ARNs by role. */
  readonly sns: { readonly endpoint: string; readonly topics: Readonly<Record<string, string>> };
  readonly eventbridge: {
    readonly endpoint: string;
    readonly buses: Readonly<Record<string, string>>;
  };
  /** Firehose objects (the closed-window archive) are written under `archiveDir`. */
  readonly firehose: {
    readonly endpoint: string;
    readonly deliveryStreams: Readonly<Record<string, string>>;
    readonly archiveDir: string;
  };
  /** `export` these to point the SDK or the AWS CLI at the stack (`AWS_ENDPOINT_URL_<SERVICE>`). */
  readonly env: Readonly<Record<string, string>>;
}
