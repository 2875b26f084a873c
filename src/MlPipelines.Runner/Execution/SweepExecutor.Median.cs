using System.Globalization;
using MlPipelines.Pipelines.Plan;

namespace MlPipelines.Runner.Execution;

public sealed partial class SweepExecutor
{
    /// <summary>
    /// Azure ML's median stopping: a running trial with at least <c>DelayEvaluations</c> reports whose best value is worse
    /// than the median of the other trials' running averages over their first as many reports is stopped.
    /// </summary>
    private static async Task MedianStoppingAsync(StepContext ctx, SweepPlanStep step, SweepEarlyTermination policy, List<Trial> trials, int goal, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(policy.EvaluationIntervalSeconds), stop).ConfigureAwait(false);
                foreach (var t in trials) t.Log.Flush();
                var series = trials.ToDictionary(t => t, t => ctx.Workspace.Runs.GetMetrics(t.RunId, step.Objective).Select(p => p.Value).ToList());
                foreach (var t in trials.Where(t => t.Running && !t.Ended && t.StoppedBecause is null))
                {
                    var mine = series[t];
                    var n = mine.Count;
                    if (n == 0 || n < Math.Max(1, policy.DelayEvaluations)) continue;
                    var averages = trials.Where(o => o != t && series[o].Count >= n).Select(o => series[o].Take(n).Average()).Order().ToList();
                    if (averages.Count == 0) continue;
                    var median = averages.Count % 2 == 1 ? averages[averages.Count / 2] : (averages[averages.Count / 2 - 1] + averages[averages.Count / 2]) / 2;
                    var best = goal > 0 ? mine.Max() : mine.Min();
                    if (goal * best >= goal * median) continue;
                    t.StoppedBecause = string.Create(CultureInfo.InvariantCulture,
                        $"stopped early by median stopping: best {step.Objective} {best:G6} after {n} reports is worse than the median {median:G6} of the other trials' running averages");
                    t.Log.Info(t.StoppedBecause);
                    ctx.Log.Info($"trial {t.Index} ({t.RunId}) {t.StoppedBecause}");
                    await t.Stop.CancelAsync().ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) { }
    }
}
