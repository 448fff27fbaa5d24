// A loopback stand-in of the GitHub REST API's artifact endpoints, plus a second server on
// another port standing for the blob storage the zip download redirects to.
//
//   GET /repos/{owner}/{repo}/actions/artifacts?name=&page=          artifact list
//   GET /repos/{owner}/{repo}/actions/runs/{run}/artifacts?name=&page=
//   GET /repos/{owner}/{repo}/actions/artifacts/{id}/zip            302 -> storage
//   storage: GET /blob/{id}?sig=...                                  the archive bytes
// The API requires Authorization: Bearer <token>, X-GitHub-Api-Version: 2022-11-28 and
// Accept: application/vnd.github+json, and pages its lists two at a time whatever per_page
// asks, so pagination is exercised. The storage server records a violation (and answers 400)
// whenever a request carries an Authorization header: the token must never leave the API.
import { listen } from './cloud_common.mjs';

const PAGE_SIZE = 2;

export async function startGitHubApi({ token, repository, storageSignature }) {
  let artifacts = []; // { id, name, created_at, expired, run }
  const blobs = new Map(); // id -> Buffer
  const requests = []; // API requests: { path, query, headers }
  const storageRequests = [];
  const violations = [];

  const storage = await listen((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    storageRequests.push({ path: url.pathname, headers: req.headers });
    if (req.headers.authorization !== undefined) {
      violations.push(`storage received Authorization: ${req.headers.authorization}`);
      res.writeHead(400, { 'content-type': 'text/plain' });
      return res.end('Authorization must not reach the storage host');
    }
    const match = /^\/blob\/(\d+)$/.exec(url.pathname);
    const blob = match && blobs.get(Number(match[1]));
    if (!blob || url.searchParams.get('sig') !== storageSignature) {
      res.writeHead(404);
      return res.end('no such blob');
    }
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': blob.length });
    return res.end(blob);
  });

  const json = (res, status, doc, headers = {}) => {
    const body = JSON.stringify(doc);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
  };

  const listing = (res, url, list) => {
    const name = url.searchParams.get('name');
    const page = Number(url.searchParams.get('page') || '1');
    const matching = list.filter((a) => name === null || a.name === name);
    const slice = matching.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
    const headers = {};
    if (page * PAGE_SIZE < matching.length) {
      const next = new URL(url);
      next.searchParams.set('page', String(page + 1));
      headers.link = `<${api.url}${next.pathname}${next.search}>; rel="next"`;
    }
    json(res, 200, {
      total_count: matching.length,
      artifacts: slice.map((a) => ({
        id: a.id,
        node_id: `MDg6QXJ0aWZhY3Q${a.id}`,
        name: a.name,
        size_in_bytes: blobs.get(a.id)?.length ?? 0,
        url: `${api.url}/repos/${repository}/actions/artifacts/${a.id}`,
        archive_download_url: `${api.url}/repos/${repository}/actions/artifacts/${a.id}/zip`,
        expired: a.expired,
        created_at: a.created_at,
        updated_at: a.created_at,
        expires_at: '2099-01-01T00:00:00Z',
        workflow_run: { id: a.run, head_branch: 'main' },
      })),
    }, headers);
  };

  const api = await listen((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    requests.push({ path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers });
    if (req.headers.authorization !== `Bearer ${token}`) {
      return json(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    }
    if (req.headers['x-github-api-version'] !== '2022-11-28') {
      return json(res, 400, { message: 'missing or unsupported X-GitHub-Api-Version' });
    }
    if (req.headers.accept !== 'application/vnd.github+json') {
      return json(res, 415, { message: 'Accept must be application/vnd.github+json' });
    }
    const prefix = `/repos/${repository}/actions`;
    let m;
    if (url.pathname === `${prefix}/artifacts`) return listing(res, url, artifacts);
    if ((m = new RegExp(`^${prefix}/runs/(\\d+)/artifacts$`).exec(url.pathname))) {
      return listing(res, url, artifacts.filter((a) => a.run === Number(m[1])));
    }
    if ((m = new RegExp(`^${prefix}/artifacts/(\\d+)/zip$`).exec(url.pathname))) {
      const artifact = artifacts.find((a) => a.id === Number(m[1]));
      if (!artifact) return json(res, 404, { message: 'Not Found' });
      if (artifact.expired) return json(res, 410, { message: 'Artifact has expired' });
      res.writeHead(302, { location: `${storage.url}/blob/${artifact.id}?sig=${storageSignature}` });
      return res.end();
    }
    return json(res, 404, { message: 'Not Found' });
  });

  return {
    url: api.url,
    storageUrl: storage.url,
    requests,
    storageRequests,
    violations,
    // Replaces the artifact list; blobs: { id: Buffer }.
    setArtifacts(list, blobsById) {
      artifacts = list;
      blobs.clear();
      for (const [id, blob] of Object.entries(blobsById)) blobs.set(Number(id), blob);
    },
    close: () => Promise.all([api.close(), storage.close()]),
  };
}
