using System.Collections.Concurrent;
using MlPipelines.Core.Runs;
using MlPipelines.Runner;
using MlPipelines.Runner.Progress;
using Spectre.Console;

namespace MlPipelines.Progress;

/// <summary>A live Spectre.Console table of steps (status, duration, reuse, last output line) for interactive terminals; the host's view of the runner's <see cref="IRunProgress"/>.</summary>
public sealed class LiveTableProgress(IAnsiConsole console) : IRunProgress
{
    private readonly ConcurrentDictionary<string, (StepProgress State, DateTimeOffset? Started, string? Last)> _steps = new(StringComparer.Ordinal);
    private IReadOnlyList<string> _order = [];
    private string _title = "";
    private PipelineRunResult? _result;

    /// <summary>Runs <paramref name="work"/> while the table is displayed and refreshed.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        var task = work();
        await console.Live(Render()).AutoClear(false).StartAsync(async ctx =>
        {
            while (!task.IsCompleted)
            {
                ctx.UpdateTarget(Render());
                await Task.WhenAny(task, Task.Delay(250)).ConfigureAwait(false);
            }
            ctx.UpdateTarget(Render());
        }).ConfigureAwait(false);
        return await task.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void PipelineStarted(string pipeline, string runId, IReadOnlyList<string> steps)
    {
        _order = steps;
        _title = $"Pipeline '{pipeline}' — run {runId}";
        foreach (var s in steps) _steps[s] = (new StepProgress(s, RunStatus.Queued, null, null, null), null, null);
    }

    /// <inheritdoc />
    public void StepChanged(StepProgress step) => _steps.AddOrUpdate(step.Name,
        _ => (step, step.Status == RunStatus.Running ? DateTimeOffset.UtcNow : null, null),
        (_, old) => (step, step.Status == RunStatus.Running ? DateTimeOffset.UtcNow : old.Started, old.Last));

    /// <inheritdoc />
    public void Output(string step, LogStream stream, string text)
    {
        if (stream == LogStream.System && !text.StartsWith("warning", StringComparison.Ordinal)) return;
        _steps.AddOrUpdate(step,
        _ => (new StepProgress(step, RunStatus.Running, null, null, null), DateTimeOffset.UtcNow, text),
            (_, old) => (old.State, old.Started, text));
    }

    /// <inheritdoc />
    public void PipelineFinished(PipelineRunResult result) => _result = result;

    private Table Render()
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(_title));
        table.AddColumns("step", "status", "duration", "reused", "output");
        foreach (var name in _order)
        {
            if (!_steps.TryGetValue(name, out var s)) continue;
            var duration = s.State.Duration ?? (s.Started is { } st && s.State.Status == RunStatus.Running ? DateTimeOffset.UtcNow - st : null);
            var color = s.State.Status switch
            {
                RunStatus.Completed => "green", RunStatus.Failed => "red", RunStatus.Running => "yellow",
                RunStatus.Canceled => "red", RunStatus.Skipped => "grey", _ => "white",
            };
            var status = s.State.Status + (s.State.Reason is { } r && s.State.Status != RunStatus.Completed ? $" ({r})" : "");
            var last = s.Last is null ? "" : s.Last.Length > 60 ? s.Last[..60] + "…" : s.Last;
            table.AddRow(Markup.Escape(name), $"[{color}]{Markup.Escape(status)}[/]", PlainProgress.FormatDuration(duration),
                s.State.ReusedFrom is null ? "" : "yes", Markup.Escape(last));
        }
        if (_result is { } res) table.Caption($"{res.Status} in {PlainProgress.FormatDuration(res.Duration)}");
        return table;
    }
}
