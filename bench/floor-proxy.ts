/**
 * The floor: the least a reverse proxy must do. A node:http server that forwards each request
 * (method, path, headers, body) to the upstream over a keep-alive agent and pipes the response
 * back (status, headers, body). No parsing, no validation, no logging. Prints `{"port":N}` once
 * listening.
 *
 * Env: PORT (default 0), UPSTREAM_PORT (required), UPSTREAM_API_KEY (sent as a bearer token, as a
 * gateway would).
 */
import http from 'node:http';

const upstreamPort = Number(process.env.UPSTREAM_PORT);
if (!Number.isInteger(upstreamPort) || upstreamPort <= 0) {
  process.stderr.write('floor-proxy: UPSTREAM_PORT is required\n');
  process.exit(1);
}
const authorization = `Bearer ${process.env.UPSTREAM_API_KEY ?? 'bench-key'}`;
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024 });
/** hop-by-hop headers are not forwarded (RFC 9110 section 7.6.1) */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'host',
]);

function forwardable(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

const server = http.createServer((req, res) => {
  const upstream = http.request(
    {
      host: '127.0.0.1',
      port: upstreamPort,
      method: req.method,
      // the gateway's upstream base URL is http://127.0.0.1:<port>/v1, the same path as the client's
      path: req.url,
      agent,
      headers: { ...forwardable(req.headers), authorization },
    },
    (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, forwardable(upstreamRes.headers));
      upstreamRes.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"upstream error","type":"api_error","param":null,"code":null}}');
  });
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
});
server.keepAliveTimeout = 120_000;
server.headersTimeout = 121_000;
server.listen(Number(process.env.PORT ?? '0'), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
