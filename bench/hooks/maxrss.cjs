// Preload for the benchmark (NODE_OPTIONS=--require bench/hooks/maxrss.cjs): when the process exits, writes its peak
// resident set size in bytes to the file named by BENCH_MAXRSS_FILE, as JSON {peak, vmHWM, maxRSS}.
//
// peak is VmHWM from /proc/self/status on Linux (the high-water mark of this process image since exec), else
// process.resourceUsage().maxRSS. Not maxRSS on Linux: getrusage's ru_maxrss survives exec, so a child forked from a
// big parent (the bench, holding a 180 MB file and the sandbox) reports the parent's size, not its own.
'use strict'
const file = process.env.BENCH_MAXRSS_FILE
if (file) {
  process.on('exit', () => {
    const fs = require('node:fs')
    const maxRSS = process.resourceUsage().maxRSS * 1024
    let vmHWM
    try {
      const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))
      if (kb) vmHWM = Number(kb[1]) * 1024
    } catch {
      // not Linux
    }
    fs.writeFileSync(file, JSON.stringify({peak: vmHWM ?? maxRSS, vmHWM, maxRSS}))
  })
}
