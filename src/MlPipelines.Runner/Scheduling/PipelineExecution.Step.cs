using System.Diagnostics;
using System.Globalization;
using MlPipelines.Core.Caching;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;
using MlPipelines.Pipelines.Plan;
using MlPipelines.Runner.Caching;
using MlPipelines.Runner.Execution;
using MlPipelines.Runner.Logging;
using MlPipelines.Runner.Progress;

namespace MlPipelines.Runner.Scheduling;

internal sealed partial class PipelineExecution
{
    /// <summary>Runs, reuses or fails one step. Never throws: every outcome is recorded on the step's run.</summary>
    private async Task RunStepAsync(StepState s, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        try
        {
            await RunStepCoreAsync(s, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Finish(s, ct.IsCancellationRequested ? RunStatus.Canceled : RunStatus.Failed, e is MlpException ? e.Message : $"{e.GetType().Name}: {e.Message}");
        }
        s.Duration = sw.Elapsed;
        s.Done = true;
        _o.Progress.StepChanged(new StepProgress(s.Step.Name, s.Status, s.Duration, s.ReusedFrom, s.Reason));
    }

    private async Task RunStepCoreAsync(StepState s, CancellationToken ct)
    {
        var step = s.Step;
        var runs = _o.Workspace.Runs;
        if (_resume.TryGetValue(step.Name, out var previous))
        {
            Reuse(s, previous, "resumed");
            return;
        }

        Dictionary<string, StepInput> inputs;
        try
        {
            inputs = _inputs.Resolve(step, n => _states[n].Outputs, materialize: false);
        }
        catch (MlpException e)
        {
            s.RunId = runs.CreateRun(StepRun(step, RunStatus.Queued)).Id;
            Finish(s, RunStatus.Failed, e.Message);
            return;
        }
        SortedDictionary<string, string> parts;
        try
        {
            parts = CacheKeys.Parts(_plan, step, inputs, _o.SourceHash, e => _o.Environments.VersionOf(e, _o.BaseDirectory));
        }
        catch (MlpException e)
        {
            s.RunId = runs.CreateRun(StepRun(step, RunStatus.Queued)).Id;
            Finish(s, RunStatus.Failed, e.Message);
            return;
        }
        var key = CacheKeys.Key(parts);
        if (_decider.Cache(step, parts) is { Kind: StepDecision.Reuse, ReuseFrom: { } hit })
        {
            Reuse(s, hit, "reused");
            return;
        }

        var tags = new Dictionary<string, string> { ["mlp.cache_key"] = key };
        if (_inputs.EnvironmentOf(step) is { } environment) tags["mlp.environment"] = environment;
        s.RunId = runs.CreateRun(StepRun(step, RunStatus.Running, tags)).Id;
        foreach (var (dataset, version) in _inputs.DatasetsUsedBy(step)) runs.AddDatasetInput(s.RunId, dataset, version);
        lock (_runningRuns) _runningRuns.Add(s.RunId);
        _o.Progress.StepChanged(new StepProgress(step.Name, RunStatus.Running, null, null, null));
        using var log = new StepLog(_o.Workspace, s.RunId, step.Name, OutputStore.OutputDirectory(_o.Workspace, s.RunId), _o.BaseDirectory, _o.LogFlushInterval, _o.Progress);
        try
        {
            inputs = _inputs.Resolve(step, n => _states[n].Outputs, materialize: true);
            var (status, reason) = await AttemptAsync(s, inputs, log, ct).ConfigureAwait(false);
            log.Flush();
            if (status == RunStatus.Completed)
                _o.Workspace.Cache.Put(new CacheEntry(key, _plan.Pipeline, step.Name, s.RunId, parts, DateTimeOffset.UtcNow));
            Finish(s, status, reason);
        }
        finally
        {
            lock (_runningRuns) _runningRuns.Remove(s.RunId);
        }
    }

    /// <summary>Runs the attempts of a step (retries with doubling backoff); returns its final status and reason.</summary>
    private async Task<(RunStatus, string?)> AttemptAsync(StepState s, Dictionary<string, StepInput> inputs, StepLog log, CancellationToken ct)
    {
        var step = s.Step;
        var executor = _executors.Find(step)!;
        var outDir = OutputStore.OutputDirectory(_o.Workspace, s.RunId!);
        for (var attempt = 0; ; attempt++)
        {
            s.Attempts = attempt + 1;
            log.Recorder.ResetOutputs();
            var outputPaths = OutputStore.Prepare(outDir, step, attempt == 0);
            using var timeout = step.Timeout is { } t ? new CancellationTokenSource(t) : new CancellationTokenSource();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            var ctx = new StepContext
            {
                Workspace = _o.Workspace, Plan = _plan, Step = step, RunId = s.RunId!, ParentRunId = _parentRunId, Experiment = _experiment,
                Inputs = inputs, OutputDirectory = outDir, OutputPaths = outputPaths,
                Parameters = _plan.Parameters.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal),
                BaseDirectory = _o.BaseDirectory, Log = log, KillGracePeriod = _o.KillGracePeriod, CancellationToken = linked.Token,
            };
            StepResult result;
            try
            {
                result = await executor.ExecuteAsync(ctx).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                result = StepResult.Failure("canceled");
            }
            catch (MlpException e)
            {
                result = Retries.IsRetryable(e) ? StepResult.Failure(e.Message) : StepResult.Permanent(e.Message);
            }
            if (ct.IsCancellationRequested) return (RunStatus.Canceled, "canceled");
            if (timeout.IsCancellationRequested) result = StepResult.Failure($"timed out after {Format(step.Timeout!.Value)}");
            if (result.Succeeded)
            {
                try
                {
                    s.Outputs = OutputStore.Collect(_o.Workspace, log.Recorder, s.RunId!, step, outDir, ctx.OutputValues);
                    s.Outcomes = ctx.Outcomes;
                    if (s.Outcomes.Count > 0)
                        _o.Workspace.Runs.SetTags(s.RunId!, s.Outcomes.ToDictionary(o => OutputStore.OutcomeTagPrefix + o.Key, o => o.Value));
                    return (RunStatus.Completed, result.Reason);
                }
                catch (MlpException e)
                {
                    result = StepResult.Failure(e.Message);
                }
            }
            if (attempt >= step.Retries || !Retries.IsRetryable(result)) return (RunStatus.Failed, result.Reason);
            var delay = TimeSpan.FromSeconds(step.RetryBackoffSeconds * Math.Pow(2, attempt));
            log.Info($"attempt {attempt + 1} of {step.Retries + 1} failed ({result.Reason}); retrying in {Format(delay)}");
            try { await Task.Delay(delay, ct).ConfigureAwait(false); }
            catch (OperationCanceledException) { return (RunStatus.Canceled, "canceled"); }
        }
    }

    private void Reuse(StepState s, RunInfo original, string reason)
    {
        var runs = _o.Workspace.Runs;
        var outputs = OutputStore.FromRun(_o.Workspace, original, s.Step);
        var carried = original.Tags.Where(t => t.Key.StartsWith(OutputStore.OutputTagPrefix, StringComparison.Ordinal)
                                             || t.Key.StartsWith(OutputStore.OutcomeTagPrefix, StringComparison.Ordinal)
                                             || t.Key == "mlp.cache_key")
            .ToDictionary(t => t.Key, t => t.Value);
        var origin = original.ReusedFrom ?? original.Id;
        s.RunId = runs.CreateRun(StepRun(s.Step, RunStatus.Queued, carried)).Id;
        runs.SetReusedFrom(s.RunId, origin);
        foreach (var o in runs.GetOutputs(original.Id)) runs.AddOutput(s.RunId, o);
        s.Outputs = outputs;
        s.Outcomes = carried.Where(t => t.Key.StartsWith(OutputStore.OutcomeTagPrefix, StringComparison.Ordinal))
            .ToDictionary(t => t.Key[OutputStore.OutcomeTagPrefix.Length..], t => t.Value);
        s.ReusedFrom = origin;
        if (_o.FailOnGate && s.Outcomes.GetValueOrDefault("passed") == "false")
        {
            // --fail-on-gate: a failed gate fails the pipeline whether the evaluation ran now or is reused.
            var first = runs.FindRun(origin)?.StatusReason;
            var gate = first is not null && first.StartsWith("gate: ", StringComparison.Ordinal) ? first : "gate failed";
            Finish(s, RunStatus.Failed, $"{gate} ({reason} from run {origin})");
            return;
        }
        runs.SetStatus(s.RunId, RunStatus.Completed, reason);
        s.Status = RunStatus.Completed;
        s.Reason = reason;
    }

    private void Finish(StepState s, RunStatus status, string? reason)
    {
        s.Status = status;
        s.Reason = reason;
        if (status == RunStatus.Failed) s.FailedRoot = s.Step.Name;
        if (s.RunId is null) return;
        try { _o.Workspace.Runs.SetStatus(s.RunId, status, reason); }
        catch (MlpException e) { _o.Progress.Output(s.Step.Name, LogStream.System, "warning: could not record status: " + e.Message); }
    }

    private static string Format(TimeSpan t) => PlainProgress.FormatDuration(t);

    private void Validate()
    {
        var errors = new List<string>();
        foreach (var s in _plan.Steps)
        {
            if (_executors.Find(s) is null)
                errors.Add($"Step '{s.Name}' has kind '{s.Kind}', which this host cannot execute; executors exist for: {string.Join(", ", _executors.Kinds.Select(k => $"'{k}'"))}.");
            if (s is ProcessPlanStep { Compute: { } c } && !_o.ComputeTargets.Names.Contains(c))
                errors.Add($"Step '{s.Name}' uses unknown compute '{c}'; available: {string.Join(", ", _o.ComputeTargets.Names.Select(n => $"'{n}'"))}.");
            if (s is CodePlanStep code && !_o.CodeSteps.ContainsKey(code.Code))
                errors.Add($"Code step '{s.Name}' has no delegate; run the pipeline through its program (PipelineApp) so the host can supply it.");
            foreach (var d in s.DependsOn.Where(d => !_states.ContainsKey(d)))
                errors.Add($"Step '{s.Name}' depends on unknown step '{d}'.");
        }
        if (_o.MaxParallel < 1) errors.Add($"--max-parallel must be at least 1, got {_o.MaxParallel.ToString(CultureInfo.InvariantCulture)}.");
        if (errors.Count > 0) throw MlpException.Invalid($"Plan '{_plan.Pipeline}' cannot run here:", errors);
    }

    private Dictionary<string, RunInfo> LoadResume()
    {
        var result = new Dictionary<string, RunInfo>(StringComparer.Ordinal);
        if (_o.ResumeRunId is null) return result;
        var runs = _o.Workspace.Runs;
        var parent = runs.GetRun(_o.ResumeRunId);
        if (parent.Kind != "pipeline" || !parent.Tags.TryGetValue("mlp.pipeline", out var pipeline) || pipeline != _plan.Pipeline)
            throw MlpException.Invalid($"Run '{_o.ResumeRunId}' is not a run of pipeline '{_plan.Pipeline}'; --resume expects the id of an earlier run of this pipeline.");
        foreach (var child in runs.QueryRuns(new RunQuery { ParentRunId = parent.Id, Max = 100_000 }))
            if (child.Status == RunStatus.Completed && child.Tags.TryGetValue("mlp.step", out var step) && _states.ContainsKey(step))
                result[step] = child;
        return result;
    }

    /// <summary>Heartbeats of running runs, until the run ends (each step's recorder writes its own logs).</summary>
    private async Task MaintainAsync(CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(_o.HeartbeatInterval, stop).ConfigureAwait(false);
                string[] ids;
                lock (_runningRuns) ids = [.. _runningRuns];
                foreach (var id in ids)
                {
                    try { _o.Workspace.Runs.Heartbeat(id); }
                    catch (MlpException) { }
                }
            }
        }
        catch (OperationCanceledException) { }
    }
}
