// Calls the MLflow REST API of one workspace with the npm 'mlflow' client and prints one JSON line per call:
// {"call": "...", "ok": true|false, "detail": "..."}. Env: MLFLOW_ENDPOINT (…/workspaces/NAME), MLFLOW_TOKEN.
// NODE_EXTRA_CA_CERTS names the server's dev certificate.
const MLflow = require('mlflow');
console.log = () => {}; // the client prints every request body; keep stdout for the results
const client = new MLflow({ endpoint: process.env.MLFLOW_ENDPOINT, headers: { Authorization: 'Bearer ' + process.env.MLFLOW_TOKEN } });
const { Experiments, Runs, Metrics, Artifacts } = client;
const out = (call, ok, detail) => process.stdout.write(JSON.stringify({ call, ok, detail: String(detail ?? '').slice(0, 300) }) + '\n');

async function step(call, fn, check) {
  try {
    const r = await fn();
    const problem = check ? check(r) : null;
    out(call, !problem, problem ?? JSON.stringify(r));
    return r;
  } catch (e) {
    out(call, false, e.message);
    return null;
  }
}

(async () => {
  const created = await step('experiments/create', () => Experiments.create({ name: 'node-client' }), r => r.experiment_id ? null : 'no experiment_id');
  const experimentId = created?.experiment_id ?? '0';
  await step('experiments/get', () => Experiments.get({ experiment_id: experimentId }), r => r.experiment?.name === 'node-client' ? null : 'wrong experiment');
  await step('experiments/list (removed in MLflow 2)', () => Experiments.list());
  const run = await step('runs/create', () => Runs.create({ experiment_id: experimentId, start_time: Date.now(), tags: [{ key: 'mlflow.runName', value: 'from-node' }] }), r => r.run?.info?.run_id ? null : 'no run_id');
  const runId = run?.run?.info?.run_id;
  await step('runs/log-metric', () => Runs.logMetric({ run_id: runId, key: 'loss', value: 0.5, timestamp: Date.now(), step: 1 }));
  await step('runs/log-parameter', () => Runs.logParameter({ run_id: runId, key: 'lr', value: '0.1' }));
  await step('runs/set-tag', () => Runs.setTag({ run_id: runId, key: 'team', value: 'node' }));
  await step('runs/log-batch', () => Runs.logBatch({ run_id: runId, metrics: [{ key: 'loss', value: 0.25, timestamp: Date.now(), step: 2 }], params: [{ key: 'epochs', value: '3' }], tags: [{ key: 'stage', value: 'dev' }] }));
  await step('runs/get', () => Runs.get({ run_id: runId }), r => r.run?.data?.params?.some(p => p.key === 'lr' && p.value === '0.1') ? null : 'param lr missing');
  await step('metrics/get-history', () => Metrics.getHistory({ run_id: runId, metric_key: 'loss' }), r => r.metrics?.length === 2 ? null : `expected 2 points, got ${r.metrics?.length}`);
  await step('runs/search', () => Runs.search({ experiment_ids: [experimentId], filter: "params.lr = '0.1' and metrics.loss < 1", max_results: 10 }), r => r.runs?.length === 1 ? null : `expected 1 run, got ${r.runs?.length}`);
  await step('runs/update', () => Runs.update({ run_id: runId, status: 'FINISHED', end_time: Date.now() }), r => r.run_info?.status === 'FINISHED' ? null : 'status not FINISHED');
  await step('runs/delete-tag', () => Runs.deleteTag({ run_id: runId, key: 'team' }));
  const stage = (r) => r.run?.info?.lifecycle_stage ?? r.experiment?.lifecycle_stage;
  const expect = (want) => (r) => stage(r) === want ? null : `lifecycle_stage ${stage(r)}, expected ${want}`;
  await step('runs/delete', async () => { await Runs.delete({ run_id: runId }); return Runs.get({ run_id: runId }); }, expect('deleted'));
  await step('runs/restore', async () => { await Runs.restore({ run_id: runId }); return Runs.get({ run_id: runId }); }, expect('active'));
  await step('experiments/update', async () => { await Experiments.update({ experiment_id: experimentId, new_name: 'node-client-2' }); return Experiments.get({ experiment_id: experimentId }); },
    r => r.experiment?.name === 'node-client-2' ? null : `name ${r.experiment?.name}`);
  await step('experiments/set-experiment-tag', () => Experiments.setExperimentTag({ experiment_id: experimentId, key: 'k', value: 'v' }));
  await step('experiments/delete', async () => { await Experiments.delete({ experiment_id: experimentId }); return Experiments.get({ experiment_id: experimentId }); }, expect('deleted'));
  await step('experiments/restore', async () => { await Experiments.restore({ experiment_id: experimentId }); return Experiments.get({ experiment_id: experimentId }); }, expect('active'));
  await step('artifacts/list', () => Artifacts.list({ run_id: runId }));
})();
