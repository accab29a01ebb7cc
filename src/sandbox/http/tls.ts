// A self-signed certificate made at start (--tls). It is its own CA, so clients trust it with --ca-cert.
// selfsigned is loaded only here, so a plain-HTTP sandbox never pays for it.

export interface Certificate {
  key: string
  cert: string
}

export async function selfSignedCertificate(days = 30): Promise<Certificate> {
  const {generate} = await import('selfsigned')
  const now = Date.now()
  const pems = await generate([{name: 'commonName', value: 'localhost'}], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 60_000), // a minute of slack for clock skew
    notAfterDate: new Date(now + days * 86_400_000),
    extensions: [
      {name: 'basicConstraints', cA: true, critical: true},
      {name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true},
      {name: 'extKeyUsage', serverAuth: true},
      {
        name: 'subjectAltName',
        altNames: [
          {type: 2, value: 'localhost'},
          {type: 7, ip: '127.0.0.1'},
        ],
      },
    ],
  })
  return {key: pems.private, cert: pems.cert}
}
