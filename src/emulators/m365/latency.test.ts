import { describe, expect, it } from 'vitest';
import {
  createLatency,
  EXCHANGE_ONLINE_LATENCY,
  latencyKind,
  LatencySpecError,
  parseLatency,
} from './latency.ts';

describe('latency spec', () => {
  it('reads off, default and rules on top of the defaults', () => {
    expect(parseLatency('off')).toBeUndefined();
    expect(parseLatency('default')).toEqual(EXCHANGE_ONLINE_LATENCY);
    const plan = parseLatency('message=400+300, jitter=0.1, seed=7');
    expect(plan?.rules.message).toEqual({ baseMs: 400, perMiBMs: 300 });
    expect(plan?.rules.get).toEqual(EXCHANGE_ONLINE_LATENCY.rules.get);
    expect(plan).toMatchObject({ jitter: 0.1, seed: 7 });
  });

  it('names the offending rule', () => {
    expect(() => parseLatency('fast=10')).toThrow(LatencySpecError);
    expect(() => parseLatency('get')).toThrow(/"get" has no "="/);
    expect(() => parseLatency('get=1.5')).toThrow(/whole milliseconds/);
    expect(() => parseLatency('jitter=1')).toThrow(/fraction/);
    expect(() => parseLatency('seed=-1')).toThrow(/whole number/);
  });
});

describe('latency model', () => {
  it('adds the per-MiB part, keeps within the jitter and repeats for a seed', () => {
    const plan = parseLatency('upload=100+250,jitter=0.2,seed=5');
    if (plan === undefined) throw new Error('plan expected');
    const draw = () => {
      const latency = createLatency(plan);
      return Array.from({ length: 50 }, () => latency.delayMs('upload', 4 * 1024 * 1024));
    };
    const delays = draw();
    expect(draw()).toEqual(delays);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(880);
    expect(Math.max(...delays)).toBeLessThanOrEqual(1320);
    expect(new Set(delays).size).toBeGreaterThan(1);
    const flat = createLatency({ ...plan, jitter: 0 });
    expect(flat.delayMs('upload', 2 * 1024 * 1024)).toBe(600);
  });

  it('sorts requests into kinds by method and created resource', () => {
    expect(latencyKind('GET', 'messages/:message')).toBe('get');
    expect(latencyKind('POST', 'mailFolders/:folder/messages')).toBe('message');
    expect(latencyKind('POST', 'mailFolders/:folder/importMime')).toBe('message');
    expect(latencyKind('POST', 'messages/:message/attachments')).toBe('message');
    expect(latencyKind('POST', 'calendars/:calendar/events')).toBe('item');
    expect(latencyKind('POST', 'messages/:message/attachments/createUploadSession')).toBe('item');
    expect(latencyKind('PATCH', 'messages/:message')).toBe('update');
    expect(latencyKind('DELETE', 'messages/:message')).toBe('delete');
  });
});
