import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, MINUTE_MS, formatDuration, parseDuration } from './duration.ts';

describe('durations', () => {
  it('read whole days, hours and minutes, and write them back', () => {
    expect(parseDuration('6h')).toBe(6 * HOUR_MS);
    expect(parseDuration('90m')).toBe(90 * MINUTE_MS);
    expect(parseDuration('1d12h')).toBe(DAY_MS + 12 * HOUR_MS);
    expect(parseDuration('0m')).toBe(0);
    for (const text of ['6h', '1d6h', '2d', '45m', '1d1h1m']) expect(formatDuration(parseDuration(text)!)).toBe(text);
  });

  it('refuse anything else', () => {
    for (const text of ['', '6', '1.5h', '6 h', '6H', '3w', '1mo', 'h6', '6h1d', '-1h', ' 6h']) expect(parseDuration(text)).toBeUndefined();
  });
});
