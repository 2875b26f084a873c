using MlPipelines.Core.Runs;
using MlPipelines.Workspace.Remote.Http;

namespace MlPipelines.Workspace.Remote.Stores;

/// <summary>Experiments and runs over <c>/api/v1/workspaces/NAME/runs</c>; metric and log writes go in batches.</summary>
internal sealed class RemoteRunStore(RemoteConnection http, WorkspacePaths paths) : IRunStore
{
    public RunInfo CreateRun(NewRun run) => http.Write<RunInfo>(HttpMethod.Post, paths.Of("runs"), run);

    public RunInfo GetRun(string runId) => http.Get<RunInfo>(paths.Run(runId));

    public RunInfo? FindRun(string runId) => http.GetOrNull<RunInfo>(paths.Run(runId));

    public bool IsDeleted(string runId) => GetRun(runId).DeletedAt is not null;

    public IReadOnlyList<RunInfo> QueryRuns(RunQuery query) =>
        http.Write<List<RunInfo>>(HttpMethod.Post, paths.Of("runs/search"), query);

    public IReadOnlyList<Experiment> ListExperiments() => http.Get<List<Experiment>>(paths.Of("experiments"));

    public Experiment CreateExperiment(string name, IReadOnlyDictionary<string, string>? tags = null) =>
        http.Write<Experiment>(HttpMethod.Post, paths.Of("experiments"), new CreateExperimentRequest(name, tags));

    public void RenameExperiment(string name, string newName) =>
        http.Write(HttpMethod.Put, paths.Segments("experiments", name, "name"), new RenameRequest(newName));

    public void DeleteExperiment(string name) => http.Write(HttpMethod.Delete, paths.Segments("experiments", name), null);

    public void RestoreExperiment(string name) => http.Write(HttpMethod.Post, paths.Segments("experiments", name, "restore"), null);

    public void SetExperimentTags(string name, IReadOnlyDictionary<string, string> values) =>
        http.Write(HttpMethod.Post, paths.Segments("experiments", name, "tags"), new ValuesRequest(values));

    public void DeleteExperimentTag(string name, string key) => http.Write(HttpMethod.Delete, paths.Segments("experiments", name, "tags", key), null);

    public void RenameRun(string runId, string newName) => http.Write(HttpMethod.Put, paths.Run(runId, "name"), new RenameRequest(newName));

    public void DeleteRun(string runId) => http.Write(HttpMethod.Delete, paths.Run(runId), null);

    public void RestoreRun(string runId) => http.Write(HttpMethod.Post, paths.Run(runId, "restore"), null);

    public void SetStatus(string runId, RunStatus status, string? reason = null) =>
        http.Write(HttpMethod.Put, paths.Run(runId, "status"), new StatusRequest(status, reason));

    public void Heartbeat(string runId) => http.Write(HttpMethod.Post, paths.Run(runId, "heartbeat"), null);

    public void SetReusedFrom(string runId, string originalRunId) =>
        http.Write(HttpMethod.Put, paths.Run(runId, "reusedFrom"), new ReusedFromRequest(originalRunId));

    public void SetSnapshot(string runId, string snapshotHash) =>
        http.Write(HttpMethod.Put, paths.Run(runId, "snapshot"), new SnapshotRequest(snapshotHash));

    public void SetProcess(string runId, int processId, string host) =>
        http.Write(HttpMethod.Put, paths.Run(runId, "process"), new ProcessInfo(processId, host));

    public (int ProcessId, string Host)? GetProcess(string runId) =>
        http.GetOrNull<ProcessInfo>(paths.Run(runId, "process")) is { } p ? (p.ProcessId, p.Host) : null;

    public void LogParams(string runId, IReadOnlyDictionary<string, string> values) =>
        http.Write(HttpMethod.Post, paths.Run(runId, "params"), new ValuesRequest(values));

    public void SetTags(string runId, IReadOnlyDictionary<string, string> values) =>
        http.Write(HttpMethod.Post, paths.Run(runId, "tags"), new ValuesRequest(values));

    public void DeleteTag(string runId, string key) => http.Write(HttpMethod.Delete, paths.Run(runId, "tags/" + Uri.EscapeDataString(key)), null);

    public void LogMetrics(string runId, IReadOnlyList<MetricPoint> points)
    {
        foreach (var chunk in points.Chunk(http.Options.MetricBatchSize))
            http.Write(HttpMethod.Post, paths.Run(runId, "metrics"), new MetricBatchRequest(Columns: MetricColumns.Of(chunk)));
    }

    public IReadOnlyList<MetricPoint> GetMetrics(string runId, string? name = null) =>
        http.Get<List<MetricPoint>>(paths.Run(runId, "metrics") + WorkspacePaths.Query(("name", name)));

    public void AppendLogs(string runId, IReadOnlyList<LogLine> lines)
    {
        foreach (var chunk in lines.Chunk(http.Options.LogBatchSize))
            http.Write(HttpMethod.Post, paths.Run(runId, "logs"), new LogBatch(chunk));
    }

    public IReadOnlyList<LogLine> GetLogs(string runId, long afterSequence = -1, int max = int.MaxValue)
    {
        // The server answers at most PageSize lines per request; read pages until max lines or the end.
        const int PageSize = 10_000;
        var all = new List<LogLine>();
        while (all.Count < max)
        {
            var want = Math.Min(max - all.Count, PageSize);
            var page = http.Get<List<LogLine>>(paths.Run(runId, "logs") + WorkspacePaths.Query(("after", afterSequence.ToString()), ("max", want.ToString())));
            all.AddRange(page);
            if (page.Count < want) break;
            afterSequence = page[^1].Sequence;
        }
        return all;
    }

    public void AddOutput(string runId, RunOutput output) => http.Write(HttpMethod.Post, paths.Run(runId, "outputs"), output);

    public IReadOnlyList<RunOutput> GetOutputs(string runId) => http.Get<List<RunOutput>>(paths.Run(runId, "outputs"));

    public int DeleteOutputs(string runId, string? path) =>
        http.Write<DeletedOutputs>(HttpMethod.Delete, paths.Run(runId, "outputs") + (path is null ? "" : WorkspacePaths.Query(("path", path))), null).Deleted;

    public void AddTable(string runId, RunTable table) => http.Write(HttpMethod.Post, paths.Run(runId, "tables"), table);

    public IReadOnlyList<RunTable> GetTables(string runId) => http.Get<List<RunTable>>(paths.Run(runId, "tables"));

    public void AddImage(string runId, RunImage image) => http.Write(HttpMethod.Post, paths.Run(runId, "images"), image);

    public IReadOnlyList<RunImage> GetImages(string runId) => http.Get<List<RunImage>>(paths.Run(runId, "images"));

    public void AddDatasetInput(string runId, string dataset, int version) =>
        http.Write(HttpMethod.Post, paths.Run(runId, "datasetInputs"), new DatasetInput(dataset, version));

    public IReadOnlyList<(string Dataset, int Version)> GetDatasetInputs(string runId) =>
        http.Get<List<DatasetInput>>(paths.Run(runId, "datasetInputs")).Select(d => (d.Dataset, d.Version)).ToList();

    public void AddExternalDatasetInputs(string runId, IReadOnlyList<ExternalDatasetInput> inputs)
    {
        foreach (var chunk in inputs.Chunk(1000))
            http.Write(HttpMethod.Post, paths.Run(runId, "externalDatasetInputs"), new ExternalDatasetInputsRequest(chunk));
        if (inputs.Count == 0) http.Write(HttpMethod.Post, paths.Run(runId, "externalDatasetInputs"), new ExternalDatasetInputsRequest([])); // still checks the run
    }

    public IReadOnlyDictionary<string, IReadOnlyList<ExternalDatasetInput>> GetExternalDatasetInputs(IReadOnlyCollection<string> runIds)
    {
        var all = new Dictionary<string, IReadOnlyList<ExternalDatasetInput>>();
        foreach (var chunk in runIds.Distinct().Chunk(10_000))
            foreach (var (id, inputs) in http.Write<Dictionary<string, List<ExternalDatasetInput>>>(HttpMethod.Post, paths.Of("externalDatasetInputs/search"), new RunIdsRequest(chunk)))
                all[id] = inputs;
        return all;
    }
}
