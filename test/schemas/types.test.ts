import avro from 'avsc';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { CurrentValue, VersionValue } from '../../schemas/derive.ts';
import { SCHEMA_HISTORY } from '../../schemas/generated/catalog.ts';
import type { Anomaly, TelemetryEvent, WindowAggregate } from '../../schemas/types.ts';
import { ANOMALY_KINDS, ANOMALY_SEVERITIES } from '../../schemas/types.ts';

// The compile-time half of this file is the proof: `npm test` runs `tsc`, and each
// `toEqualTypeOf` below is a type error as soon as an interface and its .avsc disagree.
describe('TypeScript types agree with the .avsc schemas', () => {
  it('TelemetryEvent is exactly the current TelemetryEvent schema', () => {
    expectTypeOf<TelemetryEvent>().toEqualTypeOf<CurrentValue<'TelemetryEvent'>>();
  });

  it('a v1 TelemetryEvent (no unit) is still a valid TelemetryEvent value', () => {
    expectTypeOf<VersionValue<'TelemetryEvent', 0>>().toExtend<TelemetryEvent>();
  });

  it('WindowAggregate is exactly the current WindowAggregate schema', () => {
    expectTypeOf<WindowAggregate>().toEqualTypeOf<CurrentValue<'WindowAggregate'>>();
  });

  it('Anomaly is exactly the current Anomaly schema', () => {
    expectTypeOf<Anomaly>().toEqualTypeOf<CurrentValue<'Anomaly'>>();
  });

  it('the enum constants list the schema symbols in schema order', () => {
    const anomaly = avro.Type.forSchema(
      SCHEMA_HISTORY.Anomaly.at(-1) as unknown as avro.Schema,
    ) as unknown as {
      field(name: string): { type: { getSymbols(): string[] } };
    };
    expect(anomaly.field('kind').type.getSymbols()).toEqual([...ANOMALY_KINDS]);
    expect(anomaly.field('severity').type.getSymbols()).toEqual([...ANOMALY_SEVERITIES]);
  });
});
