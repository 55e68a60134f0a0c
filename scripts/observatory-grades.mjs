// Runs the MDN HTTP Observatory (npm @mdn/mdn-http-observatory 1.4.8, its own retriever, tests and
// grader) against one site on loopback with custom ports, which its CLI cannot do: this is its
// scanner/index.js scan() with the ports handed to retrieve(). Prints the Observatory's result and
// what its retriever fetched (so the suite's Java scorer can be fed the very same responses).
// Usage: node observatory-grades.mjs <observatory package dir> <host> <https port> <http port>
import path from "node:path";
import { pathToFileURL } from "node:url";

const [dir, host, httpsPort, httpPort] = process.argv.slice(2);
const load = (p) => import(pathToFileURL(path.join(dir, "src", p)).href);
const { retrieve } = await load("retriever/retriever.js");
const { ALL_TESTS } = await load("constants.js");
const { getGradeForScore, getScoreModifier } = await load("grader/grader.js");
const { MINIMUM_SCORE_FOR_EXTRA_CREDIT } = await load("grader/charts.js");

const r = await retrieve(host, { httpsPort, httpPort });
if (!r.responses.auto) {
  console.log(JSON.stringify({ error: "The site seems to be down." }));
  process.exit(1);
}
const results = ALL_TESTS.map((test) => test(r));
let withExtraCredit = 100;
let uncurved = 100;
const tests = {};
for (const result of results) {
  if (result.result) {
    const modifier = getScoreModifier(result.result);
    withExtraCredit += modifier;
    if (modifier < 0) uncurved += modifier;
    tests[result.constructor.name] = { result: result.result, modifier, pass: result.pass };
  }
}
const final = getGradeForScore(uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withExtraCredit : uncurved);

const raw = (resp) => {
  if (!resp) return null;
  const rawHeaders = resp.request?.res?.rawHeaders;
  const headers = [];
  if (rawHeaders) {
    for (let i = 0; i < rawHeaders.length; i += 2) headers.push([rawHeaders[i], rawHeaders[i + 1]]);
  } else {
    for (const [k, v] of Object.entries(resp.headers ?? {})) for (const x of [v].flat()) headers.push([k, String(x)]);
  }
  const url = resp.request?.res?.responseUrl || resp.config?.url || "";
  return { url, status: resp.status, headers, body: typeof resp.data === "string" ? resp.data : "" };
};
console.log(JSON.stringify({
  observatory: { grade: final.grade, score: final.score, tests },
  retrieved: {
    host,
    httpRoute: r.responses.httpRedirects.map((e) => ({ url: e.url.href, status: e.status })),
    page: raw(r.responses.auto),
    pageUrl: r.session.url.href,
    cors: raw(r.responses.cors),
  },
}, null, 2));
