// A webhook receiver on loopback inside the container: appends each POSTed JSON body to a file.
// Usage: node webhook.mjs PORT FILE
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [port, file] = process.argv.slice(2);
createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    appendFileSync(
      file,
      `${JSON.stringify({ path: req.url, auth: req.headers.authorization ?? null, body: JSON.parse(body) })}\n`,
    );
    res.writeHead(204).end();
  });
}).listen(Number(port), '127.0.0.1');
