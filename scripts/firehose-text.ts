/**
 * How the apps' events look in the Firehose stream, shared by the sample generator and the
 * bench's generator: timestamps in the styles different SDK versions send, and the
 * YYYY/MM/DD/HH folder Firehose writes an hour into. Times are microseconds since the epoch.
 */
const US = 1_000_000;
const HOUR = 3600 * US;

export type TsStyle = 'millis' | 'micros' | 'seconds' | 'offset+02';

export const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function formatTs(t: number, style: TsStyle): string {
  const shifted = style === 'offset+02' ? t + 2 * HOUR : t;
  const d = new Date(Math.floor(shifted / 1000));
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const micros = ((shifted % US) + US) % US;
  switch (style) {
    case 'millis':
      return `${base}.${pad(Math.floor(micros / 1000), 3)}Z`;
    case 'micros':
      return `${base}.${pad(micros, 6)}Z`;
    case 'seconds':
      return `${base}Z`;
    case 'offset+02':
      return `${base}.${pad(Math.floor(micros / 1000), 3)}+02:00`;
  }
}

export function hourFolder(t: number): string {
  const d = new Date(Math.floor(t / 1000));
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCHours())}`;
}
