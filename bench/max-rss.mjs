// Preloaded into a measured process (node --import): writes its peak RSS in bytes to BENCH_RSS_FILE on
// exit, and its CPU time (user + system) in microseconds to BENCH_CPU_FILE when that is set.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const usage = process.resourceUsage();
  if (process.env.BENCH_RSS_FILE) writeFileSync(process.env.BENCH_RSS_FILE, String(usage.maxRSS * 1024));
  if (process.env.BENCH_CPU_FILE) writeFileSync(process.env.BENCH_CPU_FILE, String(usage.userCPUTime + usage.systemCPUTime));
});
