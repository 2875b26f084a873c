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
    /// <summary>True when the run, or its experiment, is soft-deleted; NotFound for an unknown run. One small read, cheaper than <see cref="GetRun"/>.</summary>
    bool IsDeleted(string runId);
    /// <summary>Runs matching a query (active runs only unless <see cref="RunQuery.Lifecycle"/> says otherwise).</summary>
    IReadOnlyList<RunInfo> QueryRuns(RunQuery query);
    /// <summary>All experiments, deleted ones included (see <see cref="Experiment.DeletedAt"/>).</summary>
    IReadOnlyList<Experiment> ListExperiments();
    /// <summary>Creates an experiment without runs, with optional tags; Conflict when one of that name exists (deleted ones included).</summary>
    Experiment CreateExperiment(string name, IReadOnlyDictionary<string, string>? tags = null);
    /// <summary>Renames an experiment (its runs follow: they belong to its id); NotFound for an unknown one, Conflict when the new name is taken.</summary>
    void RenameExperiment(string name, string newName);
    /// <summary>Soft-deletes an experiment: its runs read as deleted, new runs in it are refused; nothing is erased. A deleted one stays deleted.</summary>
    void DeleteExperiment(string name);
    /// <summary>Restores a deleted experiment and with it the runs that were not deleted on their own; an active one is left as is.</summary>
    void RestoreExperiment(string name);
    /// <summary>Sets or overwrites tags of an experiment.</summary>
    void SetExperimentTags(string name, IReadOnlyDictionary<string, string> values);
    /// <summary>Removes one tag of an experiment; NotFound (naming its tags) when it has no tag of that name.</summary>
    void DeleteExperimentTag(string name, string key);

    /// <summary>Renames a run (its display name).</summary>
    void RenameRun(string runId, string newName);
    /// <summary>Soft-deletes a run: hidden from run listings by default and never reused by the step cache; nothing is erased. Deleting again changes nothing.</summary>
    void DeleteRun(string runId);
    /// <summary>Restores a deleted run; Invalid when its experiment is deleted (restore that instead). Restoring an active run changes nothing.</summary>
    void RestoreRun(string runId);

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
    /// <summary>Records datasets described by the client (MLflow <c>log-inputs</c>) in one transaction; an input the run already has (same name and digest) is kept as it was.</summary>
    void AddExternalDatasetInputs(string runId, IReadOnlyList<ExternalDatasetInput> inputs);
    /// <summary>The described dataset inputs of several runs at once (in the order they were logged), by run id; runs without any are left out, unknown ids are ignored.</summary>
    IReadOnlyDictionary<string, IReadOnlyList<ExternalDatasetInput>> GetExternalDatasetInputs(IReadOnlyCollection<string> runIds);
}
