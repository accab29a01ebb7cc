#!/usr/bin/env node
// The upload's job done in plain Node, the obvious way, as a baseline for `cpi upload`: stream FILE as the multipart
// part `upload` (with a Content-Length) to URL with basic auth, hash it with SHA-256 on the way (the checksum
// `cpi upload` must print), print the answer. No workerctl code, no libraries.
//
//   node bench/plain/upload.mjs FILE URL USER:PASSWORD
import {createHash} from 'node:crypto'
import {createReadStream, statSync} from 'node:fs'
import {request} from 'node:http'
import {basename} from 'node:path'

const [file, url, credentials] = process.argv.slice(2)
const boundary = `----plain${Date.now()}`
const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="upload"; filename="${basename(file)}"\r\nContent-Type: application/octet-stream\r\n\r\n`)
const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
const hash = createHash('sha256')
const req = request(
  url,
  {
    method: 'POST',
    headers: {
      'Content-Type': `multipart/form-data; boundary=${boundary}`,
      'Content-Length': head.length + statSync(file).size + tail.length,
      Authorization: `Basic ${Buffer.from(credentials).toString('base64')}`,
    },
  },
  res => {
    let body = ''
    res
      .setEncoding('utf8')
      .on('data', text => (body += text))
      .on('end', () => {
        process.stdout.write(`${JSON.stringify({status: res.statusCode, body: JSON.parse(body), sha256: hash.digest('hex')})}\n`)
        process.exitCode = res.statusCode === 200 ? 0 : 1
      })
  },
)
req.on('error', error => {
  console.error(error.message)
  process.exitCode = 1
})
req.write(head)
const stream = createReadStream(file)
stream.on('data', chunk => hash.update(chunk))
stream.on('end', () => req.end(tail))
stream.pipe(req, {end: false})
