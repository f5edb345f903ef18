/**
 * Every morning: yesterday's events cleaned, then that day's sessions and KPIs (the jobs
 * downstream of events_clean, found from the job files).
 */
import { definePipeline } from 'lakeform';

export default definePipeline({
  name: 'daily',
  description: "Yesterday's events, sessions and KPIs",
  jobs: { downstreamOf: 'events_clean' },
  // 06:30 UTC: after events_clean's lateness (6 hours into the next day), so the day is complete.
  schedule: 'cron(30 6 * * ? *)',
  slice: 'previous day',
  retries: { attempts: 2, interval: '10m' },
});
