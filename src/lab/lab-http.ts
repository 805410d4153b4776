import { createReadStream, realpathSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, normalize, sep } from 'node:path';
import { APT_PATH, FILES_PATH } from './lab-services.js';
import { labPaths } from './state.js';

/**
 * The lab's one HTTP server: the apt repository under /debian/ and the web root under /files/,
 * read-only, GET and HEAD. Files are read from the lab directory at each request, so what a
 * test adds is served at once.
 */
export function createLabHttpServer(labDir: string, log: (line: string) => void): Server {
  const paths = labPaths(labDir);
  const roots: [string, string][] = [
    [APT_PATH, paths.repo],
    [FILES_PATH, paths.www],
  ];
  return createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0] ?? '/';
    const done = (status: number, body = ''): void => {
      log(`${req.method} ${url} ${status}`);
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return done(405, 'only GET and HEAD\n');
    const match = roots.find(([prefix]) => url.startsWith(prefix));
    const file = match ? fileUnder(match[1], url.slice(match[0].length)) : undefined;
    if (file === undefined) return done(404, 'not found\n');
    const size = statSync(file).size;
    log(`${req.method} ${url} 200`);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  });
}

/** The regular file a URL path names inside root (symlinks resolved), or undefined. */
export function fileUnder(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  try {
    const realRoot = realpathSync(root);
    const real = realpathSync(join(realRoot, normalize(`/${decoded}`)));
    if (!real.startsWith(realRoot + sep)) return undefined;
    return statSync(real).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Listens on the controller's lab address once it exists: a booted controller gets it only
 * when its networking.service has run. The socket stays bound across the controller's reboots.
 */
export async function listenOnLabAddress(server: Server, address: string, port: number, shouldGiveUp: () => boolean): Promise<void> {
  for (;;) {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, address, () => {
          server.off('error', reject);
          resolve();
        });
      });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRNOTAVAIL' || shouldGiveUp()) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
