using MlPipelines.Core.Errors;
using MlPipelines.Core.Registry;
using MlPipelines.Core.Runs;

namespace MlPipelines.Server.Tests.Remote;

/// <summary>The model registry through the server: uploads, run outputs, aliases recorded as the caller, verified downloads.</summary>
public class RemoteModelRegistryTests
{
    [Fact]
    public async Task Register_LocalFolder_UploadsFilesCreatorIsCallerAndDownloadMatches()
    {
        await using var s = await RemoteWorkspaceServer.StartAsync();
        using var http = s.Connect(await s.TokenFor("dana", "AzureML Data Scientist"));
        var models = RemoteWorkspaceServer.Stores(http).Models;
        using var dir = new TempDir();
        var folder = Directory.CreateDirectory(dir.Combine("model")).FullName;
        File.WriteAllText(Path.Combine(folder, "model.json"), """{"w":[1,2,3]}""");
        Directory.CreateDirectory(Path.Combine(folder, "vocab"));
        File.WriteAllText(Path.Combine(folder, "vocab", "words.txt"), "a b c");
        File.CreateSymbolicLink(Path.Combine(folder, "escape"), "/etc");
        var warnings = new List<string>();

        var v1 = models.Register(new NewModelVersion
        {
            Name = "churn", LocalPath = folder, Flavor = "dotnet", Tags = new Dictionary<string, string> { ["team"] = "risk" },
            CreatedBy = "someone-else", OnWarning = warnings.Add,
        });

        Assert.Equal(1, v1.Version);
        Assert.Equal("dana", v1.CreatedBy);
        Assert.Equal(["model.json", "vocab/words.txt"], v1.Files.Select(f => f.Path));
        Assert.Contains(warnings, w => w.Contains("escape"));
        Assert.Equal("risk", v1.Tags["team"]);
        var output = dir.Combine("out");
        models.Download(new ModelRef("churn", 1, null), output);
        Assert.Equal("""{"w":[1,2,3]}""", File.ReadAllText(Path.Combine(output, "model.json")));
        Assert.Equal("a b c", File.ReadAllText(Path.Combine(output, "vocab", "words.txt")));

        var v2 = models.Register(new NewModelVersion { Name = "churn", LocalPath = Path.Combine(folder, "model.json") });
        Assert.Equal(2, v2.Version);
        Assert.Equal((2, v2.Hash), (models.Get(ModelRef.Parse("churn")).Version, models.Get(ModelRef.Parse("churn")).Hash));
        Assert.Equal([1, 2], models.Versions("churn").Select(v => v.Version));
        Assert.Single(models.List());
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<MlpException>(() => models.Get(ModelRef.Parse("churn:9"))).Kind);
        Assert.Equal(ErrorKind.InvalidInput, Assert.Throws<MlpException>(() => models.Register(new NewModelVersion { Name = "bad" })).Kind);
    }

    [Fact]
    public async Task Register_FromRunOutput_ResolvedOnServerWithLineage()
    {
        await using var s = await RemoteWorkspaceServer.StartAsync();
        using var dir = new TempDir();
        string runId;
        using (var local = s.OpenLocal())
        {
            var run = local.Runs.CreateRun(new NewRun("train") { Status = RunStatus.Running });
            runId = run.Id;
            foreach (var (path, text) in new[] { ("model/weights.bin", "0101"), ("model/config.json", "{}"), ("report.txt", "ok") })
            {
                File.WriteAllText(dir.Combine("f"), text);
                var blob = local.Artifacts.PutFile(dir.Combine("f"));
                local.Runs.AddOutput(runId, new RunOutput(path, blob.Hash, blob.Size));
            }
            local.Datasets.Register("iris", dir.Combine("f"));
            local.Runs.AddDatasetInput(runId, "iris", 1);
            local.Runs.LogMetrics(runId, [new MetricPoint("auc", 0.91, 1, DateTimeOffset.UtcNow)]);
        }
        using var http = s.Connect();
        var models = RemoteWorkspaceServer.Stores(http).Models;

        var v = models.Register(new NewModelVersion { Name = "m", RunId = runId, RunOutputPath = "model" });

        Assert.Equal(["config.json", "weights.bin"], v.Files.Select(f => f.Path));
        Assert.Equal(runId, v.Lineage.RunId);
        Assert.Equal([("iris", 1)], v.Lineage.Datasets);
        Assert.Equal(0.91, v.Metrics["auc"]);
        Assert.Equal("admin", v.CreatedBy);
        models.Download(ModelRef.Parse("m:1"), dir.Combine("out"));
        Assert.Equal("0101", File.ReadAllText(dir.Combine("out", "weights.bin")));
        var e = Assert.Throws<MlpException>(() => models.Register(new NewModelVersion { Name = "m", RunId = runId, RunOutputPath = "nothing" }));
        Assert.Contains("'report.txt'", e.Message);
    }

    [Fact]
    public async Task Aliases_HistoryRecordsTheAuthenticatedCallerNotTheClaimedOne()
    {
        await using var s = await RemoteWorkspaceServer.StartAsync();
        using var http = s.Connect(await s.TokenFor("dana", "AzureML Data Scientist"));
        var models = RemoteWorkspaceServer.Stores(http).Models;
        using var dir = new TempDir();
        File.WriteAllText(dir.Combine("m.bin"), "1");
        models.Register(new NewModelVersion { Name = "churn", LocalPath = dir.Combine("m.bin") });
        File.WriteAllText(dir.Combine("m.bin"), "2");
        models.Register(new NewModelVersion { Name = "churn", LocalPath = dir.Combine("m.bin") });

        var first = models.SetAlias("churn", "champion", 1, who: "mallory", reason: "first");
        var moved = models.SetAlias("churn", "champion", 2, who: "mallory", reason: "better");
        Assert.Equal(2, models.Get(ModelRef.Parse("churn@champion")).Version);
        Assert.Equal(["champion"], models.Get(ModelRef.Parse("churn:2")).Aliases);
        Assert.Equal(ErrorKind.Conflict, Assert.Throws<MlpException>(() => models.Delete("churn", 2)).Kind);
        var deleted = models.DeleteAlias("churn", "champion", who: "mallory", reason: "retired");
        models.Delete("churn", 2);

        var history = models.History("churn");
        Assert.Equal([(null, 1), (1, 2), (2, (int?)null)], history.Select(h => (h.FromVersion, h.ToVersion)));
        Assert.All(history, h => Assert.Equal("dana", h.Who));
        Assert.Equal(["first", "better", "retired"], history.Select(h => h.Reason));
        Assert.Equal("dana", first.Who);
        Assert.Equal("dana", moved.Who);
        Assert.Null(deleted.ToVersion);
        Assert.Equal([1], models.Versions("churn").Select(v => v.Version));
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<MlpException>(() => models.Get(ModelRef.Parse("churn@champion"))).Kind);
    }
}

/// <summary>Models apart from their versions through the server: the remote client's new calls reach the same store.</summary>
public class RemoteRegisteredModelTests
{
    [Fact]
    public async Task CreateTagRenameUpdateDelete_ThroughTheServer_CreatorIsCaller()
    {
        await using var s = await RemoteWorkspaceServer.StartAsync();
        using var http = s.Connect(await s.TokenFor("dana", "AzureML Data Scientist"));
        var models = RemoteWorkspaceServer.Stores(http).Models;
        var created = models.CreateModel("churn", "d", new Dictionary<string, string> { ["team"] = "risk" }, "someone-else");
        Assert.Equal(("dana", "risk", (int?)null), (created.CreatedBy, created.Tags["team"], created.LatestVersion));
        Assert.Equal(ErrorKind.Conflict, Assert.Throws<MlpException>(() => models.CreateModel("churn", null, new Dictionary<string, string>(), "x")).Kind);
        var v = models.Register(new NewModelVersion { Name = "churn", Files = [], Source = "s3://b/m" });
        Assert.Equal(("s3://b/m", 0), (v.Source, v.Files.Count));
        Assert.Equal("first", models.UpdateVersion("churn", 1, "first").Description);
        models.SetVersionTag("churn", 1, "k", "v");
        models.DeleteVersionTag("churn", 1, "k");
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<MlpException>(() => models.DeleteVersionTag("churn", 1, "k")).Kind);
        models.SetModelTag("churn", "a", "1");
        models.DeleteModelTag("churn", "team");
        Assert.Equal("new text", models.UpdateModel("churn", "new text").Description);
        var renamed = models.RenameModel("churn", "attrition");
        Assert.Equal(("attrition", 1, "1"), (renamed.Name, renamed.LatestVersion, renamed.Tags["a"]));
        Assert.Equal(["attrition"], models.Models().Select(m => m.Name));
        models.DeleteModel("attrition");
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<MlpException>(() => models.GetModel("attrition")).Kind);
    }
}
