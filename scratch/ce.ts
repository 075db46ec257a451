import { startEmbeddedMongo } from "../src/db/embedded.ts";
import { MongoClient } from "mongodb";
const s = await startEmbeddedMongo();
const port = s.uri.split(":").pop();
const hole = Deno.listen({ hostname: "127.0.0.1", port: 0 });
const held: Deno.Conn[] = [];
(async () => {
  for await (const c of hole) held.push(c);
})();
const tlsClose = Deno.listen({ hostname: "127.0.0.1", port: 0 });
(async () => {
  for await (const c of tlsClose) {
    const b = new Uint8Array(100);
    await c.read(b).catch(() => {});
    await c.write(new TextEncoder().encode("HTTP/1.1 400 Bad\r\n\r\n")).catch(() => {});
    c.close();
  }
})();
function chain(e: unknown): string {
  const out: string[] = [];
  let x: any = e;
  let d = 0;
  while (x && d < 6) {
    out.push(
      `${x.name}|code=${x.code}|codeName=${x.codeName}|syscall=${x.syscall}|${
        String(x.message).slice(0, 160)
      }`,
    );
    if (x.reason?.servers) {
      for (const [h, sd] of x.reason.servers) {
        out.push(
          `  server ${h}: ${sd.error?.name} ${
            sd.error?.message?.slice(0, 120)
          } cause=${sd.error?.cause?.code}`,
        );
      }
    }
    x = x.cause;
    d++;
  }
  return out.join("\n   <- ");
}
for (
  const uri of [
    "mongodb://127.0.0.1:1/x",
    "mongodb://no-such-host.invalid:27017/x",
    "mongodb+srv://cluster0.no-such.invalid/x",
    `mongodb://127.0.0.1:${port}/x?tls=true`,
    `mongodb://127.0.0.1:${(hole.addr as Deno.NetAddr).port}/x`,
    `mongodb://127.0.0.1:${(tlsClose.addr as Deno.NetAddr).port}/x?tls=true`,
    `mongodb://bob:pw@127.0.0.1:${port}/x`,
  ]
) {
  const c = new MongoClient(uri, { serverSelectionTimeoutMS: 2000, connectTimeoutMS: 2000 });
  const t = Date.now();
  try {
    await c.db("x").command({ ping: 1 });
    console.log(uri, "OK");
  } catch (e) {
    console.log(uri, Date.now() - t, "ms\n   ", chain(e));
  }
  await c.close().catch(() => {});
}
hole.close();
tlsClose.close();
for (const h of held) h.close();
await s.stop();
