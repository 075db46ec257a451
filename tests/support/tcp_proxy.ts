/**
 * A TCP proxy on localhost that can be cut and restored, to take a server "away" from a
 * client without stopping it (an in-memory MongoDB would lose its data on a restart).
 *
 * @example
 * ```ts
 * await using proxy = startTcpProxy(27017);
 * proxy.cut();             // every connection dropped, new ones refused
 * await proxy.restore();   // listening again on the same port
 * ```
 * @module
 */

/** A running proxy. */
export interface TcpProxy extends AsyncDisposable {
  readonly port: number;
  /** Drops every connection and stops accepting new ones. */
  cut(): void;
  /** Accepts connections again, on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** Forwards `127.0.0.1:<port>` to `127.0.0.1:<targetPort>`. */
export function startTcpProxy(targetPort: number): TcpProxy {
  const open = new Set<Deno.Conn>();
  let listener: Deno.Listener | null = null;
  let port = 0;

  const pipe = async (from: Deno.Conn, to: Deno.Conn) => {
    try {
      await from.readable.pipeTo(to.writable);
    } catch {
      // either side went away: the other is closed below
    }
    for (const c of [from, to]) {
      try {
        c.close();
      } catch { /* already closed */ }
      open.delete(c);
    }
  };

  const listen = () => {
    const l = Deno.listen({ hostname: "127.0.0.1", port });
    port = (l.addr as Deno.NetAddr).port;
    listener = l;
    (async () => {
      for await (const client of l) {
        try {
          const server = await Deno.connect({ hostname: "127.0.0.1", port: targetPort });
          open.add(client);
          open.add(server);
          void pipe(client, server);
          void pipe(server, client);
        } catch {
          client.close();
        }
      }
    })().catch(() => {/* the listener was closed by cut() */});
  };
  listen();

  const cut = () => {
    listener?.close();
    listener = null;
    for (const c of open) {
      try {
        c.close();
      } catch { /* already closed */ }
    }
    open.clear();
  };
  return {
    get port() {
      return port;
    },
    cut,
    restore: () => {
      if (!listener) listen();
      return Promise.resolve();
    },
    close: () => {
      cut();
      return Promise.resolve();
    },
    [Symbol.asyncDispose]: () => {
      cut();
      return Promise.resolve();
    },
  };
}
