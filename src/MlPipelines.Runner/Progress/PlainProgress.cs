using System.Globalization;
using MlPipelines.Core.Runs;

namespace MlPipelines.Runner.Progress;

/// <summary>Plain prefixed lines (<c>[train] …</c>) for redirected output and CI.</summary>
public sealed class PlainProgress(TextWriter writer) : IRunProgress
{
    private readonly object _gate = new();

    /// <inheritdoc />
    public void PipelineStarted(string pipeline, string runId, IReadOnlyList<string> steps) =>
        Line($"Pipeline '{pipeline}' run {runId}: {steps.Count} steps");

    /// <inheritdoc />
    public void StepChanged(StepProgress s)
    {
        var text = s.Status switch
        {
            RunStatus.Running => "running",
            RunStatus.Completed when s.ReusedFrom is not null => $"reused (from run {s.ReusedFrom})",
            RunStatus.Completed => $"completed in {FormatDuration(s.Duration)}",
            RunStatus.Queued => "queued",
            _ => $"{s.Status.ToString().ToLowerInvariant()}{(s.Reason is null ? "" : $" ({s.Reason})")}",
        };
        Line($"[{s.Name}] {text}");
    }

    /// <inheritdoc />
    public void Output(string step, LogStream stream, string text)
    {
        // ##mlp protocol lines are recorded in the step's run (mlp run metrics); echoing thousands of them buries the rest.
        if (stream == LogStream.Stdout && text.StartsWith("##mlp[", StringComparison.Ordinal)) return;
        Line(stream == LogStream.Stderr ? $"[{step}!] {text}" : $"[{step}] {text}");
    }

    /// <inheritdoc />
    public void PipelineFinished(PipelineRunResult r) =>
        Line($"Pipeline run {r.RunId} {r.Status.ToString().ToLowerInvariant()}: {r.Steps.Count(s => s.Status == RunStatus.Completed && s.ReusedFrom is null)} ran, " +
             $"{r.Steps.Count(s => s.ReusedFrom is not null)} reused, {r.Steps.Count(s => s.Status == RunStatus.Skipped)} skipped, {r.Steps.Count(s => s.Status == RunStatus.Failed)} failed" +
             $"{(r.Status == RunStatus.Canceled ? ", canceled" : "")} ({FormatDuration(r.Duration)}).");

    /// <summary>A duration as <c>1.2s</c> or <c>3m04s</c> (<c>-</c> when unknown).</summary>
    public static string FormatDuration(TimeSpan? d) => d is not { } t ? "-" : t.TotalSeconds < 60
        ? t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s"
        : $"{(int)t.TotalMinutes}m{t.Seconds:00}s";

    private void Line(string text)
    {
        lock (_gate) writer.WriteLine(text);
    }
}
