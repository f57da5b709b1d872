import net from 'node:net';
import { afterEach } from 'vitest';

/** Where to cut a connection: at the server's reply with this command tag. */
export interface CutPoint {
  /** The command tag of the reply to withhold (`COMMIT`, `SELECT 1`...). */
  tag: string;
  /** Only once the connection has seen a reply with this tag (`BEGIN`: inside a transaction). */
  after?: string;
}

/** A TCP relay in front of the real server that can cut one connection at a chosen reply. */
export interface PgProxy {
  url: string;
  /**
   * Withhold the next reply matching `cut` from the client and close the client's side of that
   * connection; resolves with the server process that sent it, which has done the work the reply
   * reports and stays until terminated.
   */
  cutAt(cut: CutPoint): Promise<number>;
  /**
   * Hold back the next connection's first ReadyForQuery (its login done) and deliver it in one
   * write with the server's next message; resolves with that session's server process. A test
   * that terminates the session then has the server's FATAL arrive in the same read as the end of
   * the login, as a loaded client reads them.
   */
  joinLoginToNextMessage(): Promise<number>;
  /** Stop relaying: every connection is dropped and new ones are refused. */
  stop(): Promise<void>;
}

const running = new Set<PgProxy>();

afterEach(async () => {
  await Promise.all([...running].map((proxy) => proxy.stop()));
});

/**
 * Relay PostgreSQL connections to the server of `serverUrl`, reading the server's side of the protocol (a type
 * byte and a length per message) so that a reply can be withheld exactly: the network failing
 * at the worst moment, with the real server on the other side.
 */
export async function startPgProxy(serverUrl: string): Promise<PgProxy> {
  const url = new URL(serverUrl);
  const target = { host: url.hostname, port: Number(url.port || 5432) };
  let pending: { cut: CutPoint; resolve: (pid: number) => void } | undefined;
  let joinLogin: ((pid: number) => void) | undefined;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    sockets.add(client).add(upstream);
    for (const socket of [client, upstream]) socket.on('close', () => sockets.delete(socket));
    // Once cut, the server's side stays open: the session lives on (holding whatever it holds)
    // until the test terminates it, as when a network path dies without a word.
    let cutOff = false;
    const closeBoth = () => {
      client.destroy();
      if (!cutOff) upstream.destroy();
    };
    client.on('error', closeBoth);
    upstream.on('error', () => client.destroy());
    client.on('close', closeBoth);
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);

    let buffered = Buffer.alloc(0);
    let backendPid = 0;
    let loggedIn = false;
    let heldLogin: Buffer | undefined;
    upstream.on('close', () => heldLogin && client.end(heldLogin));
    const seen = new Set<string>();
    upstream.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 5) {
        const length = 1 + buffered.readInt32BE(1);
        if (buffered.length < length) break;
        const message = buffered.subarray(0, length);
        buffered = buffered.subarray(length);
        const type = String.fromCharCode(message[0]!);
        if (type === 'K') backendPid = message.readInt32BE(5);
        if (type === 'C') {
          const tag = message.toString('utf8', 5, length - 1);
          const cut = pending?.cut;
          if (cut && tag === cut.tag && (cut.after === undefined || seen.has(cut.after))) {
            const { resolve } = pending!;
            pending = undefined;
            cutOff = true;
            client.unpipe(upstream);
            client.destroy();
            resolve(backendPid);
            return;
          }
          seen.add(tag);
        }
        if (heldLogin) {
          client.write(Buffer.concat([heldLogin, message]));
          heldLogin = undefined;
          continue;
        }
        if (type === 'Z' && !loggedIn) {
          loggedIn = true;
          if (joinLogin) {
            heldLogin = Buffer.from(message);
            joinLogin(backendPid);
            joinLogin = undefined;
            continue;
          }
        }
        client.write(message);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url.host = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  const proxy: PgProxy = {
    url: url.toString(),
    cutAt: (cut) =>
      new Promise((resolve) => {
        pending = { cut, resolve };
      }),
    joinLoginToNextMessage: () =>
      new Promise((resolve) => {
        joinLogin = resolve;
      }),
    async stop() {
      running.delete(proxy);
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  running.add(proxy);
  return proxy;
}
