// Upload: `workerctl cpi upload FILE --no-wait` of a 180 MB CPI against curl posting the same kind of file to the same
// sandbox endpoint, and against the same job in plain Node (bench/plain/upload.mjs), so a gap to curl shows how much of
// it is Node's own; the peak RSS of workerctl for 180 MB and 20 MB (flat when the file is streamed).
import {randomBytes} from 'node:crypto'
import {existsSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {measure, median, mib, NODE, ROOT, round, run, runs, sandbox, table, testHelper, verdict, workerctl} from '../lib.mjs'

const CURL = '/usr/bin/curl'
const PLAIN = join(ROOT, 'bench', 'plain', 'upload.mjs')
const MB = 2 ** 20
const SIZES = [180, 20]
const TARGET_EFFICIENCY = 1.5
const TARGET_RSS_MB = 150
/** Flat: more file may cost at most this share of its size in more peak RSS (a buffered upload costs all of it). */
const FLAT_SHARE = 0.25

/**
 * A stored (not deflated) CPI of about `mb` MiB of random bytes, built once with makeZip; `variant(k)` rewrites its
 * manifest in place to version 1.0.<k> (same length, CRC updated), so each run uploads a new CPI version: workerctl
 * neither answers `unchanged` nor hashes the file first, and the sandbox sees no duplicate.
 */
async function bigCpi(mb, name) {
  const {makeZip} = await testHelper('demo-files.ts')
  const manifestName = 'META-INF/MANIFEST.MF'
  const manifest = k => `Manifest-Version: 1.0\r\nCorda-CPI-Name: ${name}\r\nCorda-CPI-Version: 1.0.${String(k).padStart(6, '0')}\r\n\r\n`
  const zip = makeZip(
    {
      [manifestName]: manifest(0),
      'META-INF/GroupPolicy.json': JSON.stringify({fileFormatVersion: 1, groupId: '0b8ed6a1-1d6b-4bd7-9f3a-5a1d7c3e2f10'}),
      'extra.bin': randomBytes(mb * MB),
    },
    true,
  )
  const dataAt = 30 + Buffer.byteLength(manifestName) // the first local header, then its name
  const centralAt = zip.readUInt32LE(zip.length - 22 + 16) // end of central directory → first central header
  return {
    bytes: zip.length,
    variant(k) {
      const text = Buffer.from(manifest(k))
      const crc = makeZip({[manifestName]: text}, true).readUInt32LE(14)
      text.copy(zip, dataAt)
      zip.writeUInt32LE(crc, 14)
      zip.writeUInt32LE(crc, centralAt + 16)
      return zip
    },
  }
}

export async function upload() {
  const RUNS = runs(5)
  const WARMUP = 1
  const sbx = await sandbox({requests: 0, jobs: 0})
  const file = join(sbx.home.dir, 'bench.cpi')
  const hasCurl = existsSync(CURL)
  let version = 0
  try {
    // The fixed cost of starting workerctl at all, measured here (same conditions) to subtract from the upload.
    const startup = await measure(RUNS, WARMUP, async () => {
      const r = await workerctl(['--version'], {env: sbx.env, maxRss: true})
      return {ms: r.ms, maxRss: r.maxRss, ruMaxRss: r.ruMaxRss}
    })
    // The same for plain Node, to subtract from the plain-Node upload.
    const nodeStartup = await measure(RUNS, WARMUP, async () => ({ms: (await run(NODE, ['-e', '0'])).ms}))
    const sizes = {}
    for (const mb of SIZES) {
      const cpi = await bigCpi(mb, `bench-upload-${mb}mb`)
      const writeVariant = () => writeFileSync(file, cpi.variant(++version))
      // workerctl and curl take turns, so a slow spell of the machine falls on both.
      const wctl = []
      const curl = []
      const plain = []
      for (let i = 0; i < WARMUP + RUNS; i++) {
        writeVariant()
        const w = await workerctl(['cpi', 'upload', file, '--no-wait', '-o', 'json'], {env: sbx.env, keep: true, maxRss: true, timeoutMs: 600_000})
        const out = JSON.parse(w.stdout)
        if (out.result !== 'submitted' || !out.requestId) throw new Error(`cpi upload did not submit: ${w.stdout}`)
        if (i >= WARMUP) wctl.push({ms: w.ms, maxRss: w.maxRss, ruMaxRss: w.ruMaxRss})
        if (!hasCurl) continue
        // curl sends the file as the part `upload`, as workerctl does, and also only submits it (the answer is its id).
        writeVariant()
        const c = await run(CURL, ['-sS', '--noproxy', '*', '-u', 'admin:admin', '-F', `upload=@${file}`, `${sbx.url}/api/v5_2/cpi`], {keep: true, timeoutMs: 600_000})
        if (!JSON.parse(c.stdout).id) throw new Error(`curl upload got no id: ${c.stdout}`)
        if (i >= WARMUP) curl.push({ms: c.ms})
        writeVariant()
        const p = await run(NODE, [PLAIN, file, `${sbx.url}/api/v5_2/cpi`, 'admin:admin'], {keep: true, timeoutMs: 600_000})
        if (!JSON.parse(p.stdout).body.id) throw new Error(`plain Node upload got no id: ${p.stdout}`)
        if (i >= WARMUP) plain.push({ms: p.ms})
      }
      const med = list => Object.fromEntries(Object.keys(list[0] ?? {}).map(k => [k, median(list.map(r => r[k]))]))
      sizes[mb] = {
        fileBytes: cpi.bytes,
        workerctl: {runs: wctl, median: med(wctl)},
        plainNode: {runs: plain, median: med(plain)},
        curl: hasCurl ? {runs: curl, median: med(curl)} : undefined,
      }
      rmSync(file, {force: true})
    }

    const [bigMb, smallMb] = SIZES
    const big = sizes[bigMb]
    const small = sizes[smallMb]
    const efficiency = hasCurl ? (big.workerctl.median.ms - startup.median.ms) / big.curl.median.ms : undefined
    // Each less its own start-up: what Node itself needs for the job against curl, and what workerctl adds to that.
    const plainWork = big.plainNode.median.ms - nodeStartup.median.ms
    const nodeFloor = hasCurl ? plainWork / big.curl.median.ms : undefined
    const overPlain = (big.workerctl.median.ms - startup.median.ms) / plainWork
    // Per byte only: what the extra 160 MB cost each, fixed costs (start-up, module loading, listing CPIs) cancelled.
    const marginal = hasCurl ? (big.workerctl.median.ms - small.workerctl.median.ms) / (big.curl.median.ms - small.curl.median.ms) : undefined
    const rssBig = mib(big.workerctl.median.maxRss)
    const rssSmall = mib(small.workerctl.median.maxRss)
    const growth = rssBig - rssSmall
    const flatLimit = (mib(big.fileBytes) - mib(small.fileBytes)) * FLAT_SHARE
    const mbps = (bytes, ms) => mib(bytes) / (ms / 1000)
    const rows = [
      {name: 'workerctl --version', ms: startup.median.ms, rss: mib(startup.median.maxRss)},
      {name: 'node -e 0', ms: nodeStartup.median.ms},
    ]
    for (const mb of SIZES) {
      const {fileBytes, workerctl: w, curl: c, plainNode: p} = sizes[mb]
      rows.push({name: `workerctl cpi upload ${mb} MB --no-wait`, ms: w.median.ms, mbps: mbps(fileBytes, w.median.ms), rss: mib(w.median.maxRss)})
      rows.push({name: `plain Node upload + SHA-256 ${mb} MB`, ms: p.median.ms, mbps: mbps(fileBytes, p.median.ms)})
      rows.push(c ? {name: `curl -F upload=@FILE ${mb} MB`, ms: c.median.ms, mbps: mbps(fileBytes, c.median.ms)} : {name: `curl: not found at ${CURL}, skipped`})
    }
    table(
      `upload to the sandbox over loopback, median of ${RUNS} runs (${WARMUP} warm-up), a new CPI version each run`,
      [
        ['case', 'name', 38, 'left'],
        ['ms', 'ms', 9],
        ['MB/s', 'mbps', 8],
        ['peak RSS MB', 'rss', 13],
      ],
      rows.map(r => ({...r, ms: round(r.ms), mbps: round(r.mbps), rss: round(r.rss)})),
    )
    const sign = n => `${n >= 0 ? '+' : ''}${n.toFixed(1)}`
    const verdicts = [
      efficiency === undefined
        ? 'transfer efficiency: not measured (no curl)'
        : `transfer efficiency (upload ${bigMb} MB − --version) / curl = ${efficiency.toFixed(2)}, target ≤ ${TARGET_EFFICIENCY}: ${verdict(efficiency <= TARGET_EFFICIENCY)}`,
      ...(marginal === undefined ? [] : [`  per byte only ((${bigMb} MB − ${smallMb} MB) workerctl / same for curl) = ${marginal.toFixed(2)} (no target)`]),
      ...(nodeFloor === undefined ? [] : [`  plain Node, same job ((upload − node -e 0) / curl) = ${nodeFloor.toFixed(2)} (no target: Node's own share of the gap)`]),
      `  workerctl over plain Node ((upload − --version) / (plain upload − node -e 0)) = ${overPlain.toFixed(2)} (no target)`,
      `peak RSS, ${bigMb} MB upload = ${rssBig.toFixed(1)} MB, target < ${TARGET_RSS_MB} MB: ${verdict(rssBig < TARGET_RSS_MB)}`,
      `flat memory: ${bigMb} MB vs ${smallMb} MB file = ${sign(growth)} MB peak RSS for ${(mib(big.fileBytes) - mib(small.fileBytes)).toFixed(0)} MB more file, target ≤ +${flatLimit.toFixed(0)} MB: ${verdict(growth <= flatLimit)}`,
    ]
    for (const v of verdicts) console.log(v)
    const summary = r =>
      r && {
        medianMs: round(r.median.ms),
        samplesMs: r.runs.map(x => round(x.ms)),
        ...(r.median.maxRss
          ? {peakRssMB: round(mib(r.median.maxRss)), samplesPeakRssMB: r.runs.map(x => round(mib(x.maxRss))), getrusageMaxRssMB: r.runs.map(x => round(mib(x.ruMaxRss)))}
          : {}),
      }
    return {
      runs: RUNS,
      warmup: WARMUP,
      versionStartup: summary(startup),
      nodeStartup: summary(nodeStartup),
      sizes: Object.fromEntries(
        SIZES.map(mb => [
          `${mb}MB`,
          {fileBytes: sizes[mb].fileBytes, workerctl: summary(sizes[mb].workerctl), plainNode: summary(sizes[mb].plainNode), curl: summary(sizes[mb].curl)},
        ]),
      ),
      transferEfficiency: round(efficiency, 2),
      perByteRatio: round(marginal, 2),
      plainNodeRatio: round(nodeFloor, 2),
      overPlainNode: round(overPlain, 2),
      rssGrowthMB: round(growth),
      targets: {transferEfficiency: TARGET_EFFICIENCY, peakRssMB: TARGET_RSS_MB, flatGrowthMB: round(flatLimit)},
      verdicts,
    }
  } finally {
    rmSync(file, {force: true})
    await sbx.close()
  }
}
