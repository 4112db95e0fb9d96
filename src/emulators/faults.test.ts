import { describe, expect, it } from 'vitest';

import { createFaultInjector, EXCHANGE_FAULT_KINDS, FaultSpecError, parseFaultSpec } from './faults.ts';

describe('fault spec', () => {
  it('parses seeds, probabilities, schedules, parameters and path filters', () => {
    const plan = parseFaultSpec('seed=7, 503=0.25, reset=@3/2, slow=1:1500~/messages');
    expect(plan.seed).toBe(7);
    expect(plan.rules.map((r) => r.kind)).toEqual(['503', 'reset', 'slow']);
    expect(plan.rules[1]?.when).toEqual({ first: 3, every: 2 });
    expect(plan.rules[2]?.param).toBe(1500);
    expect(plan.rules[2]?.path?.test('/v1.0/users/a/messages')).toBe(true);
  });

  it('rejects unknown kinds and malformed schedules with the offending rule named', () => {
    expect(() => parseFaultSpec('418=0.1')).toThrow(FaultSpecError);
    expect(() => parseFaultSpec('500=2')).toThrow(/"2" in "500=2"/);
    expect(() => parseFaultSpec('500=@0')).toThrow(/counts from 1/);
    expect(() => parseFaultSpec('slow=0.5:abc')).toThrow(/whole number/);
  });

  it("takes Exchange's own kinds only where the emulator knows them", () => {
    const plan = parseFaultSpec('busy=@1,commit-503=@2:0,expire=@1~AttachmentSessions', EXCHANGE_FAULT_KINDS);
    expect(plan.rules.map((r) => [r.kind, r.param])).toEqual([
      ['busy', undefined],
      ['commit-503', 0],
      ['expire', undefined],
    ]);
    expect(() => parseFaultSpec('busy=@1')).toThrow(/unknown fault kind "busy"/);
  });

  it('fires schedules on exactly the requested requests', () => {
    const injector = createFaultInjector(parseFaultSpec('500=@2/3'));
    const fired = Array.from({ length: 10 }, (_, i) => (injector.decide('/x') ? i + 1 : 0)).filter(Boolean);
    expect(fired).toEqual([2, 5, 8]);
  });

  it('counts only requests whose path matches the filter', () => {
    const injector = createFaultInjector(parseFaultSpec('503=@1~^/b'));
    expect(injector.decide('/a')).toBeUndefined();
    expect(injector.decide('/b')?.kind).toBe('503');
    expect(injector.decide('/b')).toBeUndefined();
  });

  it('is deterministic for a seed and honours the rate', () => {
    const run = () => {
      const injector = createFaultInjector(parseFaultSpec('seed=42,504=0.2'));
      return Array.from({ length: 2000 }, () => (injector.decide('/') ? 1 : 0));
    };
    const first = run();
    expect(run()).toEqual(first);
    const rate = first.reduce<number>((a, b) => a + b, 0) / first.length;
    expect(rate).toBeGreaterThan(0.17);
    expect(rate).toBeLessThan(0.23);
  });
});
