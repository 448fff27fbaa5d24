// A loopback OTLP/HTTP receiver that keeps every request it is sent, for the tests that run the
// OpenTelemetry JavaScript SDK's exporters against kvonce-trace: each export is recorded with
// its path, Content-Type, Content-Encoding and body exactly as it arrived (still compressed), and
// answered 200 with an empty ExportTraceServiceResponse of the request's own encoding.
import { listen } from './cloud_common.mjs';

export async function startOtlpSink() {
  const requests = []; // { path, contentType, contentEncoding, body }
  const server = await listen((req, res, body) => {
    const contentType = req.headers['content-type'];
    requests.push({
      path: req.url,
      contentType,
      contentEncoding: req.headers['content-encoding'],
      body,
    });
    const json = contentType === 'application/json';
    const answer = json ? Buffer.from('{}') : Buffer.alloc(0);
    res.writeHead(200, { 'content-type': contentType || 'application/json', 'content-length': answer.length });
    res.end(answer);
  });
  return {
    requests,
    url: (path) => `${server.url}${path}`,
    // The requests recorded since `mark` (an index into `requests`).
    since: (mark) => requests.slice(mark),
    close: server.close,
  };
}
