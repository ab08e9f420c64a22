/**
 * The scheduled sweep: closes the windows of idle shards and re-emits windows a crash left
 * unemitted. An EventBridge schedule invokes it; closing is an idempotent conditional update, so
 * a late or doubled invocation is harmless, and no reserved concurrency is needed (which would
 * also fail to deploy on accounts with a small concurrency quota).
 */

import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { type EventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IDeliveryStream } from 'aws-cdk-lib/aws-kinesisfirehose';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { InfraPropsError } from './errors.ts';
import type { HandlerEntry } from './handler-entries.ts';
import { PipelineFunction } from './pipeline-function.ts';
import { checkIntInRange } from './validate.ts';
import { checkProcessorSettings } from './window-settings.ts';

/** Props of {@link WindowSweep}. */
export interface WindowSweepProps {
  readonly entry: HandlerEntry;
  readonly table: Table;
  /** Windows the sweep closes are archived here, as the processor's are. */
  readonly archive: IDeliveryStream;
  /** Closed windows' anomalies go here, as the processor's do. */
  readonly bus: EventBus;
  /** `StreamProcessing.settingsEnvironment`: the sweep closes windows by the processor's rules. */
  readonly settingsEnvironment: Readonly<Record<string, string>>;
  /** Minutes between sweeps. @default 1 */
  readonly intervalMinutes?: number;
  /** Below the interval, so sweeps do not pile up. @default 50 */
  readonly timeoutSeconds?: number;
  /** @default 512 */
  readonly memoryMb?: number;
  readonly logRetention?: RetentionDays;
}

/** The sweep function and its schedule. */
export class WindowSweep extends Construct {
  readonly sweep: PipelineFunction;
  readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: WindowSweepProps) {
    super(scope, id);
    const interval = checkIntInRange(
      'WindowSweep',
      'intervalMinutes',
      props.intervalMinutes ?? 1,
      1,
      24 * 60,
    );
    const timeout = props.timeoutSeconds ?? 50;
    if (timeout >= interval * 60) {
      throw new InfraPropsError({
        where: 'WindowSweep',
        setting: 'timeoutSeconds',
        expected: `below the interval (${interval * 60} s)`,
        received: timeout,
      });
    }
    checkProcessorSettings('WindowSweep', props.settingsEnvironment);

    this.sweep = new PipelineFunction(this, 'Sweep', {
      entry: props.entry,
      description: 'Scheduled: closes windows of idle shards and re-emits unemitted windows',
      timeoutSeconds: timeout,
      memoryMb: props.memoryMb ?? 512,
      environment: {
        TABLE_NAME: props.table.tableName,
        ARCHIVE_DELIVERY_STREAM: props.archive.deliveryStreamName,
        EVENT_BUS_NAME: props.bus.eventBusName,
        ...props.settingsEnvironment,
      },
      ...(props.logRetention !== undefined ? { logRetention: props.logRetention } : {}),
    });
    props.table.grantReadWriteData(this.sweep.function);
    props.archive.grantPutRecords(this.sweep.function);
    props.bus.grantPutEventsTo(this.sweep.function);

    this.schedule = new Rule(this, 'Schedule', {
      description: 'Invokes the window sweep',
      schedule: Schedule.rate(Duration.minutes(interval)),
      // The next sweep redoes whatever this one did not finish: retrying an old tick only adds load.
      targets: [new LambdaFunction(this.sweep.function, { retryAttempts: 0 })],
    });
  }
}
