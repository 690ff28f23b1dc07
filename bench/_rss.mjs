// Preloaded into a benchmarked child (`node --import bench/_rss.mjs …`): at exit, writes the
// process's peak resident set size (bytes, as the kernel counted it) to BENCH_RSS_FILE.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const file = process.env.BENCH_RSS_FILE;
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
});
