// Reranks through an unmodified Cohere SDK (the npm package cohere-ai), v1 and v2 clients, against a local IRanker
// server: only the SDK's base URL is changed. Exits 1 if a call fails or a response is not a ranking of the documents.
// Usage (from cohere-sdk-check.sh): node cohere-sdk-check.mjs http://127.0.0.1:8181 [api-key]
import { CohereClient, CohereClientV2 } from "cohere-ai";

const baseUrl = process.argv[2];
const token = process.argv[3] || "no-key";
const query = "tell me about the comet";
const documents = [
  "bananas are yellow and sweet",
  "comet history explained in detail by experts",
  "a short overview of the comet",
  "comet tours advertisement buy now",
];

// Cohere-sized lists: 200 and 1,000 distinct documents (over the server's LongListDocuments, 100 by default).
const many = (n) => Array.from({ length: n }, (_, i) => `${documents[i % documents.length]}, part ${i}`);

function check(name, response, topN, withDocuments, docs = documents) {
  const results = response.results;
  const indices = results.map((r) => r.index);
  const scores = results.map((r) => r.relevanceScore);
  const ok = results.length === topN
    && new Set(indices).size === topN && indices.every((i) => Number.isInteger(i) && i >= 0 && i < docs.length)
    && scores.every((s, k) => s > 0 && s <= 1 && (k === 0 || s <= scores[k - 1]))
    && (!withDocuments || results.every((r) => r.document && r.document.text === docs[r.index]));
  const shown = results.length > 5 ? `${JSON.stringify(results.slice(0, 5))}...` : JSON.stringify(results);
  console.log(`${name}: ${ok ? "OK" : "WRONG"} id=${response.id} results=${shown} meta=${JSON.stringify(response.meta)}`);
  return ok;
}

// A loaded machine can take minutes for a long list: wait up to 10 minutes, without retries.
const patient = { timeoutInSeconds: 600, maxRetries: 0 };
const v1 = new CohereClient({ token, environment: baseUrl });
const v2 = new CohereClientV2({ token, environment: baseUrl });
let ok = true;
ok = check("v1 CohereClient.rerank", await v1.rerank({ query, documents, topN: 3, returnDocuments: true }, patient), 3, true) && ok;
ok = check("v1 CohereClient.rerank (object documents)",
  await v1.rerank({ query, documents: documents.map((text) => ({ text })), topN: 2 }, patient), 2, false) && ok;
ok = check("v2 CohereClientV2.rerank", await v2.rerank({ model: "iranker", query, documents, topN: 4 }, patient), 4, false) && ok;
for (const n of [200, 1000]) {
  const docs = many(n);
  const started = Date.now();
  const response = await v2.rerank({ model: "iranker", query, documents: docs, topN: 10 }, patient);
  ok = check(`v2 CohereClientV2.rerank of ${n} documents (${Date.now() - started} ms)`, response, 10, false, docs) && ok;
  const v1Response = await v1.rerank({ query, documents: docs, topN: 5, returnDocuments: true }, patient);
  ok = check(`v1 CohereClient.rerank of ${n} documents with returnDocuments`, v1Response, 5, true, docs) && ok;
}
try {
  await v2.rerank({ model: "iranker", query, documents: [] });
  console.log("v2 empty documents: WRONG, no error");
  ok = false;
} catch (e) {
  const status = e.statusCode ?? e.status;
  console.log(`v2 empty documents: ${status === 400 ? "OK" : "WRONG"} the SDK raised ${e.constructor.name} with status ${status}`);
  ok = status === 400 && ok;
}
process.exit(ok ? 0 : 1);
