using MlPipelines.Compute;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Recording;
using MlPipelines.Core.Runs;
using MlPipelines.Core.Workspaces;

namespace MlPipelines.Tracking.Processes;

/// <summary>
/// Executes a command as a tracked run: sets it Running with a heartbeat, passes <c>MLP_RUN_ID</c>,
/// <c>MLP_WORKSPACE</c>, <c>MLP_EXPERIMENT</c> and <c>MLP_OUTPUT_DIR</c>, records every output line and
/// <c>##mlp</c> command, stores the files left in the output folder, and maps the exit code to the final status.
/// Used by <c>mlp run submit</c> and by the runner's command steps.
/// </summary>
public static class TrackedCommand
{
    /// <summary>Runs the command; <paramref name="echo"/> sees every line (and warnings as System lines) as it arrives.</summary>
    public static async Task<TrackedCommandResult> RunAsync(
        IWorkspace workspace, IComputeTarget target, TrackedCommandRequest request, Action<OutputLine>? echo, CancellationToken cancellation)
    {
        var run = workspace.Runs.GetRun(request.RunId);
        Directory.CreateDirectory(request.OutputDirectory);
        var workDir = request.Job.WorkingDirectory ?? Directory.GetCurrentDirectory();
        using var recorder = new RunRecorder(workspace, run.Id, new RecorderOptions
        {
            OutputDirectory = request.OutputDirectory,
            WorkingDirectory = workDir,
            // Warnings of a line are echoed right after it (OnOutput is serialised); the writer's come when they happen.
            OnWarning = w => echo?.Invoke(new OutputLine(LogStream.System, DateTimeOffset.UtcNow, "warning: " + w)),
        });
        var env = new Dictionary<string, string?>(request.Job.Environment)
        {
            ["MLP_RUN_ID"] = run.Id,
            ["MLP_EXPERIMENT"] = run.Experiment,
            ["MLP_OUTPUT_DIR"] = request.OutputDirectory,
        };
        foreach (var (k, v) in workspace.ProcessEnvironment(run.Id)) env[k] = v; // MLP_WORKSPACE (+ a run-scoped token when remote)
        if (run.Status == RunStatus.Queued) workspace.Runs.SetStatus(run.Id, RunStatus.Running);
        using var heartbeat = new Timer(_ => { try { workspace.Runs.Heartbeat(run.Id); } catch (Exception) { /* retried on next tick */ } },
            null, TimeSpan.Zero, request.HeartbeatInterval);

        var queued = false;
        var observer = new ComputeObserver
        {
            OnWaiting = why =>
            {
                echo?.Invoke(new OutputLine(LogStream.System, DateTimeOffset.UtcNow, $"waiting on compute '{target.Name}': {why}"));
                if (queued) return;
                queued = true;
                workspace.Runs.SetStatus(run.Id, RunStatus.Queued, why);
            },
            OnStarted = s =>
            {
                if (queued) workspace.Runs.SetStatus(run.Id, RunStatus.Running);
                workspace.Runs.SetProcess(run.Id, s.ProcessId, s.Host);
            },
            OnOutput = line =>
            {
                echo?.Invoke(line);
                recorder.Record(line.Stream, line.Timestamp, line.Text, line.InvalidUtf8);
            },
        };
        ComputeResult result;
        try
        {
            // A container job sees the loopback MLflow API's certificate read-only at the same path.
            var readOnly = env.GetValueOrDefault("MLFLOW_TRACKING_SERVER_CERT_PATH") is { } cert && File.Exists(cert) ? request.Job.ReadOnlyPaths.Append(cert).ToList() : request.Job.ReadOnlyPaths;
            result = await target.RunAsync(request.Job with { Environment = env, Name = request.Job.Name ?? run.Id, ReadOnlyPaths = readOnly }, observer, cancellation);
        }
        catch (MlpException e)
        {
            // The command could not start (not found, not executable): the run is over now, not when its heartbeat stops.
            recorder.Dispose();
            if (request.SetFinalStatus) workspace.Runs.SetStatus(run.Id, RunStatus.Failed, e.Message);
            throw;
        }
        var outputFailure = RecordOutputs(recorder);
        recorder.Dispose();

        if (request.SetFinalStatus && !workspace.Runs.GetRun(run.Id).Status.IsTerminal())
        {
            var status = result.Canceled ? RunStatus.Canceled : result.Succeeded && outputFailure is null ? RunStatus.Completed : RunStatus.Failed;
            var reason = result.Succeeded && outputFailure is not null ? outputFailure : result.Reason(request.Job.Timeout);
            workspace.Runs.SetStatus(run.Id, status, status == RunStatus.Completed ? null : reason);
        }
        return new TrackedCommandResult(result, recorder.Warnings) { OutputFailure = outputFailure };
    }

    /// <summary>Stores the output folder's files and the named outputs, all or nothing; returns why that failed, or null.</summary>
    private static string? RecordOutputs(RunRecorder recorder)
    {
        try
        {
            recorder.CollectOutputs(out _);
            recorder.CommitOutputs();
            return null;
        }
        catch (MlpException e) { return e.Message; }
    }
}
