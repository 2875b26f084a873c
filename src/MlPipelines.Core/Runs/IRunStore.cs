namespace MlPipelines.Core.Runs;

/// <summary>Experiments and runs: everything a run records. Implementations are safe for concurrent use by several processes.</summary>
public interface IRunStore
{
    /// <summary>Creates a run (and its experiment on first use) and returns it.</summary>
    RunInfo CreateRun(NewRun run);
    /// <summary>Gets a run or throws NotFound.</summary>
    RunInfo GetRun(string runId);
    /// <summary>Gets a run or null.</summary>
    RunInfo? FindRun(string runId);
    /// <summary>Runs matching a query.</summary>
    IReadOnlyList<RunInfo> QueryRuns(RunQuery query);
    /// <summary>All experiments.</summary>
    IReadOnlyList<Experiment> ListExperiments();
    /// <summary>Creates an experiment without runs; Conflict when one of that name exists.</summary>
    Experiment CreateExperiment(string name);

    /// <summary>Sets the status; Running sets start time, terminal statuses set end time. Refuses to leave a terminal status.</summary>
    void SetStatus(string runId, RunStatus status, string? reason = null);
    /// <summary>Refreshes the heartbeat of a Running run (readers treat a stale heartbeat as 'lost').</summary>
    void Heartbeat(string runId);
    /// <summary>Records that this run reused the results of another run.</summary>
    void SetReusedFrom(string runId, string originalRunId);
    /// <summary>Records the source snapshot hash (the zip itself is in the artifact store).</summary>
    void SetSnapshot(string runId, string snapshotHash);
    /// <summary>Records the OS process id executing the run, so <c>mlp run cancel</c> can kill its tree.</summary>
    void SetProcess(string runId, int processId, string host);
    /// <summary>The process recorded for a run, if any.</summary>
    (int ProcessId, string Host)? GetProcess(string runId);

    /// <summary>Sets params; a param may be set once (same value again is fine, a different value is a Conflict).</summary>
    void LogParams(string runId, IReadOnlyDictionary<string, string> values);
    /// <summary>Sets or overwrites tags.</summary>
    void SetTags(string runId, IReadOnlyDictionary<string, string> values);
    /// <summary>Removes one tag of a run; NotFound (naming the run's tags) when it has no tag of that name.</summary>
    void DeleteTag(string runId, string key);
    /// <summary>Appends metric points in one transaction (durable when this returns).</summary>
    void LogMetrics(string runId, IReadOnlyList<MetricPoint> points);
    /// <summary>Full history of one metric, or of all metrics when <paramref name="name"/> is null, ordered by step then time.</summary>
    IReadOnlyList<MetricPoint> GetMetrics(string runId, string? name = null);

    /// <summary>Appends log lines (sequence numbers are assigned by the caller, monotonically per run).</summary>
    void AppendLogs(string runId, IReadOnlyList<LogLine> lines);
    /// <summary>Log lines with sequence greater than <paramref name="afterSequence"/>.</summary>
    IReadOnlyList<LogLine> GetLogs(string runId, long afterSequence = -1, int max = int.MaxValue);

    /// <summary>Records an output file already stored in the artifact store.</summary>
    void AddOutput(string runId, RunOutput output);
    /// <summary>Output files of a run.</summary>
    IReadOnlyList<RunOutput> GetOutputs(string runId);
    /// <summary>
    /// Removes the output at <paramref name="path"/>, or every output under it when it names a folder (<c>model</c>
    /// removes <c>model/a.bin</c> and <c>model/b/c.txt</c>), or every output of the run when it is null; returns how many
    /// were removed (0 when nothing matched). NotFound for an unknown run. Blobs stay in the artifact store (others may share them).
    /// </summary>
    int DeleteOutputs(string runId, string? path);
    /// <summary>Records a logged table (JSON rows).</summary>
    void AddTable(string runId, RunTable table);
    /// <summary>Tables logged by a run.</summary>
    IReadOnlyList<RunTable> GetTables(string runId);
    /// <summary>Records a logged image already stored in the artifact store.</summary>
    void AddImage(string runId, RunImage image);
    /// <summary>Images logged by a run.</summary>
    IReadOnlyList<RunImage> GetImages(string runId);
    /// <summary>Records which dataset versions a run consumed.</summary>
    void AddDatasetInput(string runId, string dataset, int version);
    /// <summary>Dataset versions a run consumed.</summary>
    IReadOnlyList<(string Dataset, int Version)> GetDatasetInputs(string runId);
}
