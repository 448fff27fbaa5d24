// A loopback HTTP server with fault injection, for `kvonce-trace fetch --url`.
//
// Routes (a ?id=... query keeps the per-route attempt counters of different tests apart):
//   /payload.json            200, the payload
//   /signed                  200 when X-Amz-Signature=<signature> (or, for a Google signed URL,
//                            X-Goog-Signature=<signature>) is in the query, else 403
//   /redirect-signed         302 to /signed with the same query, as S3 redirects a presigned URL
//                            to the bucket's regional endpoint
//   /flaky                   500 on the first attempt, then 200
//   /throttled               429 with Retry-After: 1 on the first attempt, then 200
//   /slowdown                503 S3 SlowDown on the first attempt, then 200
//   /reset                   half the body, then the connection is destroyed (every attempt)
//   /reset-once              like /reset on the first attempt, then 200
//   /stall                   half the body, then nothing more (until the server closes)
//   /big?bytes=N             200 with N bytes
//   /gzip                    the payload gzip-compressed, Content-Encoding: gzip
//   /denied                  403 S3 AccessDenied
//   /expired                 400 S3 ExpiredToken
//   /missing                 404 S3 NoSuchKey
//   /redirect-ok             302 to /payload.json (relative)
//   /redirect-loop           302 to itself
//   /redirect-http           302 to http://kvonce-remote.invalid/payload.json (plain, not loopback)
//   /redirect-localhost      302 to http://localhost:<port>/payload.json
import zlib from 'node:zlib';

import { listen } from './cloud_common.mjs';

function s3Error(code, message) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>`;
}

export async function startHttpServer({ payload, signature }) {
  const attempts = new Map(); // "route id" -> attempts so far
  const requests = []; // { route, id, url, time, headers }
  const body = Buffer.from(payload);

  const handler = (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const route = url.pathname;
    const id = url.searchParams.get('id') || '';
    const counterKey = `${route} ${id}`;
    const attempt = (attempts.get(counterKey) || 0) + 1;
    attempts.set(counterKey, attempt);
    requests.push({ route, id, url: req.url, time: Date.now(), headers: req.headers });

    const send = (status, data, headers = {}) => {
      res.writeHead(status, { 'content-length': Buffer.byteLength(data), ...headers });
      res.end(data);
    };
    const sendPayload = () => send(200, body, { 'content-type': 'application/json' });
    const cutOff = () => {
      res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/json' });
      res.write(body.subarray(0, body.length >> 1));
    };

    switch (route) {
      case '/payload.json':
        return sendPayload();
      case '/signed': {
        const given = url.searchParams.get('X-Amz-Signature') ?? url.searchParams.get('X-Goog-Signature');
        if (given !== signature) {
          return send(403, s3Error('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.'));
        }
        return sendPayload();
      }
      case '/flaky':
        return attempt === 1 ? send(500, 'internal error') : sendPayload();
      case '/throttled':
        return attempt === 1 ? send(429, 'slow down', { 'retry-after': '1' }) : sendPayload();
      case '/slowdown':
        return attempt === 1 ? send(503, s3Error('SlowDown', 'Please reduce your request rate.')) : sendPayload();
      case '/reset':
        cutOff();
        return setTimeout(() => res.socket.destroy(), 20);
      case '/reset-once':
        if (attempt > 1) return sendPayload();
        cutOff();
        return setTimeout(() => res.socket.destroy(), 20);
      case '/stall':
        return cutOff(); // never ends; closeAllConnections() ends it when the server closes
      case '/big': {
        const size = Number(url.searchParams.get('bytes'));
        res.writeHead(200, { 'content-length': size });
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        let left = size;
        const pump = () => {
          while (left > 0) {
            const n = Math.min(left, chunk.length);
            left -= n;
            if (!res.write(chunk.subarray(0, n))) return res.once('drain', pump);
          }
          res.end();
        };
        res.on('error', () => {});
        return pump();
      }
      case '/gzip':
        return send(200, zlib.gzipSync(body), { 'content-encoding': 'gzip', 'content-type': 'application/json' });
      case '/denied':
        return send(403, s3Error('AccessDenied', 'Access Denied'));
      case '/expired':
        return send(400, s3Error('ExpiredToken', 'The provided token has expired.'));
      case '/missing':
        return send(404, s3Error('NoSuchKey', 'The specified key does not exist.'));
      case '/redirect-signed':
        return send(302, '', { location: `/signed${url.search}` });
      case '/redirect-ok':
        return send(302, '', { location: '/payload.json' });
      case '/redirect-loop':
        return send(302, '', { location: `/redirect-loop?id=${id}` });
      case '/redirect-http':
        return send(302, '', { location: 'http://kvonce-remote.invalid/payload.json' });
      case '/redirect-localhost':
        return send(302, '', { location: `http://localhost:${server.port}/payload.json` });
      default:
        return send(404, 'no such route');
    }
  };

  const server = await listen(handler);
  return {
    port: server.port,
    url: (p) => `${server.url}${p}`,
    requests,
    // Requests seen for a route (and id).
    count: (route, id = '') => requests.filter((r) => r.route === route && r.id === id).length,
    close: server.close,
  };
}
