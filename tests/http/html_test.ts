import { assertEquals } from "@std/assert";
import { escapeHtml, html, safeUrl } from "../../src/http/html.ts";

Deno.test("escapeHtml escapes every character that can open markup or end an attribute", () => {
  assertEquals(
    escapeHtml(`<a href="x" onclick='y'>&\`</a>`),
    "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;",
  );
});

Deno.test("html`` escapes values, keeps nested html``, joins arrays, drops null", () => {
  const title = "<script>alert(1)</script>";
  const inner = html`<b>${title}</b>`;
  assertEquals(
    html`<li>${inner}</li>${[1, "<2>"]}${null}${undefined}${false}`.text,
    "<li><b>&lt;script&gt;alert(1)&lt;/script&gt;</b></li>1&lt;2&gt;",
  );
  assertEquals(
    html`<a title="${`" onmouseover="x`}">`.text,
    '<a title="&quot; onmouseover=&quot;x">',
  );
});

Deno.test("safeUrl lets only http(s) links through", () => {
  assertEquals(
    safeUrl("https://www.find-tender.service.gov.uk/Notice/1"),
    "https://www.find-tender.service.gov.uk/Notice/1",
  );
  assertEquals(safeUrl("javascript:alert(1)"), null);
  assertEquals(safeUrl("data:text/html,<script>"), null);
  assertEquals(safeUrl("not a url"), null);
  assertEquals(safeUrl(null), null);
});
