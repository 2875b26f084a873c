using MlPipelines.Core.Errors;
using MlPipelines.Endpoints.Services;
using MlPipelines.Endpoints.Tests.Support;

namespace MlPipelines.Endpoints.Tests;

public sealed class RolloutTests
{
    [Fact]
    public async Task Rollout_NewDeploymentFailsHealthChecks_LeavesOldSplitUntouched()
    {
        await using var ws = new EndpointWorkspace();
        ws.AddModel("iris");
        ws.AddModel("iris", unready: true); // version 2 never becomes ready
        await ws.Endpoints_.CreateAsync("iris");
        await ws.Deployments.CreateAsync(new NewDeployment { Endpoint = "iris", Name = "blue", Model = "iris:1" });
        await ws.Endpoints_.SetTrafficAsync("iris", new Dictionary<string, int> { ["blue"] = 100 }, null);
        var historyBefore = ws.Endpoints.TrafficHistory("iris").Count;

        var result = await new RolloutService(ws.Context).RunAsync(new RolloutOptions
        {
            Deployment = new NewDeployment { Endpoint = "iris", Name = "green", Model = "iris:2" },
            StageDuration = TimeSpan.FromMilliseconds(200),
        });

        Assert.False(result.Succeeded);
        Assert.Equal(new Dictionary<string, int> { ["blue"] = 100 }, ws.Endpoints.FindEndpoint("iris")!.Traffic);
        Assert.Equal(historyBefore, ws.Endpoints.TrafficHistory("iris").Count);
        Assert.Null(ws.Endpoints.FindDeployment("iris", "green"));
        Assert.Equal(200, (await ws.Endpoints_.InvokeAsync("iris", "{}")).Status);
    }

    [Fact]
    public async Task Rollout_NoSmokeRequestGiven_UsesSampleInputRecordedWithModel()
    {
        await using var ws = new EndpointWorkspace();
        ws.AddModel("iris");
        File.WriteAllText(Path.Combine(ws.Root, "models", "iris", "1", "input_example.json"), """{"data":[[5.1,3.5,1.4,0.2]]}""");
        await ws.Endpoints_.CreateAsync("iris");

        var result = await new RolloutService(ws.Context).RunAsync(new RolloutOptions
        {
            Deployment = new NewDeployment { Endpoint = "iris", Name = "blue", Model = "iris:1" }, Stages = [100], StageDuration = TimeSpan.Zero,
        });

        Assert.True(result.Succeeded, result.Message);
        Assert.Contains(result.Steps, s => s.Contains("sample input recorded with model iris:1", StringComparison.Ordinal));
        Assert.Contains(result.Steps, s => s.StartsWith("smoke test passed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rollout_ModelWithoutSampleAndNoSmokeRequest_SaysSmokeTestSkipped()
    {
        await using var ws = new EndpointWorkspace();
        ws.AddModel("iris");
        await ws.Endpoints_.CreateAsync("iris");

        var result = await new RolloutService(ws.Context).RunAsync(new RolloutOptions
        {
            Deployment = new NewDeployment { Endpoint = "iris", Name = "blue", Model = "iris:1" }, Stages = [100], StageDuration = TimeSpan.Zero,
        });

        Assert.True(result.Succeeded, result.Message);
        Assert.Contains(result.Steps, s => s.StartsWith("no smoke test", StringComparison.Ordinal));
    }

    [Fact]
    public void SampleInput_SignatureWithExample_ReturnsExample()
    {
        var model = new Core.Registry.ModelVersion
        {
            Name = "iris", Version = 1, Hash = "h", Files = [], Lineage = new(), CreatedAt = DateTimeOffset.UtcNow,
            SignatureJson = """{"inputs":[],"inputExample":{"data":[[1,2]]}}""",
        };
        Assert.Equal("""{"data":[[1,2]]}""", SampleInput.Find(Directory.CreateTempSubdirectory().FullName, model));
    }

    [Fact]
    public async Task Rollout_HealthyNewDeployment_ShiftsInStagesAndRecordsEachChange()
    {
        await using var ws = new EndpointWorkspace();
        ws.AddModel("iris");
        ws.AddModel("iris");
        await ws.Endpoints_.CreateAsync("iris");
        await ws.Deployments.CreateAsync(new NewDeployment { Endpoint = "iris", Name = "blue", Model = "iris:1" });
        await ws.Endpoints_.SetTrafficAsync("iris", new Dictionary<string, int> { ["blue"] = 100 }, null);

        var result = await new RolloutService(ws.Context).RunAsync(new RolloutOptions
        {
            Deployment = new NewDeployment { Endpoint = "iris", Name = "green", Model = "iris:2" },
            Stages = [10, 50, 100],
            StageDuration = TimeSpan.FromMilliseconds(300),
        });

        Assert.True(result.Succeeded, result.Message + " | " + string.Join(" | ", result.Steps));
        Assert.Equal(100, ws.Endpoints.FindEndpoint("iris")!.Traffic["green"]);
        var greens = ws.Endpoints.TrafficHistory("iris").Select(h => h.To.GetValueOrDefault("green")).ToList();
        Assert.Equal([0, 10, 50, 100], greens);
    }

    [Fact]
    public void Split_TwoOldDeployments_KeepsTheirProportionsAndSumsTo100()
    {
        var split = RolloutService.Split(new Dictionary<string, int> { ["a"] = 70, ["b"] = 30 }, "c", 10);
        Assert.Equal(10, split["c"]);
        Assert.Equal(63, split["a"]);
        Assert.Equal(27, split["b"]);
        Assert.Equal(100, split.Values.Sum());
    }

    [Fact]
    public void Validate_BadTraffic_ReportsEveryProblem()
    {
        var e = Assert.Throws<MlpException>(() => TrafficRules.Validate("iris",
            new Dictionary<string, int> { ["blue"] = 80, ["purple"] = 10 }, new Dictionary<string, int> { ["green"] = 60 }, ["blue", "green"]));
        Assert.Contains("Unknown deployment 'purple'", e.Message);
        Assert.Contains("sums to 90", e.Message);
        Assert.Contains("at most 50%", e.Message);
    }
}
