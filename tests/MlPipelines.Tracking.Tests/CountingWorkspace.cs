using MlPipelines.Core.Artifacts;
using MlPipelines.Core.Caching;
using MlPipelines.Core.Data;
using MlPipelines.Core.Endpoints;
using MlPipelines.Core.Compute;
using MlPipelines.Core.Environments;
using MlPipelines.Core.Images;
using MlPipelines.Core.Registry;
using MlPipelines.Core.Runs;
using MlPipelines.Core.Workspaces;

namespace MlPipelines.Tracking.Tests;

/// <summary>A workspace whose run store counts the writes it receives (by method name), to check what is batched.</summary>
internal sealed class CountingWorkspace(IWorkspace inner) : IWorkspace
{
    private readonly CountingRunStore _runs = new(inner.Runs);

    public int Calls(string method) => _runs.Calls(method);

    public WorkspaceInfo Info => inner.Info;
    public IRunStore Runs => _runs;
    public IArtifactStore Artifacts => inner.Artifacts;
    public IDatasetStore Datasets => inner.Datasets;
    public IModelRegistry Models => inner.Models;
    public IImageStore Images => inner.Images;
    public IComputeStore Computes => inner.Computes;
    public IEnvironmentStore Environments => inner.Environments;
    public IEndpointStore Endpoints => inner.Endpoints;
    public IStepCache Cache => inner.Cache;
    public IFileHashIndex FileHashes => inner.FileHashes;
    public IReadOnlyDictionary<string, string> Settings => inner.Settings;
    public string ScratchDirectory => inner.ScratchDirectory;
    public void SetSetting(string key, string value) => inner.SetSetting(key, value);
    public WorkspaceStats Stats() => inner.Stats();
    public void Dispose() { }

    private sealed class CountingRunStore(IRunStore inner) : IRunStore
    {
        private readonly Dictionary<string, int> _calls = [];

        public int Calls(string method)
        {
            lock (_calls) return _calls.GetValueOrDefault(method);
        }

        private void Count(string method)
        {
            lock (_calls) _calls[method] = _calls.GetValueOrDefault(method) + 1;
        }

        public void LogParams(string runId, IReadOnlyDictionary<string, string> values) { Count(nameof(LogParams)); inner.LogParams(runId, values); }
        public void SetTags(string runId, IReadOnlyDictionary<string, string> values) { Count(nameof(SetTags)); inner.SetTags(runId, values); }
        public void DeleteTag(string runId, string key) { Count(nameof(DeleteTag)); inner.DeleteTag(runId, key); }
        public void LogMetrics(string runId, IReadOnlyList<MetricPoint> points) { Count(nameof(LogMetrics)); inner.LogMetrics(runId, points); }
        public void AppendLogs(string runId, IReadOnlyList<LogLine> lines) { Count(nameof(AppendLogs)); inner.AppendLogs(runId, lines); }
        public void AddTable(string runId, RunTable table) { Count(nameof(AddTable)); inner.AddTable(runId, table); }
        public void AddImage(string runId, RunImage image) { Count(nameof(AddImage)); inner.AddImage(runId, image); }
        public void AddOutput(string runId, RunOutput output) { Count(nameof(AddOutput)); inner.AddOutput(runId, output); }

        public RunInfo CreateRun(NewRun run) => inner.CreateRun(run);
        public RunInfo GetRun(string runId) => inner.GetRun(runId);
        public RunInfo? FindRun(string runId) => inner.FindRun(runId);
        public bool IsDeleted(string runId) => inner.IsDeleted(runId);
        public IReadOnlyList<RunInfo> QueryRuns(RunQuery query) => inner.QueryRuns(query);
        public IReadOnlyList<Experiment> ListExperiments() => inner.ListExperiments();
        public Experiment CreateExperiment(string name, IReadOnlyDictionary<string, string>? tags = null) => inner.CreateExperiment(name, tags);
        public void RenameExperiment(string name, string newName) => inner.RenameExperiment(name, newName);
        public void DeleteExperiment(string name) => inner.DeleteExperiment(name);
        public void RestoreExperiment(string name) => inner.RestoreExperiment(name);
        public void SetExperimentTags(string name, IReadOnlyDictionary<string, string> values) => inner.SetExperimentTags(name, values);
        public void DeleteExperimentTag(string name, string key) => inner.DeleteExperimentTag(name, key);
        public void RenameRun(string runId, string newName) => inner.RenameRun(runId, newName);
        public void DeleteRun(string runId) => inner.DeleteRun(runId);
        public void RestoreRun(string runId) => inner.RestoreRun(runId);
        public void SetStatus(string runId, RunStatus status, string? reason = null) => inner.SetStatus(runId, status, reason);
        public void Heartbeat(string runId) => inner.Heartbeat(runId);
        public void SetReusedFrom(string runId, string originalRunId) => inner.SetReusedFrom(runId, originalRunId);
        public void SetSnapshot(string runId, string snapshotHash) => inner.SetSnapshot(runId, snapshotHash);
        public void SetProcess(string runId, int processId, string host) => inner.SetProcess(runId, processId, host);
        public (int ProcessId, string Host)? GetProcess(string runId) => inner.GetProcess(runId);
        public IReadOnlyList<MetricPoint> GetMetrics(string runId, string? name = null) => inner.GetMetrics(runId, name);
        public IReadOnlyList<LogLine> GetLogs(string runId, long afterSequence = -1, int max = int.MaxValue) => inner.GetLogs(runId, afterSequence, max);
        public IReadOnlyList<RunOutput> GetOutputs(string runId) => inner.GetOutputs(runId);
        public int DeleteOutputs(string runId, string? path) { Count(nameof(DeleteOutputs)); return inner.DeleteOutputs(runId, path); }
        public IReadOnlyList<RunTable> GetTables(string runId) => inner.GetTables(runId);
        public IReadOnlyList<RunImage> GetImages(string runId) => inner.GetImages(runId);
        public void AddDatasetInput(string runId, string dataset, int version) => inner.AddDatasetInput(runId, dataset, version);
        public IReadOnlyList<(string Dataset, int Version)> GetDatasetInputs(string runId) => inner.GetDatasetInputs(runId);
        public void AddExternalDatasetInputs(string runId, IReadOnlyList<ExternalDatasetInput> inputs) => inner.AddExternalDatasetInputs(runId, inputs);
        public IReadOnlyDictionary<string, IReadOnlyList<ExternalDatasetInput>> GetExternalDatasetInputs(IReadOnlyCollection<string> runIds) => inner.GetExternalDatasetInputs(runIds);
    }
}
