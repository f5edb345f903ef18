// Preloaded into every bench child (node --import): writes the process's peak resident set
// size, in bytes, to $BENCH_RSS_FILE when it exits, whatever the system measured.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)));
