// Loopback stand-ins for Google's token endpoints.
//
//   POST /token        OAuth 2.0 JWT bearer grant (service-account keys): the assertion's RS256
//                      signature is VERIFIED with the test's public key, and its header (alg, kid)
//                      and claims (iss, aud = this URL, scope, iat/exp) checked.
//   POST /v1/token     STS token exchange (workload identity federation): grant type, audience,
//                      subject token and types checked; answers a federated access token.
//   POST /v1/projects/-/serviceAccounts/EMAIL:generateAccessToken
//                      IAM Credentials impersonation: requires the federated token as bearer.
// Issued access tokens are handed to `onAccessToken` (the GCS stand-in accepts them).
import crypto from 'node:crypto';

import { bearerToken, listen, parseForm, sendJson } from './cloud_common.mjs';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const READ_SCOPE = 'https://www.googleapis.com/auth/devstorage.read_only';

const newToken = (kind) => `ya29.${kind}.${crypto.randomBytes(24).toString('base64url')}`;
const oauthError = (res, error, description) =>
  sendJson(res, 400, { error, error_description: description });

// Verifies an RS256 JWT; returns { header, claims } or a string saying what is wrong.
function verifyJwt(jwt, publicKey) {
  const parts = String(jwt || '').split('.');
  if (parts.length !== 3) return 'not a JWT';
  let header;
  let claims;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return 'undecodable JWT';
  }
  if (header.alg !== 'RS256') return `alg ${header.alg}`;
  const ok = crypto.verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), publicKey,
    Buffer.from(parts[2], 'base64url'));
  return ok ? { header, claims } : 'Invalid JWT Signature.';
}

export async function startGoogleTokenServer({
  publicKey, // PEM (or KeyObject) of the service-account key
  clientEmail,
  keyId,
  audience, // the workload identity provider audience of the external account
  subjectToken, // string or predicate: the subject tokens STS trusts
  serviceAccount, // the impersonated service account's email
  onAccessToken = () => {},
}) {
  const requests = [];
  const federated = new Set();
  let base = '';

  const http = await listen((req, res, body) => {
    const path = (req.url || '').split('?')[0];
    const record = { method: req.method, path, contentType: req.headers['content-type'] || '' };
    requests.push(record);
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'method_not_allowed' });

    if (path === '/token') {
      const form = parseForm(body);
      record.grantType = form.grant_type;
      record.assertion = form.assertion; // a signed JWT is a credential for its hour: tests look for leaks of it
      if (form.grant_type !== JWT_BEARER) return oauthError(res, 'unsupported_grant_type', 'Invalid grant_type');
      const jwt = verifyJwt(form.assertion, publicKey);
      if (typeof jwt === 'string') return oauthError(res, 'invalid_grant', jwt);
      const { header, claims } = jwt;
      const now = Math.floor(Date.now() / 1000);
      if (keyId && header.kid !== keyId) return oauthError(res, 'invalid_grant', 'Invalid key id');
      if (claims.iss !== clientEmail) return oauthError(res, 'invalid_grant', 'Invalid issuer');
      if (claims.aud !== `${base}/token`) return oauthError(res, 'invalid_grant', 'Invalid audience');
      if (!String(claims.scope || '').split(' ').includes(READ_SCOPE)) {
        return oauthError(res, 'invalid_scope', 'Missing storage scope');
      }
      if (!(claims.iat <= now + 60 && claims.iat >= now - 300 && claims.exp > now && claims.exp - claims.iat <= 3600)) {
        return oauthError(res, 'invalid_grant', 'Invalid JWT: Token must be a short-lived token');
      }
      const token = newToken('sa');
      onAccessToken(token);
      return sendJson(res, 200, { access_token: token, expires_in: 3599, token_type: 'Bearer' });
    }

    if (path === '/v1/token') {
      const form = parseForm(body);
      record.form = { ...form, subject_token: form.subject_token ? '<present>' : '<absent>' };
      if (form.grant_type !== TOKEN_EXCHANGE) return oauthError(res, 'unsupported_grant_type', 'Invalid grant_type');
      if (form.audience !== audience) return oauthError(res, 'invalid_target', 'The target service indicated by the "audience" parameters is invalid.');
      if (form.requested_token_type !== 'urn:ietf:params:oauth:token-type:access_token') {
        return oauthError(res, 'invalid_request', 'Invalid requested_token_type');
      }
      if (form.subject_token_type !== 'urn:ietf:params:oauth:token-type:jwt') {
        return oauthError(res, 'invalid_request', 'Invalid subject_token_type');
      }
      const trusted = typeof subjectToken === 'function' ? subjectToken(form.subject_token) : form.subject_token === subjectToken;
      if (!trusted) return oauthError(res, 'invalid_grant', 'The given subject token is invalid.');
      if (!String(form.scope || '').includes('https://www.googleapis.com/auth/')) {
        return oauthError(res, 'invalid_scope', 'Invalid scope');
      }
      const token = newToken('federated');
      federated.add(token);
      onAccessToken(token);
      return sendJson(res, 200, {
        access_token: token,
        issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        token_type: 'Bearer',
        expires_in: 3600,
      });
    }

    const m = /^\/v1\/projects\/-\/serviceAccounts\/([^/:]+):generateAccessToken$/.exec(path);
    if (m) {
      if (!federated.has(bearerToken(req))) {
        return sendJson(res, 401, { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } });
      }
      if (decodeURIComponent(m[1]) !== serviceAccount) {
        return sendJson(res, 403, { error: { code: 403, message: 'Permission iam.serviceAccounts.getAccessToken denied', status: 'PERMISSION_DENIED' } });
      }
      let doc;
      try {
        doc = JSON.parse(body.toString('utf8'));
      } catch {
        return sendJson(res, 400, { error: { code: 400, message: 'Invalid JSON payload', status: 'INVALID_ARGUMENT' } });
      }
      if (!Array.isArray(doc.scope) || doc.scope.length === 0) {
        return sendJson(res, 400, { error: { code: 400, message: 'scope is required', status: 'INVALID_ARGUMENT' } });
      }
      const token = newToken('impersonated');
      onAccessToken(token);
      record.impersonated = token;
      return sendJson(res, 200, { accessToken: token, expireTime: new Date(Date.now() + 3600e3).toISOString() });
    }
    return sendJson(res, 404, { error: 'not_found' });
  });
  base = http.url;
  return {
    ...http,
    requests,
    tokenUri: `${http.url}/token`,
    stsUrl: `${http.url}/v1/token`,
    impersonationUrl: `${http.url}/v1/projects/-/serviceAccounts/${serviceAccount}:generateAccessToken`,
  };
}
