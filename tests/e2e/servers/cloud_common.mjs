// Helpers shared by the loopback cloud stand-ins (S3, STS, OIDC, GCS, Google token endpoints).
import http from 'node:http';

// Starts an HTTP server on 127.0.0.1, port 0 (ephemeral). `handler(req, res, body)` gets the
// whole request body as a Buffer. Resolves to { server, port, url, close() }.
export async function listen(handler) {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      Promise.resolve(handler(req, res, Buffer.concat(chunks))).catch((err) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`stand-in failure: ${err && err.stack ? err.stack : err}`);
      });
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

export function xmlEscape(text) {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

// Splits a raw query string into [name, value] pairs, percent-decoded ('+' stays '+').
// Throws URIError on a malformed escape.
export function parseQuery(raw) {
  if (!raw) return [];
  return raw
    .split('&')
    .filter((part) => part.length > 0)
    .map((part) => {
      const eq = part.indexOf('=');
      const name = eq < 0 ? part : part.slice(0, eq);
      const value = eq < 0 ? '' : part.slice(eq + 1);
      return [decodeURIComponent(name), decodeURIComponent(value)];
    });
}

// application/x-www-form-urlencoded body -> plain object ('+' is a space there).
export function parseForm(buffer) {
  const out = {};
  for (const [name, value] of new URLSearchParams(buffer.toString('utf8'))) out[name] = value;
  return out;
}

export function sendJson(res, status, doc, headers = {}) {
  const body = Buffer.from(JSON.stringify(doc));
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': body.length,
    ...headers,
  });
  res.end(body);
}

export function sendXml(res, status, xml, headers = {}) {
  const body = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
  res.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': body.length,
    ...headers,
  });
  res.end(body);
}

// The bearer token of an Authorization header ("Bearer x", any case), or null.
export function bearerToken(req) {
  const match = /^bearer\s+(.+)$/i.exec(req.headers.authorization || '');
  return match ? match[1].trim() : null;
}

// Takes the first matching fault from `faults` (consuming one of its `times`), or null.
// A fault is { match(ctx) -> bool, times (default 1), ...what to answer }.
export function takeFault(faults, ctx) {
  const index = faults.findIndex((f) => !f.match || f.match(ctx));
  if (index < 0) return null;
  const fault = faults[index];
  fault.times = (fault.times ?? 1) - 1;
  if (fault.times <= 0) faults.splice(index, 1);
  return fault;
}
