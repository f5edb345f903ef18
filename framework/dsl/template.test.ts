import { describe, expect, it } from 'vitest';
import { fixedPrefix, renderTemplate, renderWindow, templateNames } from './template.ts';

const day = (d: string, hours = 24) => ({ param: 'dt', startMs: Date.parse(`${d}T00:00:00Z`), endMs: Date.parse(`${d}T00:00:00Z`) + hours * 3_600_000 });
const values = { bucket: 'raw', dt: '2026-11-01' };

describe('location templates', () => {
  it('render one location for given values, formatting dates in UTC', () => {
    expect(renderTemplate('s3://{bucket}/raw/{dt|yyyy/MM/dd}/', values, 'x')).toBe('s3://raw/raw/2026/11/01/');
    expect(renderTemplate('s3://{bucket}/raw/dt={dt}/', values, 'x')).toBe('s3://raw/raw/dt=2026-11-01/');
    expect(templateNames('s3://{bucket}/raw/{dt|yyyy/MM/dd/HH}/')).toEqual(['bucket', 'dt']);
    expect(() => renderTemplate('s3://{buckt}/', values, 'location of input raw')).toThrow(/uses \{buckt\}, which is not a parameter/);
  });

  it("name a window's folders, one per unit of the pattern's finest letter, in time order", () => {
    const hours = renderWindow('s3://{bucket}/raw/{dt|yyyy/MM/dd/HH}/', values, day('2026-11-01', 30), 'x');
    expect(hours).toHaveLength(30);
    expect(hours[0]).toBe('s3://raw/raw/2026/11/01/00/');
    expect(hours[23]).toBe('s3://raw/raw/2026/11/01/23/');
    expect(hours[29]).toBe('s3://raw/raw/2026/11/02/05/');
    // A day pattern over a day and 6 hours: two day folders.
    expect(renderWindow('s3://{bucket}/raw/{dt|yyyy/MM/dd}/', values, day('2026-11-01', 30), 'x')).toEqual(['s3://raw/raw/2026/11/01/', 's3://raw/raw/2026/11/02/']);
    // A plain {dt} is a day; a month pattern steps by months, across the year's end.
    expect(renderWindow('d/{dt}/', values, day('2026-12-31', 48), 'x')).toEqual(['d/2026-12-31/', 'd/2027-01-01/']);
    expect(renderWindow('m/{dt|yyyy/MM}/', values, { param: 'dt', startMs: Date.parse('2026-12-15T00:00:00Z'), endMs: Date.parse('2027-01-02T00:00:00Z') }, 'x')).toEqual(['m/2026/12/', 'm/2027/01/']);
    // A window that starts mid-hour still reads that hour's folder.
    expect(renderWindow('h/{dt|yyyy/MM/dd/HH}/', values, { param: 'dt', startMs: Date.parse('2026-11-01T10:30:00Z'), endMs: Date.parse('2026-11-01T11:00:01Z') }, 'x')).toEqual(['h/2026/11/01/10/', 'h/2026/11/01/11/']);
    // A template that does not use the window's parameter names one location.
    expect(renderWindow('s3://{bucket}/dim/users/', values, day('2026-11-01'), 'x')).toEqual(['s3://raw/dim/users/']);
  });

  it('cut to the folder before the first left-out parameter: where a run over everything reads', () => {
    expect(fixedPrefix('s3://{bucket}/raw/events/{dt|yyyy/MM/dd/HH}/', { bucket: 'raw' }, new Set(['dt']), 'x')).toBe('s3://raw/raw/events/');
    expect(fixedPrefix('s3://{bucket}/raw/events-{dt}/', { bucket: 'raw' }, new Set(['dt']), 'x')).toBe('s3://raw/raw/');
    expect(fixedPrefix('sample/events/', {}, new Set(['dt']), 'x')).toBe('sample/events/');
    expect(fixedPrefix('s3://{bucket}/raw/{dt}/', values, new Set(), 'x')).toBe('s3://raw/raw/2026-11-01/');
  });
});
