// A loopback S3 stand-in that checks every request's AWS Signature V4 with AWS's own signer.
//
// npm s3rver speaks the S3 API but does not verify V4 signatures (a wrong secret gets 200), so
// this server recomputes each signature with @smithy/signature-v4 in S3's canonical form: the
// request path decoded, then each segment URI-encoded once (escapeUri), no normalisation
// (uriEscapePath: false), the query sorted by the signer, the payload hash taken from
// x-amz-content-sha256 (applyChecksum: false). Any difference answers 403 SignatureDoesNotMatch,
// as S3 does. Buckets are addressed path-style (http://127.0.0.1:PORT/bucket/key) or
// virtual-hosted (http://bucket.<virtualHostSuffix>:PORT/key, reached through a resolve override).
//
// Implements GetObject and ListObjectsV2 (prefix, continuation tokens, page size), the error
// documents of S3 (AccessDenied, NoSuchKey, NoSuchBucket, InvalidAccessKeyId, InvalidToken,
// ExpiredToken, RequestTimeTooSkewed, AuthorizationHeaderMalformed) and fault injection.
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { escapeUri } from '@smithy/util-uri-escape';
import crypto from 'node:crypto';

import { listen, parseQuery, sendXml, takeFault, xmlEscape } from './cloud_common.mjs';

const AUTH_RE =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/;

class S3Error extends Error {
  constructor(status, code, message, extra = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.extra = extra;
  }
}

function sendError(res, err, requestId) {
  const extra = Object.entries(err.extra)
    .map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`)
    .join('');
  sendXml(
    res,
    err.status,
    `<Error><Code>${err.code}</Code><Message>${xmlEscape(err.message)}</Message>${extra}` +
      `<RequestId>${requestId}</RequestId></Error>`,
  );
}

function parseAmzDate(text) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text || '');
  if (!m) return null;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

// "/bkt/year%3D2025/a%20b" -> decoded segments, each re-encoded once: S3's canonical URI.
function canonicalPath(rawPath) {
  return rawPath
    .split('/')
    .map((segment) => escapeUri(decodeURIComponent(segment)))
    .join('/');
}

export async function startS3Server({
  region = 'us-east-1',
  virtualHostSuffix = 's3.localhost',
  pageSize = 1000,
  maxSkewMs = 15 * 60 * 1000,
} = {}) {
  const credentials = new Map(); // accessKeyId -> { secretAccessKey, sessionToken }
  const buckets = new Map(); // bucket -> Map(key -> { body, contentEncoding, etag, modified })
  const faults = [];
  const requests = [];
  const tokenCycles = new Map(); // bucket -> tokens a misbehaving listing hands out in a loop
  let counter = 0;

  async function authenticate(req, rawPath, query) {
    const auth = req.headers.authorization;
    if (!auth) throw new S3Error(403, 'AccessDenied', 'Access Denied');
    const m = AUTH_RE.exec(auth);
    if (!m) {
      throw new S3Error(400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed.');
    }
    const [, accessKeyId, day, scopeRegion, service, signedList, signature] = m;
    const known = credentials.get(accessKeyId);
    if (!known) {
      throw new S3Error(403, 'InvalidAccessKeyId',
        'The AWS Access Key Id you provided does not exist in our records.', { AWSAccessKeyId: accessKeyId });
    }
    if (scopeRegion !== region || service !== 's3') {
      throw new S3Error(400, 'AuthorizationHeaderMalformed',
        `The authorization header is malformed; the region '${scopeRegion}' is wrong; expecting '${region}'`,
        { Region: region });
    }
    const amzDate = req.headers['x-amz-date'];
    const when = parseAmzDate(amzDate);
    if (!when || amzDate.slice(0, 8) !== day) {
      throw new S3Error(403, 'AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
    }
    if (Math.abs(Date.now() - when.getTime()) > maxSkewMs) {
      throw new S3Error(403, 'RequestTimeTooSkewed',
        'The difference between the request time and the current time is too large.');
    }
    if (!req.headers['x-amz-content-sha256']) {
      throw new S3Error(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
    }
    const signedHeaders = signedList.split(';');
    const token = req.headers['x-amz-security-token'];
    for (const required of ['host', 'x-amz-date', 'x-amz-content-sha256', ...(token ? ['x-amz-security-token'] : [])]) {
      if (!signedHeaders.includes(required)) {
        throw new S3Error(403, 'SignatureDoesNotMatch', `The header ${required} must be signed.`);
      }
    }
    if ((known.sessionToken || null) !== (token || null)) {
      throw new S3Error(400, 'InvalidToken', 'The provided token is malformed or otherwise invalid.');
    }

    const headers = {};
    for (const name of signedHeaders) {
      if (req.headers[name] === undefined) {
        throw new S3Error(403, 'SignatureDoesNotMatch', `Signed header ${name} is missing.`);
      }
      headers[name] = String(req.headers[name]);
    }
    const queryObject = {};
    for (const [name, value] of query) {
      if (name in queryObject) {
        queryObject[name] = [].concat(queryObject[name], value);
      } else {
        queryObject[name] = value;
      }
    }
    const [hostname, port] = String(req.headers.host || '').split(':');
    const request = {
      method: req.method,
      protocol: 'http:',
      hostname,
      port: port ? Number(port) : undefined,
      path: canonicalPath(rawPath),
      query: queryObject,
      headers,
    };
    const signer = new SignatureV4({
      credentials: { accessKeyId, secretAccessKey: known.secretAccessKey, sessionToken: known.sessionToken },
      region,
      service: 's3',
      sha256: Sha256,
      uriEscapePath: false,
      applyChecksum: false,
    });
    const signed = await signer.sign(request, { signingDate: when, signableHeaders: new Set(signedHeaders) });
    const expected = AUTH_RE.exec(signed.headers.authorization.replace(/, /g, ','));
    if (!expected || expected[5] !== signedList || expected[6] !== signature) {
      throw new S3Error(403, 'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
        { AWSAccessKeyId: accessKeyId, CanonicalRequestPath: request.path });
    }
  }

  function addressOf(req, rawPath) {
    const host = String(req.headers.host || '').split(':')[0].toLowerCase();
    const suffix = `.${virtualHostSuffix}`;
    if (host.endsWith(suffix)) {
      return { style: 'virtual', bucket: host.slice(0, -suffix.length), rawKey: rawPath.slice(1) };
    }
    const rest = rawPath.slice(1);
    const slash = rest.indexOf('/');
    return {
      style: 'path',
      bucket: decodeURIComponent(slash < 0 ? rest : rest.slice(0, slash)),
      rawKey: slash < 0 ? '' : rest.slice(slash + 1),
    };
  }

  function listObjects(res, bucket, objects, query) {
    const params = Object.fromEntries(query);
    const prefix = params.prefix || '';
    const maxKeys = Math.min(Number(params['max-keys'] || 1000), pageSize);
    const after = params['continuation-token']
      ? Buffer.from(params['continuation-token'], 'base64').toString('utf8')
      : params['start-after'] || '';
    const keys = [...objects.keys()]
      .filter((k) => k.startsWith(prefix) && Buffer.compare(Buffer.from(k), Buffer.from(after)) > 0)
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const page = keys.slice(0, maxKeys);
    const cycle = tokenCycles.get(bucket);
    const truncated = cycle ? true : keys.length > page.length;
    const contents = page
      .map((k) => {
        const o = objects.get(k);
        return `<Contents><Key>${xmlEscape(k)}</Key><LastModified>${o.modified}</LastModified>` +
          `<ETag>&quot;${o.etag}&quot;</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
      })
      .join('');
    const nextToken = cycle
      ? cycle[(cycle.indexOf(params['continuation-token']) + 1) % cycle.length]
      : truncated && Buffer.from(page[page.length - 1]).toString('base64');
    const next = truncated ? `<NextContinuationToken>${xmlEscape(nextToken)}</NextContinuationToken>` : '';
    const echo = params['continuation-token']
      ? `<ContinuationToken>${xmlEscape(params['continuation-token'])}</ContinuationToken>`
      : '';
    sendXml(res, 200,
      `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${xmlEscape(bucket)}</Name>` +
        `<Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys>` +
        `<IsTruncated>${truncated}</IsTruncated>${echo}${next}${contents}</ListBucketResult>`);
  }

  const handle = async (req, res) => {
    const requestId = `req-${++counter}`;
    const raw = req.url || '/';
    const q = raw.indexOf('?');
    const rawPath = q < 0 ? raw : raw.slice(0, q);
    const record = { method: req.method, host: req.headers.host, url: raw, headers: { ...req.headers } };
    requests.push(record);
    try {
      let query;
      let address;
      try {
        query = parseQuery(q < 0 ? '' : raw.slice(q + 1));
        address = addressOf(req, rawPath);
        record.key = decodeURIComponent(address.rawKey);
      } catch {
        throw new S3Error(400, 'InvalidURI', "Couldn't parse the specified URI.");
      }
      record.style = address.style;
      record.bucket = address.bucket;
      await authenticate(req, rawPath, query);
      const fault = takeFault(faults, record);
      if (fault) {
        record.fault = fault.code || fault.kind;
        if (fault.kind === 'reset') {
          req.socket.destroy();
          return;
        }
        throw new S3Error(fault.status, fault.code, fault.message || fault.code);
      }
      const objects = buckets.get(address.bucket);
      if (!objects) throw new S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist');
      if (req.method !== 'GET') throw new S3Error(405, 'MethodNotAllowed', 'The specified method is not allowed');
      if (record.key === '') {
        if (!query.some(([n, v]) => n === 'list-type' && v === '2')) {
          throw new S3Error(501, 'NotImplemented', 'Only ListObjectsV2 is implemented here');
        }
        listObjects(res, address.bucket, objects, query);
        record.status = 200;
        return;
      }
      const object = objects.get(record.key);
      if (!object) throw new S3Error(404, 'NoSuchKey', 'The specified key does not exist.', { Key: record.key });
      const headers = {
        'content-type': 'application/octet-stream',
        'content-length': object.body.length,
        etag: `"${object.etag}"`,
        'last-modified': new Date(object.modified).toUTCString(),
      };
      if (object.contentEncoding) headers['content-encoding'] = object.contentEncoding;
      res.writeHead(200, headers);
      res.end(object.body);
      record.status = 200;
    } catch (err) {
      if (!(err instanceof S3Error)) throw err;
      record.status = err.status;
      record.error = err.code;
      sendError(res, err, requestId);
    }
  };

  const http = await listen(handle);
  return {
    ...http,
    region,
    // The endpoint for path-style requests, and the one whose host a resolve override maps
    // "bucket.<virtualHostSuffix>" names onto.
    pathStyleEndpoint: http.url,
    virtualHostEndpoint: `http://${virtualHostSuffix}:${http.port}`,
    resolveFor: (bucket) => `${bucket}.${virtualHostSuffix}:${http.port}:127.0.0.1`,
    requests,
    addCredentials({ accessKeyId, secretAccessKey, sessionToken }) {
      credentials.set(accessKeyId, { secretAccessKey, sessionToken });
    },
    putObject(bucket, key, body, { contentEncoding } = {}) {
      if (!buckets.has(bucket)) buckets.set(bucket, new Map());
      const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
      buckets.get(bucket).set(key, {
        body: bytes,
        contentEncoding,
        etag: crypto.createHash('md5').update(bytes).digest('hex'),
        modified: new Date().toISOString(),
      });
    },
    // { match(record) -> bool, times, status, code, message } or { kind: 'reset' }.
    inject(fault) {
      faults.push(fault);
    },
    // Every listing of `bucket` says "truncated" and hands out the next of `tokens` in a loop
    // (A, B, A, ... for ['A', 'B']); null restores normal paging.
    cycleListingTokens(bucket, tokens) {
      if (tokens) tokenCycles.set(bucket, tokens);
      else tokenCycles.delete(bucket);
    },
  };
}
