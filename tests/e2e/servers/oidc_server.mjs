// A loopback stand-in for the GitHub Actions OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL).
//
// GET <url>&audience=AUD with "Authorization: bearer <ACTIONS_ID_TOKEN_REQUEST_TOKEN>" answers
// {"count": 1, "value": <JWT>}. A wrong or missing request token gets 401; a missing audience 400.
// The JWT is an unsigned-looking token whose claims carry the audience; `tokens` records each one
// handed out so the STS or Google STS stand-ins can trust exactly those.
import crypto from 'node:crypto';

import { bearerToken, listen, parseQuery, sendJson } from './cloud_common.mjs';

const b64url = (doc) => Buffer.from(JSON.stringify(doc)).toString('base64url');

export async function startOidcServer({ requestToken, onToken = () => {} }) {
  const requests = [];
  const tokens = [];
  const http = await listen((req, res) => {
    const q = (req.url || '').indexOf('?');
    const params = Object.fromEntries(parseQuery(q < 0 ? '' : req.url.slice(q + 1)));
    requests.push({ url: req.url, params, hasAuthorization: Boolean(req.headers.authorization) });
    if (bearerToken(req) !== requestToken) {
      return sendJson(res, 401, { message: 'Bad credentials' });
    }
    if (!params.audience) return sendJson(res, 400, { message: 'audience is required' });
    const jwt = [
      b64url({ alg: 'RS256', typ: 'JWT', kid: 'test' }),
      b64url({ iss: 'https://token.actions.githubusercontent.com', aud: params.audience, sub: 'repo:kvonce/ci:ref:refs/heads/main', jti: crypto.randomUUID() }),
      crypto.randomBytes(32).toString('base64url'),
    ].join('.');
    tokens.push({ audience: params.audience, jwt });
    onToken(params.audience, jwt);
    sendJson(res, 200, { count: 1, value: jwt });
  });
  // The URL a runner sets: it already carries a query, the client appends &audience=.
  return { ...http, requests, tokens, requestUrl: `${http.url}/_apis/token?api-version=2.0` };
}
