import { assert, assertEquals } from "@std/assert";
import { describeSettings } from "../src/config.ts";

const example = await Deno.readTextFile(new URL("../.env.example", import.meta.url));
const lines = example.split("\n");

Deno.test(".env.example lists every setting, commented out, with its default and a comment", () => {
  for (const setting of describeSettings()) {
    const at = lines.findIndex((l) => l.startsWith(`# ${setting.name}=`));
    assert(at > 0, `${setting.name} is not in .env.example`);
    const shown = lines[at].slice(`# ${setting.name}=`.length);
    assertEquals(shown, setting.default === "(unset)" ? "" : setting.default, setting.name);
    const above = lines[at - 1];
    assert(above.startsWith("# ") && !/^# [A-Z_]+=/.test(above), `${setting.name}: no comment`);
  }
});

Deno.test(".env.example names no setting that does not exist and sets nothing", () => {
  const names = new Set(describeSettings().map((s) => s.name));
  const listed = lines.flatMap((l) => /^# ([A-Z][A-Z0-9_]*)=/.exec(l)?.[1] ?? []);
  assertEquals(listed.filter((n) => !names.has(n)), []);
  assertEquals(lines.filter((l) => /^[A-Z]/.test(l)), [], "every line is a comment");
});
