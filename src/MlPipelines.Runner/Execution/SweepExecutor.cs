using System.Globalization;
using System.Text.RegularExpressions;
using MlPipelines.Compute;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;
using MlPipelines.Pipelines.Plan;
using MlPipelines.Runner.Logging;
using MlPipelines.Runner.Progress;

namespace MlPipelines.Runner.Execution;

/// <summary>
/// Runs a sweep: one child run per trial (params = the trial's values), all trials handed to the compute target as one
/// array (a Slurm job array; elsewhere at most maxConcurrent processes), median stopping while they run, then the
/// trials ranked by the objective and the best one's outputs copied into the sweep's.
/// </summary>
public sealed partial class SweepExecutor(ComputeTargetRegistry computes, IStepEnvironments? environments = null) : StepExecutor<SweepPlanStep>
{
    /// <summary>Tag of the sweep run: <c>metric:minimize</c> or <c>metric:maximize</c>.</summary>
    public const string ObjectiveTag = "mlp.sweep.objective";
    /// <summary>Tag of the sweep run: the best trial's run id.</summary>
    public const string BestRunTag = "mlp.sweep.best_run";
    /// <summary>Tag of a trial run: its index in the sweep.</summary>
    public const string TrialTag = "mlp.sweep.trial";

    private sealed class Trial(int index, string runId, string outputDirectory, StepLog log)
    {
        public int Index { get; } = index;
        public string RunId { get; } = runId;
        public string OutputDirectory { get; } = outputDirectory;
        public StepLog Log { get; } = log;
        public CancellationTokenSource Stop { get; } = new();
        public volatile bool Running;
        public volatile bool Ended;
        public string? StoppedBecause { get; set; }
    }

    /// <inheritdoc />
    protected override async Task<StepResult> ExecuteAsync(StepContext ctx, SweepPlanStep step)
    {
        var ws = ctx.Workspace;
        var target = computes.Get(step.Compute ?? "local");
        var image = await CommandExecutor.ImageForAsync(ctx, target, environments ?? StepEnvironments.Declared).ConfigureAwait(false);
        var template = step.Command.Select(ctx.Render).ToList();
        var goal = step.Goal == "maximize" ? 1 : -1;
        ws.Runs.SetTags(ctx.RunId, new Dictionary<string, string> { [ObjectiveTag] = $"{step.Objective}:{step.Goal}" });
        ctx.Log.Info($"sweep of {step.Trials.Count} trials on compute '{target.Name}', {step.MaxConcurrent} at once, {step.Goal} '{step.Objective}'" +
            (step.EarlyTermination is { } et ? $", median stopping every {et.EvaluationIntervalSeconds}s after {et.DelayEvaluations} reports" : ""));

        var trials = new List<Trial>();
        var jobs = new List<ComputeJob>();
        try
        {
            foreach (var (values, i) in step.Trials.Select((t, i) => (t, i)))
            {
                var run = ws.Runs.CreateRun(new NewRun(ctx.Experiment, $"{step.Name}-{i}", ctx.RunId, "trial")
                {
                    Params = values, Tags = new Dictionary<string, string> { [TrialTag] = i.ToString(CultureInfo.InvariantCulture), ["mlp.step"] = step.Name },
                });
                var outDir = OutputStore.OutputDirectory(ws, run.Id);
                OutputStore.Prepare(outDir, step, firstAttempt: true);
                var trial = new Trial(i, run.Id, outDir, new StepLog(ws, run.Id, $"{step.Name}-{i}", outDir, ctx.BaseDirectory, TimeSpan.FromMilliseconds(500), NullProgress.Instance));
                trials.Add(trial);
                var env = CommandExecutor.EnvironmentFor(ctx);
                env["MLP_RUN_ID"] = run.Id;
                env["MLP_PARENT_RUN_ID"] = ctx.RunId;
                env["MLP_OUTPUT_DIR"] = outDir;
                foreach (var (k, v) in ws.ProcessEnvironment(run.Id)) env[k] = v;
                foreach (var (k, v) in values) env["MLP_TRIAL_" + k.ToUpperInvariant()] = v;
                var args = template.Select(a => TrialPlaceholder().Replace(a, m => values[m.Groups[1].Value]).Replace(ctx.OutputDirectory, outDir, StringComparison.Ordinal)).ToList();
                jobs.Add(new ComputeJob(args[0], args.Skip(1).ToList())
                {
                    WorkingDirectory = ctx.BaseDirectory, Environment = env, KillGracePeriod = ctx.KillGracePeriod, Name = ctx.RunId, OutputDirectory = outDir,
                    Timeout = step.Timeout, Image = image,
                    Resources = step.Resources is { } r ? new ComputeResources(r.Cpus, r.MemoryMb, r.Gpus) : ComputeResources.None,
                    ReadOnlyPaths = CommandExecutor.ReadOnlyPathsFor(ctx, env),
                });
            }
            ctx.Log.Info($"$ {jobs[0]} (trial 0 of {jobs.Count})");

            using var watch = new CancellationTokenSource();
            var heartbeat = HeartbeatAsync(ctx, trials, watch.Token);
            var stopping = step.EarlyTermination is { } policy ? MedianStoppingAsync(ctx, step, policy, trials, goal, watch.Token) : Task.CompletedTask;
            IReadOnlyList<ComputeResult> results;
            try
            {
                results = await target.RunArrayAsync(jobs, step.MaxConcurrent, trials.Select(t => Observer(ctx, t)).ToList(),
                    trials.Select(t => t.Stop.Token).ToList(), ctx.CancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await watch.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(heartbeat, stopping).ConfigureAwait(false);
            }
            return Finish(ctx, step, trials, results, goal);
        }
        finally
        {
            foreach (var t in trials) { t.Log.Dispose(); t.Stop.Dispose(); }
        }
    }

    private static ComputeObserver Observer(StepContext ctx, Trial t) => new()
    {
        OnWaiting = why => t.Log.Info($"waiting: {why}"),
        OnStarted = s =>
        {
            ctx.Workspace.Runs.SetStatus(t.RunId, RunStatus.Running);
            ctx.Workspace.Runs.SetProcess(t.RunId, s.ProcessId, s.Host);
            t.Running = true;
        },
        OnOutput = line => t.Log.Write(line.Stream, line.Text, line.Timestamp, line.InvalidUtf8),
    };

    private static async Task HeartbeatAsync(StepContext ctx, List<Trial> trials, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(RunHeartbeat.Interval, stop).ConfigureAwait(false);
                foreach (var t in trials.Where(t => t.Running && !t.Ended))
                    try { ctx.Workspace.Runs.Heartbeat(t.RunId); } catch (MlpException) { /* retried on the next tick */ }
            }
        }
        catch (OperationCanceledException) { }
    }

    private StepResult Finish(StepContext ctx, SweepPlanStep step, List<Trial> trials, IReadOnlyList<ComputeResult> results, int goal)
    {
        var ws = ctx.Workspace;
        var ranked = new List<(Trial Trial, double Value)>();
        foreach (var t in trials)
        {
            t.Ended = true;
            var result = results[t.Index];
            t.Log.Flush();
            RunStatus status;
            string? reason = null;
            if (t.StoppedBecause is { } why) (status, reason) = (RunStatus.Canceled, why);
            else if (ctx.CancellationToken.IsCancellationRequested) (status, reason) = (RunStatus.Canceled, "canceled");
            else if (!result.Succeeded) (status, reason) = (RunStatus.Failed, result.Reason(step.Timeout));
            else
            {
                try
                {
                    OutputStore.Collect(ws, t.Log.Recorder, t.RunId, step, t.OutputDirectory, new Dictionary<string, string>());
                    status = RunStatus.Completed;
                    if (ws.Runs.GetMetrics(t.RunId, step.Objective) is { Count: > 0 } points) ranked.Add((t, points[^1].Value));
                    else reason = $"logged no '{step.Objective}', so it is not ranked";
                }
                catch (MlpException e)
                {
                    (status, reason) = (RunStatus.Failed, e.Message);
                }
            }
            try { ws.Runs.SetStatus(t.RunId, status, reason); }
            catch (MlpException) { /* already ended (e.g. canceled from outside) */ }
        }
        if (ctx.CancellationToken.IsCancellationRequested) return StepResult.Failure("canceled");

        ranked.Sort((a, b) => goal * b.Value.CompareTo(a.Value) is var c && c != 0 ? c : a.Trial.Index.CompareTo(b.Trial.Index));
        var completed = trials.Count(t => results[t.Index].Succeeded && t.StoppedBecause is null);
        ctx.Log.Info($"{completed} of {trials.Count} trials completed, {trials.Count(t => t.StoppedBecause is not null)} stopped early, {ranked.Count} ranked by '{step.Objective}' ({step.Goal}):");
        foreach (var (trial, value) in ranked.Take(20))
            ctx.Log.Info($"  #{ranked.FindIndex(r => r.Trial == trial) + 1} {trial.RunId} {step.Objective}={value.ToString("G6", CultureInfo.InvariantCulture)} " +
                string.Join(" ", step.Trials[trial.Index].Select(kv => $"{kv.Key}={kv.Value}")));
        if (ranked.Count == 0) return StepResult.Failure($"no trial completed with a logged '{step.Objective}'");

        var (best, bestValue) = ranked[0];
        CopyTree(best.OutputDirectory, ctx.OutputDirectory);
        ws.Runs.SetTags(ctx.RunId, new Dictionary<string, string> { [BestRunTag] = best.RunId });
        ws.Runs.LogParams(ctx.RunId, step.Trials[best.Index].ToDictionary(kv => "best." + kv.Key, kv => kv.Value));
        ws.Runs.LogMetrics(ctx.RunId, [new MetricPoint(step.Objective, bestValue, 0, DateTimeOffset.UtcNow)]);
        ctx.Log.Info($"best trial: {best.RunId} ({step.Objective}={bestValue.ToString("G6", CultureInfo.InvariantCulture)}); its outputs are the sweep's");
        return StepResult.Success;
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    [GeneratedRegex(@"\$\{trial\.([^}]+)\}")]
    private static partial Regex TrialPlaceholder();
}
