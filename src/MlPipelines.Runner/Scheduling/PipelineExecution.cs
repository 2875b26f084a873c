using System.Diagnostics;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;
using MlPipelines.Pipelines.Plan;
using MlPipelines.Runner.Execution;
using MlPipelines.Runner.Progress;

namespace MlPipelines.Runner.Scheduling;

/// <summary>One run of a plan: schedules ready steps in parallel, decides skips, and records the parent run.</summary>
internal sealed partial class PipelineExecution
{
    private readonly PipelinePlan _plan;
    private readonly PipelineRunOptions _o;
    private readonly StepExecutorRegistry _executors;
    private readonly Dictionary<string, StepState> _states;
    private readonly InputResolver _inputs;
    private readonly StepDecider _decider;
    private readonly HashSet<string> _runningRuns = [];
    private readonly string _experiment;
    private string _parentRunId = "";
    private Dictionary<string, RunInfo> _resume = new(StringComparer.Ordinal);

    internal PipelineExecution(PipelinePlan plan, PipelineRunOptions options)
    {
        _plan = plan;
        _o = options;
        _executors = options.BuildRegistry();
        _states = plan.Steps.Select((s, i) => new StepState(s, i)).ToDictionary(s => s.Step.Name, StringComparer.Ordinal);
        _inputs = new InputResolver(options.Workspace, plan, options.BaseDirectory,
            warn: (step, w) => options.Progress.Output(step, LogStream.System, "warning: " + w));
        _experiment = options.Experiment ?? plan.Pipeline;
        _decider = new StepDecider(options.Workspace, plan, options.Force);
    }

    internal async Task<PipelineRunResult> RunAsync(CancellationToken ct)
    {
        Validate();
        _resume = LoadResume();
        var sw = Stopwatch.StartNew();
        var runs = _o.Workspace.Runs;
        var tags = new Dictionary<string, string> { ["mlp.pipeline"] = _plan.Pipeline };
        foreach (var (k, v) in _o.Tags) tags[k] = v;
        if (_o.ResumeRunId is not null) tags["mlp.resumed_from"] = _o.ResumeRunId;
        _parentRunId = runs.CreateRun(new NewRun(_experiment, _plan.Pipeline, null, "pipeline")
        {
            Status = RunStatus.Running,
            Tags = tags,
            Params = _plan.Parameters.ToDictionary(p => p.Name, p => p.Value),
        }).Id;
        if (_o.SourceHash is not null) runs.SetSnapshot(_parentRunId, _o.SourceHash);
        lock (_runningRuns) _runningRuns.Add(_parentRunId);
        _o.Progress.PipelineStarted(_plan.Pipeline, _parentRunId, _plan.Steps.Select(s => s.Name).ToList());

        using var maintenanceCts = new CancellationTokenSource();
        var maintenance = MaintainAsync(maintenanceCts.Token);
        try
        {
            await ScheduleAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Never leave the pipeline run Running: record why the runner itself stopped, then report it.
            try { runs.SetStatus(_parentRunId, RunStatus.Failed, $"runner error: {e.Message}"); } catch (MlpException) { }
            throw;
        }
        finally
        {
            maintenanceCts.Cancel();
            await maintenance.ConfigureAwait(false);
        }

        var canceled = ct.IsCancellationRequested;
        foreach (var s in _states.Values.Where(s => !s.Done))
        {
            s.Done = true;
            s.Status = RunStatus.Canceled;
            s.Reason = "pipeline canceled before the step started";
        }
        var failed = _states.Values.Where(s => s.Status == RunStatus.Failed).OrderBy(s => s.Index).ToList();
        var (status, reason) = canceled ? (RunStatus.Canceled, "canceled")
            : failed.Count > 0 ? (RunStatus.Failed, $"step {string.Join(", ", failed.Select(f => $"'{f.Step.Name}'"))} failed")
            : (RunStatus.Completed, (string?)null);
        runs.SetStatus(_parentRunId, status, reason);
        lock (_runningRuns) _runningRuns.Remove(_parentRunId);
        var result = new PipelineRunResult(_parentRunId, status, _states.Values.OrderBy(s => s.Index).Select(s => s.ToResult()).ToList(), sw.Elapsed);
        _o.Progress.PipelineFinished(result);
        return result;
    }

    private async Task ScheduleAsync(CancellationToken ct)
    {
        var running = new Dictionary<Task, StepState>();
        var maxParallel = Math.Max(1, _o.MaxParallel);
        var order = _states.Values.OrderBy(s => s.Index).ToList();
        while (true)
        {
            if (!ct.IsCancellationRequested)
            {
                var progressed = true;
                while (progressed)
                {
                    progressed = false;
                    foreach (var s in order)
                    {
                        if (s.Started || !s.Step.DependsOn.All(d => _states[d].Done)) continue;
                        if (Decide(s) is { } skip)
                        {
                            s.Started = true;
                            Skip(s, skip.Reason, skip.Root);
                            progressed = true;
                            continue;
                        }
                        if (running.Count >= maxParallel) continue;
                        s.Started = true;
                        running[Task.Run(() => RunStepAsync(s, ct), CancellationToken.None)] = s;
                    }
                }
            }
            if (running.Count == 0) return;
            var finished = await Task.WhenAny(running.Keys).ConfigureAwait(false);
            running.Remove(finished);
            await finished.ConfigureAwait(false); // RunStepAsync never throws; this only observes the task
        }
    }

    /// <summary>A reason to skip a ready step (failed/skipped upstream, false condition), or null to run it.</summary>
    private (string Reason, string? Root)? Decide(StepState s) =>
        _decider.Skip(s.Step, View) is { } skip ? (skip.Note, skip.FailedRoot) : null;

    private UpstreamView View(string name)
    {
        var d = _states[name];
        return new UpstreamView(name, d.Done ? d.Status : null, d.Reason, d.FailedRoot, d.Outcomes);
    }

    private void Skip(StepState s, string reason, string? root)
    {
        try
        {
            var run = _o.Workspace.Runs.CreateRun(StepRun(s.Step, RunStatus.Queued));
            _o.Workspace.Runs.SetStatus(run.Id, RunStatus.Skipped, reason);
            s.RunId = run.Id;
        }
        catch (MlpException e)
        {
            reason += $" (not recorded: {e.Message})";
        }
        s.Status = RunStatus.Skipped;
        s.Reason = reason;
        s.FailedRoot = root;
        s.Done = true;
        _o.Progress.StepChanged(new StepProgress(s.Step.Name, RunStatus.Skipped, null, null, reason));
    }

    private NewRun StepRun(PlanStep step, RunStatus status, IReadOnlyDictionary<string, string>? extraTags = null)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["mlp.step"] = step.Name,
            ["mlp.pipeline"] = _plan.Pipeline,
            ["mlp.kind"] = step.Kind,
        };
        if (extraTags is not null) foreach (var (k, v) in extraTags) tags[k] = v;
        return new NewRun(_experiment, step.Name, _parentRunId, "step") { Status = status, Tags = tags };
    }
}
