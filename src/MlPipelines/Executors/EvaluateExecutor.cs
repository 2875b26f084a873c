using System.Globalization;
using System.Text.Json;
using MlPipelines.Compute;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;
using MlPipelines.Evaluation;
using MlPipelines.Evaluation.Gates;
using MlPipelines.Pipelines.Plan;
using MlPipelines.Runner.Execution;

namespace MlPipelines.Executors;

/// <summary>
/// Executes <c>evaluate</c> steps: the built-in evaluator on a predictions input, or a user command that logs metrics
/// with <c>##mlp[metric …]</c> lines. Metrics (and the confusion matrix as a table) are logged to the step's run, then
/// the gate (requirements and baseline comparisons) is decided; its decision and reasons are recorded as tags
/// (<c>mlp.gate.passed</c>, <c>mlp.gate.summary</c>) and a <c>gate</c> table, and set as the outcome <c>passed</c>.
/// A failed gate completes the step (reason <c>gate: accuracy 0.84 &lt; 0.90</c>) unless <see cref="FailOnGate"/> is set.
/// </summary>
public sealed class EvaluateExecutor(ComputeTargetRegistry computes) : StepExecutor<EvaluatePlanStep>
{
    /// <summary>Run tag: "true" or "false".</summary>
    public const string GatePassedTag = "mlp.gate.passed";
    /// <summary>Run tag: the gate's reasons (failures only when it failed), joined by "; ".</summary>
    public const string GateSummaryTag = "mlp.gate.summary";

    /// <summary>When true a failed gate fails the step (and so the pipeline), as <c>--fail-on-gate</c> asks.</summary>
    public bool FailOnGate { get; init; }

    /// <inheritdoc />
    protected override async Task<StepResult> ExecuteAsync(StepContext ctx, EvaluatePlanStep settings)
    {
        IReadOnlyDictionary<string, double> metrics;
        if (settings.Command is { } command)
        {
            var (result, logged) = await RunCommandAsync(ctx, command, settings.Compute).ConfigureAwait(false);
            if (!result.Succeeded) return result;
            metrics = logged;
        }
        else metrics = EvaluateBuiltIn(ctx, settings);

        var gate = new Gate(settings.Requirements.Select(r => (GateCondition)new ThresholdCondition(r.Metric, r.Op, r.Value))
            .Concat(settings.BetterThan.Select(b => new ChampionCondition(b.Baseline, b.Metric, b.MinDelta, MetricDirection.HigherIsBetter(b.Metric)))));
        var decision = gate.Evaluate(metrics, new ChampionResolver(ctx.Workspace).Resolve);
        Record(ctx, metrics, decision);

        if (decision.Checks.Count == 0) return StepResult.Success;
        ctx.Log.Info((decision.Passed ? "gate passed: " : "gate failed: ") + string.Join("; ", decision.Reasons));
        if (decision.Passed) return StepResult.Success;
        return FailOnGate ? StepResult.Failure("gate: " + decision.Summary) : new StepResult(true, "gate: " + decision.Summary);
    }

    private static IReadOnlyDictionary<string, double> EvaluateBuiltIn(StepContext ctx, EvaluatePlanStep settings)
    {
        if (settings.PredictionsInput is not { } key || !ctx.Inputs.TryGetValue(key, out var input) || input.Path is null)
            throw MlpException.Invalid($"Step '{ctx.Step.Name}' uses the built-in evaluator but has no predictions input; add .Predictions(train.Outputs.File(\"predictions.csv\")) or use .Command(…) for your own evaluator.");
        var path = PredictionsFile(ctx.Step.Name, input.Path);
        var options = new EvaluationOptions
        {
            Task = Setting(ctx, "task") is { } t ? Enum.Parse<EvaluationTask>(t, ignoreCase: true) : EvaluationTask.Auto,
            PositiveClass = Setting(ctx, "positive_class"),
        };
        var result = Evaluator.EvaluateFile(path, options);
        var now = DateTimeOffset.UtcNow;
        ctx.Workspace.Runs.LogMetrics(ctx.RunId, result.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => new MetricPoint(m.Key, m.Value, 0, now)).ToList());
        if (result.Confusion is { } cm)
        {
            var rows = cm.ToTable().Select(c => new { actual = c.Actual, predicted = c.Predicted, count = c.Count });
            ctx.Workspace.Runs.AddTable(ctx.RunId, new RunTable("confusion_matrix", JsonSerializer.Serialize(rows), now));
            var perClass = result.PerClass.Select(c => new { @class = c.Class, precision = c.Precision, recall = c.Recall, f1 = c.F1, support = c.Support });
            ctx.Workspace.Runs.AddTable(ctx.RunId, new RunTable("per_class", JsonSerializer.Serialize(perClass), now));
        }
        foreach (var note in result.Notes) ctx.Log.Info("note: " + note);
        var headline = result.Task == EvaluationTask.Regression ? new[] { "rmse", "mae", "r2" } : ["accuracy", "f1_macro", "roc_auc", "log_loss"];
        ctx.Log.Info($"evaluated {result.Count} predictions ({result.Task.ToString().ToLowerInvariant()}): " +
                     string.Join(", ", headline.Where(result.Metrics.ContainsKey).Select(m => $"{m} {result.Metrics[m].ToString("0.####", CultureInfo.InvariantCulture)}")));
        return result.Metrics;
    }

    /// <summary>A predictions input may be the file itself or a folder holding predictions.csv / predictions.jsonl (or one .csv/.jsonl).</summary>
    private static string PredictionsFile(string step, string path)
    {
        if (File.Exists(path)) return path;
        if (!Directory.Exists(path)) throw MlpException.Invalid($"Step '{step}': predictions input '{path}' does not exist.");
        foreach (var name in new[] { "predictions.csv", "predictions.jsonl" })
            if (File.Exists(Path.Combine(path, name))) return Path.Combine(path, name);
        var candidates = Directory.GetFiles(path).Where(f => f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)).ToList();
        if (candidates.Count == 1) return candidates[0];
        var found = Directory.GetFiles(path).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        throw MlpException.Invalid($"Step '{step}': predictions folder '{path}' has no predictions.csv or predictions.jsonl; files: {(found.Count == 0 ? "none" : string.Join(", ", found.Select(f => $"'{f}'")))}.");
    }

    /// <summary>Runs the user evaluator; its metrics are what its ##mlp[metric] lines reported to the step's recorder.</summary>
    private async Task<(StepResult Result, IReadOnlyDictionary<string, double> Metrics)> RunCommandAsync(StepContext ctx, IReadOnlyList<string> command, string? compute)
    {
        var result = await CommandExecutor.RunAsync(ctx, command, compute, computes).ConfigureAwait(false);
        return (result, ctx.Log.LatestMetrics);
    }

    private static void Record(StepContext ctx, IReadOnlyDictionary<string, double> metrics, GateDecision decision)
    {
        var runs = ctx.Workspace.Runs;
        ctx.SetOutcome("passed", decision.Passed);
        if (decision.Checks.Count > 0)
        {
            runs.SetTags(ctx.RunId, new Dictionary<string, string>
            {
                [GatePassedTag] = decision.Passed ? "true" : "false",
                [GateSummaryTag] = decision.Summary,
            });
            var rows = decision.Checks.Select(c => new { passed = c.Passed, reason = c.Reason });
            runs.AddTable(ctx.RunId, new RunTable("gate", JsonSerializer.Serialize(rows), DateTimeOffset.UtcNow));
        }
        if (ctx.OutputPaths.TryGetValue("metrics", out var dir))
        {
            Directory.CreateDirectory(dir);
            var doc = new
            {
                metrics = metrics.OrderBy(m => m.Key, StringComparer.Ordinal).ToDictionary(m => m.Key, m => m.Value),
                gate = new { passed = decision.Passed, reasons = decision.Reasons },
            };
            File.WriteAllText(Path.Combine(dir, "metrics.json"), JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }));
        }
    }

    private static string? Setting(StepContext ctx, string key) => ctx.Step.Settings?.GetValueOrDefault(key);
}
