/** Input of the `lenient` job of test/fixtures/readers, run by both engines (test/run/lenient.test.ts, test/spark/readers.test.ts). */

/** 7 lines: 3 of them bad records (a wrong id, a struct without its required os, not JSON); 6 values nulled. */
export const LENIENT_READINGS = [
  '{"id": 1, "amount": 1.5, "day": "2026-11-01", "device": {"os": "ios", "build": 12}}',
  '{"id": 2, "amount": "n/a", "day": "2026-11-31", "device": {"os": "android", "build": "beta"}}',
  '{"id": 3, "amount": "7", "day": null}',
  '{"id": "four", "amount": "x"}',
  '{"id": 5, "amount": 2, "device": {"build": 1}}',
  '{"id": 6, "amount": true, "day": "yesterday"}',
  'not json',
].join('\n');
