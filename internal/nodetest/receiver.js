// Receivers written as each platform's documentation writes them, behind
// one Express app on loopback: the body reaches each check as that
// platform's receivers get it (parsed by express.json, or raw). Each
// endpoint answers 401 when any check fails, 500 while told to fail, 200
// otherwise, and every request is logged with the outcome of each check.
'use strict';
const express = require('express');
const { checkRequest } = require('./verifiers.js');

const endpoints = Object.create(null); // name → {secrets, authorization, fail, tolerance}
const log = [];
const app = express();

app.post('/_config', express.json(), (req, res) => {
  Object.assign(endpoints, req.body);
  res.json({ ok: true });
});
app.get('/_log', (req, res) => res.json(log));

function handle(format, parsed) {
  return (req, res) => {
    const ep = endpoints[req.params.name] || { secrets: [] };
    const raw = parsed ? req.rawBody : req.body;
    const { checks, errors } = checkRequest(format, { headers: req.headers, raw, parsed: parsed ? req.body : undefined }, ep);
    const ok = Object.keys(checks).length > 0 && Object.values(checks).every(Boolean);
    log.push({ endpoint: req.params.name, format, headers: req.headers, body: raw.toString('base64'), checks, errors, ok });
    if (!ok) return res.status(401).send('Invalid signature');
    if (ep.fail > 0) {
      ep.fail--;
      return res.status(500).send('failing on purpose');
    }
    return res.status(200).send('OK');
  };
}

// Express parses the JSON (keeping the raw bytes aside, as Tribe's starter
// app does), or hands over the raw body where the platform verifies that.
const json = express.json({ verify: (req, res, buf) => { req.rawBody = buf; } });
const raw = express.raw({ type: '*/*' });
app.post('/standard/:name', raw, handle('standard', false));
app.post('/selfcommunity/:name', raw, handle('selfcommunity', false));
app.post('/hookd/:name', raw, handle('hookd', false));
app.post('/fluent/:name', json, handle('fluent', true));
app.post('/tribe/:name', json, handle('tribe', true));
app.post('/firstup/:name', json, handle('firstup', true));

const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});
process.stdin.on('end', () => process.exit(0)); // the test's end closes stdin
process.stdin.resume();
