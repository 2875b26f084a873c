using System.Text;
using MlPipelines.Core.Runs;

namespace MlPipelines.Cli.Tests.Registry;

public sealed class ModelCommandsTests : IDisposable
{
    private readonly CliWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private string ModelFolder(string content = "{\"w\": 1}") => _ws.Folder("m-" + Guid.NewGuid().ToString("N")[..8], ("model.json", content), ("signature.json", "{}"));

    /// <summary>A completed training run with outputs model/model.json and predictions.csv, a metric, a dataset input and a snapshot.</summary>
    private string TrainingRun()
    {
        using var ws = _ws.Open();
        var dataset = ws.Datasets.Register("iris", _ws.Folder("data", ("iris.csv", "a,b\n")));
        var run = ws.Runs.CreateRun(new NewRun("iris", "train") { Status = RunStatus.Running });
        foreach (var (path, content) in new[] { ("model/model.json", "{\"w\": 2}"), ("predictions.csv", "label,prediction\n") })
        {
            var blob = ws.Artifacts.PutStream(new MemoryStream(Encoding.UTF8.GetBytes(content)));
            ws.Runs.AddOutput(run.Id, new RunOutput(path, blob.Hash, blob.Size));
        }
        ws.Runs.LogMetrics(run.Id, [new MetricPoint("accuracy", 0.95, 0, DateTimeOffset.UtcNow)]);
        ws.Runs.AddDatasetInput(run.Id, dataset.Name, dataset.Version);
        var snapshot = ws.Artifacts.PutStream(new MemoryStream(Encoding.UTF8.GetBytes("snapshot")));
        ws.Runs.SetSnapshot(run.Id, snapshot.Hash);
        ws.Runs.SetStatus(run.Id, RunStatus.Completed);
        return run.Id;
    }

    [Fact]
    public void Register_LocalFolderWithTagsAndAlias_ShowsThem()
    {
        var v = _ws.Json("model", "register", "iris", "--path", ModelFolder(), "--flavor", "dotnet", "--tag", "team=vision", "--tag", "stage=dev", "--alias", "challenger");

        Assert.Equal(1, v.GetProperty("version").GetInt32());
        Assert.Equal("dotnet", v.GetProperty("flavor").GetString());
        Assert.Equal("vision", v.GetProperty("tags").GetProperty("team").GetString());
        Assert.Equal(["challenger"], v.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(2, v.GetProperty("files").GetArrayLength());
        Assert.Equal(1, _ws.Json("model", "show", "iris@challenger").GetProperty("version").GetInt32());
    }

    [Fact]
    public void Register_TwiceSameName_VersionsIncrement()
    {
        _ws.Json("model", "register", "iris", "--path", ModelFolder("a"));
        var second = _ws.Json("model", "register", "iris", "--path", ModelFolder("b"));

        Assert.Equal(2, second.GetProperty("version").GetInt32());
        Assert.Equal(2, _ws.Json("model", "list", "iris").GetArrayLength());
        Assert.Equal(2, _ws.Json("model", "list").EnumerateArray().Single().GetProperty("version").GetInt32());
    }

    [Fact]
    public void Register_FromRunOutput_RecordsLineageAndShowsTree()
    {
        var runId = TrainingRun();

        var v = _ws.Json("model", "register", "iris", "--run", runId, "--path", "model");
        var lineage = _ws.Json("model", "lineage", "iris:1");
        var tree = _ws.Mlp("model", "lineage", "iris:1");

        Assert.Equal(runId, v.GetProperty("lineage").GetProperty("runId").GetString());
        Assert.Equal(["model.json"], v.GetProperty("files").EnumerateArray().Select(f => Path.GetFileName(f.GetProperty("path").GetString())));
        Assert.Equal(runId, lineage.GetProperty("run").GetProperty("id").GetString());
        Assert.Equal("train", lineage.GetProperty("run").GetProperty("name").GetString());
        var dataset = lineage.GetProperty("datasets").EnumerateArray().Single();
        Assert.Equal(("iris", 1), (dataset.GetProperty("name").GetString(), dataset.GetProperty("version").GetInt32()));
        Assert.NotNull(lineage.GetProperty("snapshotHash").GetString());
        Assert.Equal(0, tree.ExitCode);
        Assert.Contains("model iris:1", tree.Stdout);
        Assert.Contains($"run {runId}", tree.Stdout);
        Assert.Contains("dataset iris:1", tree.Stdout);
        Assert.Contains("snapshot", tree.Stdout);
    }

    [Fact]
    public void Register_RunOutputPathMissing_Exit2NamingRunOutputs()
    {
        var runId = TrainingRun();

        var r = _ws.Mlp("model", "register", "iris", "--run", runId, "--path", "modle");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("modle", r.Stderr);
        Assert.Contains("model/model.json", r.Stderr);
    }

    [Fact]
    public void Register_LocalPathMissing_Exit2()
    {
        var r = _ws.Mlp("model", "register", "iris", "--path", _ws["nope"]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("does not exist", r.Stderr);
    }

    [Fact]
    public void AliasSetMoveDelete_HistoryKeepsEveryMoveWithWhoAndReason()
    {
        _ws.Json("model", "register", "iris", "--path", ModelFolder("a"));
        _ws.Json("model", "register", "iris", "--path", ModelFolder("b"));

        var set = _ws.Json("model", "alias", "set", "iris", "champion", "1", "--reason", "first");
        var moved = _ws.Mlp("model", "alias", "set", "iris", "champion", "2", "--reason", "better accuracy");
        Assert.Equal(2, _ws.Json("model", "show", "iris@champion").GetProperty("version").GetInt32());
        _ws.Json("model", "alias", "delete", "iris", "champion", "--reason", "retired");
        var history = _ws.Json("model", "history", "iris").EnumerateArray().ToList();

        Assert.Equal(1, set.GetProperty("toVersion").GetInt32());
        Assert.Contains("alias 'champion' → version 2 (was 1)", moved.Stdout);
        Assert.Equal(3, history.Count);
        Assert.Equal([(int?)null, 1, 2], history.Select(h => h.TryGetProperty("fromVersion", out var f) && f.ValueKind == System.Text.Json.JsonValueKind.Number ? f.GetInt32() : (int?)null));
        Assert.Equal(["first", "better accuracy", "retired"], history.Select(h => h.GetProperty("reason").GetString()));
        Assert.All(history, h => Assert.Equal(Environment.UserName, h.GetProperty("who").GetString()));
        Assert.Equal(2, _ws.Mlp("model", "show", "iris@champion").ExitCode);
    }

    [Fact]
    public void Show_UnknownModel_Exit2ListingModels()
    {
        _ws.Json("model", "register", "iris", "--path", ModelFolder());

        var r = _ws.Mlp("model", "show", "irsi");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("'irsi'", r.Stderr);
        Assert.Contains("'iris'", r.Stderr);
    }

    [Fact]
    public void Show_UnknownAlias_Exit2ListingAliases()
    {
        _ws.Json("model", "register", "iris", "--path", ModelFolder(), "--alias", "challenger");

        var r = _ws.Mlp("model", "show", "iris@champion");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("'iris@champion'", r.Stderr);
        Assert.Contains("challenger", r.Stderr);
    }

    [Fact]
    public void AliasSet_InvalidAliasName_Exit2()
    {
        _ws.Json("model", "register", "iris", "--path", ModelFolder());

        var r = _ws.Mlp("model", "alias", "set", "iris", "champ ion", "1");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("Invalid alias name 'champ ion'", r.Stderr);
    }

    [Fact]
    public void Delete_AliasedVersionRefusedThenAllowed()
    {
        _ws.Json("model", "register", "iris", "--path", ModelFolder("a"), "--alias", "champion");
        _ws.Json("model", "register", "iris", "--path", ModelFolder("b"));

        var refused = _ws.Mlp("model", "delete", "iris:1");
        _ws.Json("model", "alias", "delete", "iris", "champion");
        var deleted = _ws.Mlp("model", "delete", "iris:1");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("champion", refused.Stderr);
        Assert.Equal(0, deleted.ExitCode);
        Assert.Equal([2], _ws.Json("model", "list", "iris").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
    }

    [Fact]
    public void Delete_WithoutVersion_Exit2AskingForOne()
    {
        var r = _ws.Mlp("model", "delete", "iris");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("expected NAME:VERSION", r.Stderr);
    }

    [Fact]
    public void Download_AliasReference_WritesFiles()
    {
        _ws.Json("model", "register", "iris", "--path", ModelFolder("{\"w\": 42}"), "--alias", "champion");

        var r = _ws.Json("model", "download", "iris@champion", "--output", _ws["out"]);

        Assert.Equal(1, r.GetProperty("version").GetInt32());
        Assert.Equal("{\"w\": 42}", File.ReadAllText(_ws["out/model.json"]));
    }

    [Fact]
    public void Show_Table_IncludesLineageTree()
    {
        _ws.Json("model", "register", "iris", "--path", ModelFolder(), "--description", "local one");

        var r = _ws.Mlp("model", "show", "iris");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("local one", r.Stdout);
        Assert.Contains("model iris:1", r.Stdout);
        Assert.Contains("no source run", r.Stdout);
    }

    [Fact]
    public void Register_TwoProcessesAtOnce_DistinctVersions()
    {
        var a = _ws.Start("model", "register", "iris", "--path", ModelFolder("a"), "--format", "json");
        var b = _ws.Start("model", "register", "iris", "--path", ModelFolder("b"), "--format", "json");
        var results = new[] { a.Wait(), b.Wait() };

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Stderr));
        var versions = results.Select(r => System.Text.Json.JsonDocument.Parse(r.Stdout).RootElement.GetProperty("version").GetInt32()).Order();
        Assert.Equal([1, 2], versions);
    }
}
