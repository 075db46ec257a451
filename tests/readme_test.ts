import { assert } from "@std/assert";
import { describeSettings } from "../src/config.ts";

const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
const denoJson = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));

Deno.test("the README documents every setting", () => {
  const missing = describeSettings().map((s) => s.name).filter((n) => !readme.includes(`\`${n}\``));
  assert(missing.length === 0, `not in README: ${missing.join(", ")}`);
});

Deno.test("the README shows every task and the two commands at the top", () => {
  const missing = Object.keys(denoJson.tasks).filter((t) => !readme.includes(`deno task ${t}`));
  assert(missing.length === 0, `tasks not in README: ${missing.join(", ")}`);
  const top = readme.slice(0, 1200);
  assert(top.includes("deno task dev") && top.includes("deno task test"));
});
