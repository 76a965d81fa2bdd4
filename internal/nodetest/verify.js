// Checks test vectors: stdin is [{format, headers, body (base64), secrets,
// authorization}], stdout each one's {checks, errors}. The body is parsed
// as express.json parses it (JSON.parse of the UTF-8 text).
'use strict';
const { checkRequest } = require('./verifiers.js');

let input = '';
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
  const out = JSON.parse(input).map((v) => {
    const raw = Buffer.from(v.body, 'base64');
    const headers = {};
    for (const [k, val] of Object.entries(v.headers)) headers[k.toLowerCase()] = val;
    let parsed;
    try { parsed = JSON.parse(raw.toString('utf8')); } catch (err) { parsed = undefined; }
    return checkRequest(v.format, { headers, raw, parsed }, { secrets: v.secrets, authorization: v.authorization, tolerance: v.tolerance });
  });
  process.stdout.write(JSON.stringify(out));
});
