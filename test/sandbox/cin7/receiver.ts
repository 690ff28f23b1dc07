/** A loopback webhook receiver for the Cin7 sandbox tests: records each delivery, answers as told. */
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  atMs: number;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** The status to answer next (default 200); a function can vary it per delivery. */
  answer: number | ((n: number) => number);
  /** Resolves when `count` deliveries arrived, or rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const r: Receiver = {
    url: '',
    received,
    answer: 200,
    waitFor(count, timeoutMs) {
      if (received.length >= count) return Promise.resolve(received);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(new Error(`receiver: ${received.length} of ${count} deliveries after ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(received);
          },
        });
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = Buffer.concat(chunks).toString('utf8');
      }
      received.push({ atMs: Date.now(), path: req.url ?? '/', headers: req.headers, body });
      const status = typeof r.answer === 'function' ? r.answer(received.length) : r.answer;
      res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
      res.end('{}');
      for (const w of waiters.filter((x) => received.length >= x.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return r;
}
