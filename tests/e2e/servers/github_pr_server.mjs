// A loopback stand-in of the GitHub REST API parts `kvonce-trace report` uses: pull request
// comments (list with Link pagination, create, update) and check runs (list for a commit by name,
// create, update). Like GitHub it refuses a request without the bearer token (401), without the
// API version header or the JSON media type (400), and bodies over its size limits (422).
// Tests queue failures (5xx, rate limits) with failNext() and read what happened in `requests`.
// Like GitHub it records who wrote what: `user.login`/`user.type` on comments, `app.slug` on check
// runs. The token is an installation token (GITHUB_TOKEN: it writes as github-actions[bot];
// setIdentity({ app: 'my-app' }): a GitHub App's, writing as my-app[bot]), and GET /user answers
// it 403 "Resource not accessible by integration", unless setIdentity({ user }) makes it a user's
// token (GET /user names the user; creating a check run needs an app: 403). POST /graphql answers
// `query { viewer { login } }` with the token's login for every kind of token, as GitHub does,
// after the same 401 for a missing or wrong token; other queries get GraphQL's `errors`.
import { listen } from './cloud_common.mjs';

export const API_VERSION = '2022-11-28';
const COMMENT_MAX_CHARS = 65536;
const CHECK_OUTPUT_MAX_CHARS = 65535;

// GitHub counts characters; a JavaScript string length counts UTF-16 units, never fewer.
const tooLong = (text, max) => typeof text === 'string' && text.length > max;

export async function startGitHubServer({ token, repository, pageSize = 100 }) {
  const state = {
    comments: new Map(), // pull request number -> [{ id, body }]
    checkRuns: [], // { id, head_sha, name, status, conclusion, output, completed_at }
    requests: [], // { method, path, at, authorized, apiVersion, accept, userAgent }
    failures: [], // { method, pattern, status, headers, body }
    pageSize,
    nextId: 9000,
    identity: { app: 'github-actions' }, // { app: slug } or { user: login }
  };

  // The author GitHub records for what the token writes.
  const tokenAuthor = () =>
    state.identity.user
      ? { login: state.identity.user, id: 1, type: 'User' }
      : { login: `${state.identity.app}[bot]`, id: 41898282, type: 'Bot' };
  const appOf = (slug) => ({ id: 15368, slug, name: slug });

  const send = (res, status, body, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };

  const handler = (req, res, raw) => {
    const url = new URL(req.url, base.url);
    const record = {
      method: req.method,
      path: url.pathname + url.search,
      at: Date.now(),
      authorized: req.headers.authorization === `Bearer ${token}`,
      apiVersion: req.headers['x-github-api-version'],
      accept: req.headers.accept,
      userAgent: req.headers['user-agent'],
    };
    state.requests.push(record);
    if (!record.authorized) {
      return send(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    }
    if (record.apiVersion !== API_VERSION || record.accept !== 'application/vnd.github+json') {
      return send(res, 400, { message: 'missing X-GitHub-Api-Version or Accept header' });
    }
    const failure = state.failures.findIndex((f) => f.method === req.method && f.pattern.test(url.pathname));
    if (failure >= 0) {
      const f = state.failures.splice(failure, 1)[0];
      return send(res, f.status, f.body ?? { message: `scripted ${f.status}` }, f.headers);
    }
    let body = null;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return send(res, 400, { message: 'Problems parsing JSON' });
      }
    }
    return route(req.method, url, body, res);
  };

  const repoPath = `/repos/${repository}`;

  const route = (method, url, body, res) => {
    const p = url.pathname;
    let m;
    if (p === '/graphql' && method === 'POST') {
      const query = typeof body?.query === 'string' ? body.query.replace(/\s+/g, ' ').trim() : '';
      if (query !== 'query { viewer { login } }') {
        return send(res, 200, { errors: [{ message: `unexpected query: ${query}` }] });
      }
      return send(res, 200, { data: { viewer: { login: tokenAuthor().login } } });
    }
    if (p === '/user' && method === 'GET') {
      if (!state.identity.user) {
        return send(res, 403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user', status: '403' });
      }
      return send(res, 200, tokenAuthor());
    }
    if ((m = p.match(new RegExp(`^${repoPath}/issues/(\\d+)/comments$`)))) {
      const list = state.comments.get(Number(m[1])) ?? [];
      if (method === 'GET') return listComments(url, list, res);
      if (method === 'POST') {
        if (typeof body?.body !== 'string') return send(res, 422, { message: 'body is missing' });
        if (tooLong(body.body, COMMENT_MAX_CHARS)) return send(res, 422, { message: 'Body is too long (maximum is 65536 characters)' });
        const comment = { id: state.nextId++, body: body.body, user: tokenAuthor() };
        list.push(comment);
        state.comments.set(Number(m[1]), list);
        return send(res, 201, { ...comment, html_url: `https://github.test/${repository}/pull/${m[1]}#issuecomment-${comment.id}` });
      }
    }
    if ((m = p.match(new RegExp(`^${repoPath}/issues/comments/(\\d+)$`))) && method === 'PATCH') {
      for (const list of state.comments.values()) {
        const comment = list.find((c) => c.id === Number(m[1]));
        if (!comment) continue;
        if (tooLong(body?.body, COMMENT_MAX_CHARS)) return send(res, 422, { message: 'Body is too long' });
        // A token with write access may edit anyone's comment: that is why kvonce-trace must not.
        comment.body = body.body;
        return send(res, 200, comment);
      }
      return send(res, 404, { message: 'Not Found' });
    }
    if ((m = p.match(new RegExp(`^${repoPath}/commits/([0-9a-f]{40})/check-runs$`))) && method === 'GET') {
      const name = url.searchParams.get('check_name');
      const runs = state.checkRuns.filter((r) => r.head_sha === m[1] && (!name || r.name === name));
      return send(res, 200, { total_count: runs.length, check_runs: runs });
    }
    if (p === `${repoPath}/check-runs` && method === 'POST') {
      if (state.identity.user) return send(res, 403, { message: 'You must authenticate via a GitHub App.' });
      const invalid = checkRunProblem(body, true);
      if (invalid) return send(res, 422, { message: invalid });
      const run = { id: state.nextId++, ...body, app: appOf(state.identity.app) };
      state.checkRuns.push(run);
      return send(res, 201, run);
    }
    if ((m = p.match(new RegExp(`^${repoPath}/check-runs/(\\d+)$`))) && method === 'PATCH') {
      const run = state.checkRuns.find((r) => r.id === Number(m[1]));
      if (!run) return send(res, 404, { message: 'Not Found' });
      if (run.app.slug !== state.identity.app) return send(res, 403, { message: 'Invalid app_id `15368` - check run can only be modified by the GitHub App that created it.' });
      const invalid = checkRunProblem(body, false);
      if (invalid) return send(res, 422, { message: invalid });
      Object.assign(run, body);
      return send(res, 200, run);
    }
    return send(res, 404, { message: 'Not Found' });
  };

  const listComments = (url, list, res) => {
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), state.pageSize);
    const page = Number(url.searchParams.get('page') ?? 1);
    const items = list.slice((page - 1) * perPage, page * perPage);
    const last = Math.max(1, Math.ceil(list.length / perPage));
    const link = (n) => {
      const u = new URL(url);
      u.searchParams.set('page', String(n));
      return `<${u.href}>`;
    };
    const links = [];
    if (page < last) links.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
    if (page > 1) links.push(`${link(1)}; rel="first"`, `${link(page - 1)}; rel="prev"`);
    return send(res, 200, items, links.length ? { link: links.join(', ') } : {});
  };

  const checkRunProblem = (body, creating) => {
    if (creating && !/^[0-9a-f]{40}$/.test(body?.head_sha ?? '')) return 'head_sha is missing';
    if (creating && typeof body?.name !== 'string') return 'name is missing';
    if (body?.status !== undefined && !['queued', 'in_progress', 'completed'].includes(body.status)) return 'bad status';
    if (body?.status === 'completed' && !['success', 'failure', 'neutral', 'cancelled', 'skipped', 'timed_out', 'action_required'].includes(body.conclusion)) {
      return 'conclusion is required when completed';
    }
    const out = body?.output;
    if (out) {
      if (typeof out.title !== 'string' || typeof out.summary !== 'string') return 'output needs title and summary';
      if (tooLong(out.summary, CHECK_OUTPUT_MAX_CHARS) || tooLong(out.text, CHECK_OUTPUT_MAX_CHARS)) {
        return 'Only 65535 characters are allowed';
      }
    }
    return null;
  };

  const base = await listen(handler);
  return {
    url: base.url,
    close: base.close,
    get requests() {
      return state.requests;
    },
    get checkRuns() {
      return state.checkRuns;
    },
    comments: (pr) => state.comments.get(pr) ?? [],
    // A comment already on the pull request; by default written by the token's own identity.
    addComment(pr, body, user = tokenAuthor()) {
      const list = state.comments.get(pr) ?? [];
      const comment = { id: state.nextId++, body, user };
      list.push(comment);
      state.comments.set(pr, list);
      return comment;
    },
    // A check run another app (or this one) created earlier.
    addCheckRun(headSha, name, appSlug) {
      const run = { id: state.nextId++, head_sha: headSha, name, status: 'completed', conclusion: 'success', app: appOf(appSlug) };
      state.checkRuns.push(run);
      return run;
    },
    setIdentity(identity) {
      state.identity = identity;
    },
    setPageSize(n) {
      state.pageSize = n;
    },
    // The next request with this method whose path matches `pattern` gets this answer instead.
    failNext(method, pattern, status, { headers = {}, body } = {}) {
      state.failures.push({ method, pattern, status, headers, body });
    },
    reset() {
      state.comments.clear();
      state.checkRuns.length = 0;
      state.requests.length = 0;
      state.failures.length = 0;
      state.pageSize = pageSize;
      state.identity = { app: 'github-actions' };
    },
  };
}
