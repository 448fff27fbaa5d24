// A loopback Google Cloud Storage stand-in for the JSON API.
//
//   GET /storage/v1/b/BUCKET/o/OBJECT?alt=media   the object's bytes (OBJECT is one path segment:
//                                                  a name's '/' must arrive as %2F)
//   GET /storage/v1/b/BUCKET/o/OBJECT             its metadata (JSON)
//   GET /storage/v1/b/BUCKET/o?prefix=&pageToken=&maxResults=   objects.list, `pageSize` per page
// A gzip object (putObject with contentEncoding 'gzip') is transcoded like GCS does: served
// decompressed unless the request says Accept-Encoding: gzip.
// Every request needs "Authorization: Bearer <token>" with a token the test accepted
// (acceptToken); otherwise 401 as GCS answers. Errors are GCS's JSON error documents.
import crypto from 'node:crypto';
import zlib from 'node:zlib';

import { bearerToken, listen, parseQuery, sendJson, takeFault } from './cloud_common.mjs';

function gcsError(res, status, reason, message) {
  sendJson(res, status, { error: { code: status, message, errors: [{ message, domain: 'global', reason }] } });
}

export async function startGcsServer({ pageSize = 1000 } = {}) {
  const tokens = new Set();
  const buckets = new Map();
  const faults = [];
  const requests = [];
  const tokenCycles = new Map(); // bucket -> tokens a misbehaving listing hands out in a loop

  const http = await listen((req, res) => {
    const raw = req.url || '/';
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    let params;
    try {
      params = Object.fromEntries(parseQuery(q < 0 ? '' : raw.slice(q + 1)));
    } catch {
      return gcsError(res, 400, 'invalid', 'Malformed query');
    }
    const record = { method: req.method, url: raw, params, token: bearerToken(req) };
    requests.push(record);
    if (!record.token || !tokens.has(record.token)) {
      return gcsError(res, 401, 'required', 'Anonymous caller does not have storage.objects.get access.');
    }
    const m = /^\/storage\/v1\/b\/([^/]+)\/o(?:\/([^/]+))?$/.exec(path);
    if (!m || req.method !== 'GET') return gcsError(res, 404, 'notFound', 'Not Found');
    const bucket = decodeURIComponent(m[1]);
    record.object = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
    const fault = takeFault(faults, record);
    if (fault) return gcsError(res, fault.status, fault.reason, fault.message || fault.reason);
    const objects = buckets.get(bucket);
    if (!objects) return gcsError(res, 404, 'notFound', 'The specified bucket does not exist.');

    if (record.object === undefined) {
      const prefix = params.prefix || '';
      const max = Math.min(Number(params.maxResults || 1000), pageSize);
      const after = params.pageToken ? Buffer.from(params.pageToken, 'base64url').toString('utf8') : '';
      const names = [...objects.keys()]
        .filter((n) => n.startsWith(prefix) && Buffer.compare(Buffer.from(n), Buffer.from(after)) > 0)
        .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      const page = names.slice(0, max);
      const doc = {
        kind: 'storage#objects',
        items: page.map((name) => ({ kind: 'storage#object', name, bucket, size: String(objects.get(name).body.length) })),
      };
      const cycle = tokenCycles.get(bucket);
      if (cycle) {
        doc.nextPageToken = cycle[(cycle.indexOf(params.pageToken) + 1) % cycle.length];
      } else if (names.length > page.length) {
        doc.nextPageToken = Buffer.from(page[page.length - 1]).toString('base64url');
      }
      return sendJson(res, 200, doc);
    }
    const object = objects.get(record.object);
    if (!object) return gcsError(res, 404, 'notFound', `No such object: ${bucket}/${record.object}`);
    if (params.alt !== 'media') {
      return sendJson(res, 200, { kind: 'storage#object', name: record.object, bucket, size: String(object.body.length) });
    }
    // Decompressive transcoding, as GCS does: a gzip object goes out decompressed unless the
    // request accepts gzip.
    const acceptsGzip = /\bgzip\b/i.test(req.headers['accept-encoding'] || '');
    const transcode = object.contentEncoding === 'gzip' && !acceptsGzip;
    const body = transcode ? zlib.gunzipSync(object.body) : object.body;
    const headers = { 'content-type': 'application/octet-stream', 'content-length': body.length };
    if (object.contentEncoding && !transcode) headers['content-encoding'] = object.contentEncoding;
    if (transcode) headers['x-goog-stored-content-encoding'] = 'gzip';
    res.writeHead(200, headers);
    res.end(body);
  });

  return {
    ...http,
    requests,
    acceptToken: (token) => tokens.add(token),
    putObject(bucket, name, body, { contentEncoding } = {}) {
      if (!buckets.has(bucket)) buckets.set(bucket, new Map());
      buckets.get(bucket).set(name, { body: Buffer.isBuffer(body) ? body : Buffer.from(body), contentEncoding });
    },
    // { match(record) -> bool, times, status, reason, message }
    inject: (fault) => faults.push(fault),
    newToken: () => `ya29.${crypto.randomBytes(24).toString('base64url')}`,
    // Every listing of `bucket` hands out the next of `tokens` in a loop (A, B, A, ... for
    // ['A', 'B']); null restores normal paging.
    cycleListingTokens(bucket, tokens) {
      if (tokens) tokenCycles.set(bucket, tokens);
      else tokenCycles.delete(bucket);
    },
  };
}
