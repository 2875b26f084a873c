using System.Text;
using MlPipelines.Core.Runs;
using MlPipelines.Pipelines.Plan;
using MlPipelines.Runner.Caching;

namespace MlPipelines.Runner.Tests;

public sealed class CacheKeyTests : IDisposable
{
    private readonly RunnerFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void StepKeyParts_EveryIrisStep_MatchesApprovedParts()
    {
        var plan = PipelinePlan.Load(Path.Combine(RepoRoot(), "pipelines", "Iris", "iris.plan.json"));
        var text = new StringBuilder();
        foreach (var step in plan.Steps)
        {
            text.Append(step.Name).Append(" (").Append(step.Kind).Append(")\n");
            foreach (var (part, value) in StepKeyParts.Of(plan, step)) text.Append("  ").Append(part).Append(" = ").Append(value).Append('\n');
        }

        Approved.Verify(text.ToString(), "iris.cache-key-parts", "txt");
    }

    [Fact]
    public async Task RunAsync_AfterEdgeRetryAndTimeoutAdded_StepsAreReused()
    {
        var first = await _f.RunAsync(new OrderingPipeline(_f.Dir, ordered: false));
        var second = await _f.RunAsync(new OrderingPipeline(_f.Dir, ordered: true));

        Assert.Equal(RunStatus.Completed, first.Status);
        Assert.Equal(RunStatus.Completed, second.Status);
        Assert.Equal(first["make"].RunId, second["make"].ReusedFrom);
        Assert.Equal(first["use"].RunId, second["use"].ReusedFrom);
        Assert.Equal(_f.Workspace.Runs.GetRun(first["make"].RunId!).Tags["mlp.cache_key"], _f.Workspace.Runs.GetRun(second["make"].RunId!).Tags["mlp.cache_key"]);
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MlPipelines.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("MlPipelines.sln not found above " + AppContext.BaseDirectory);
    }
}
