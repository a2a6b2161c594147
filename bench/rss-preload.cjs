// Peak-RSS fallback for bench/run.mjs when /usr/bin/time is missing: loaded into every
// node process of a measured command (NODE_OPTIONS=--require), it appends the process's
// peak resident set size in KiB to $BENCH_RSS_FILE on exit. The bench takes the maximum.
"use strict";
const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on("exit", () => {
    try {
      require("fs").appendFileSync(file, `${process.resourceUsage().maxRSS}\n`);
    } catch {
      // never disturb the measured process
    }
  });
}
