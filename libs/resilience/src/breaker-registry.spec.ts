import { GatewayError } from '@app/core';
import { BreakerRegistry } from './breaker-registry';
import type { BreakerSettings } from './circuit-breaker';
import { FakeClock } from './testing/fake-clock';

const settings = (coolDownMs: number): BreakerSettings => ({
  consecutiveFailures: 1,
  failureRate: 0,
  windowMs: 10_000,
  minimumCalls: 10,
  coolDownMs,
});

describe('BreakerRegistry', () => {
  it('creates the breakers of a settings map up front and shows them in the snapshot', () => {
    const registry = new BreakerRegistry(
      new Map([
        ['a', settings(1000)],
        ['b', settings(2000)],
      ]),
      { now: new FakeClock().now },
    );
    expect(registry.size).toBe(2);
    expect(registry.snapshot().map((s) => [s.name, s.state])).toEqual([
      ['a', 'closed'],
      ['b', 'closed'],
    ]);
    expect(registry.get('b').settings.coolDownMs).toBe(2000);
  });

  it('returns the same breaker for the same name', () => {
    const registry = new BreakerRegistry(new Map([['a', settings(1000)]]));
    expect(registry.get('a')).toBe(registry.get('a'));
  });

  it('creates breakers lazily from a settings function, once per name', () => {
    const settingsFor = jest.fn((name: string) => settings(name === 'slow' ? 9000 : 1000));
    const registry = new BreakerRegistry(settingsFor);
    expect(registry.size).toBe(0);
    expect(registry.get('slow').settings.coolDownMs).toBe(9000);
    registry.get('slow');
    expect(registry.get('fast').settings.coolDownMs).toBe(1000);
    expect(settingsFor).toHaveBeenCalledTimes(2);
    expect(registry.size).toBe(2);
  });

  it('falls back to the defaults for names the source does not know', () => {
    const registry = new BreakerRegistry(new Map([['a', settings(1000)]]), {
      defaults: settings(7000),
    });
    expect(registry.get('other').settings.coolDownMs).toBe(7000);
    expect(registry.get('a').settings.coolDownMs).toBe(1000);
  });

  it('throws an internal GatewayError for a name without any settings', () => {
    const registry = new BreakerRegistry(() => undefined);
    expect(() => registry.get('ghost')).toThrow(GatewayError);
    expect(() => registry.get('ghost')).toThrow(/ghost/);
  });

  it('passes the clock and the state listener to every breaker', () => {
    const clock = new FakeClock(100);
    const changes: string[] = [];
    const registry = new BreakerRegistry(() => settings(500), {
      now: clock.now,
      onStateChange: (name, from, to) => changes.push(`${name}:${from}->${to}`),
    });
    registry.get('a').onFailure();
    registry.get('b').onFailure();
    clock.advance(500);
    expect(registry.snapshot().map((s) => s.state)).toEqual(['half-open', 'half-open']);
    expect(changes).toEqual([
      'a:closed->open',
      'b:closed->open',
      'a:open->half-open',
      'b:open->half-open',
    ]);
  });

  describe('pickWhenAllOpen', () => {
    const openAll = () => {
      const clock = new FakeClock(0);
      const registry = new BreakerRegistry(
        new Map([
          ['a', settings(10_000)],
          ['b', settings(3_000)],
          ['c', settings(3_000)],
        ]),
        { now: clock.now },
      );
      registry.get('a').onFailure(); // half-open at 10 000
      clock.time = 1_000;
      registry.get('b').onFailure(); // half-open at 4 000
      registry.get('c').onFailure(); // half-open at 4 000
      return { clock, registry };
    };

    it('picks the breaker closest to half-open', () => {
      const { clock, registry } = openAll();
      clock.time = 2_000;
      expect(registry.pickWhenAllOpen(['a', 'c'])).toBe('c');
      expect(registry.pickWhenAllOpen(['a'])).toBe('a');
    });

    it('keeps the route order on a tie', () => {
      const { registry } = openAll();
      expect(registry.pickWhenAllOpen(['c', 'b', 'a'])).toBe('c');
      expect(registry.pickWhenAllOpen(['b', 'c', 'a'])).toBe('b');
    });

    it('prefers one whose cool-down is over (half-open, probe taken) as 0 ms away', () => {
      const { clock, registry } = openAll();
      clock.time = 4_000;
      expect(registry.get('c').tryAcquire()).toBe(true); // c's probe is out
      expect(registry.get('c').tryAcquire()).toBe(false);
      expect(registry.pickWhenAllOpen(['a', 'c'])).toBe('c');
    });

    it('returns undefined for an empty list', () => {
      const { registry } = openAll();
      expect(registry.pickWhenAllOpen([])).toBeUndefined();
    });
  });
});
