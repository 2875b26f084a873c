// Validates rendered Job manifests offline with kubernetes-models (the Kubernetes OpenAPI schema compiled to
// validators: types, required fields, enums). Usage: node validate.mjs FILE.yaml...
// Prints one JSON line per file ({"file","ok","errors"}) and exits 1 when any file is not a valid batch/v1 Job.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { Job } from "kubernetes-models/batch/v1/Job";

function check(file) {
  const documents = parseAllDocuments(readFileSync(file, "utf8"));
  const errors = [];
  if (documents.length !== 1) errors.push(`expected one YAML document, found ${documents.length}`);
  for (const doc of documents) {
    for (const e of doc.errors) errors.push(`YAML: ${e.message}`);
    if (doc.errors.length > 0) continue;
    const obj = doc.toJS();
    if (obj?.apiVersion !== "batch/v1" || obj?.kind !== "Job")
      errors.push(`expected apiVersion batch/v1 and kind Job, found ${obj?.apiVersion} ${obj?.kind}`);
    try {
      new Job(obj).validate();
    } catch (e) {
      for (const d of e.errors ?? [{ message: e.message }])
        errors.push(d.instancePath !== undefined ? `${d.instancePath || "/"} ${d.message ?? d.keyword} ${JSON.stringify(d.params ?? {})}` : String(d.message));
    }
  }
  return { file, ok: errors.length === 0, errors };
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs FILE.yaml...");
  process.exit(2);
}
let failed = 0;
for (const file of files) {
  const result = check(file);
  if (!result.ok) failed++;
  console.log(JSON.stringify(result));
}
process.exit(failed > 0 ? 1 : 0);
