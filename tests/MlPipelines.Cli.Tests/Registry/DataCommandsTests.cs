namespace MlPipelines.Cli.Tests.Registry;

public sealed class DataCommandsTests : IDisposable
{
    private readonly CliWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact]
    public void Register_SameContentTwice_ReturnsExistingVersion()
    {
        var dir = _ws.Folder("iris", ("iris.csv", "a,b\n1,2\n"), ("README.md", "x"));

        var first = _ws.Json("data", "register", "iris", dir, "--description", "Fisher");
        var second = _ws.Json("data", "register", "iris", dir);

        Assert.False(first.GetProperty("reused").GetBoolean());
        Assert.Equal(1, first.GetProperty("dataset").GetProperty("version").GetInt32());
        Assert.Equal(2, first.GetProperty("dataset").GetProperty("fileCount").GetInt32());
        Assert.True(second.GetProperty("reused").GetBoolean());
        Assert.Equal(1, second.GetProperty("dataset").GetProperty("version").GetInt32());
    }

    [Fact]
    public void Register_ChangedContent_NewVersionAndTableMessage()
    {
        var file = _ws.Folder("d", ("data.csv", "v1"));
        Assert.Equal(0, _ws.Mlp("data", "register", "sales", Path.Combine(file, "data.csv")).ExitCode);
        File.WriteAllText(Path.Combine(file, "data.csv"), "v2");

        var r = _ws.Mlp("data", "register", "sales", Path.Combine(file, "data.csv"));

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Registered dataset 'sales' version 2", r.Stdout);
        var versions = _ws.Json("data", "list", "sales");
        Assert.Equal([1, 2], versions.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()).Order());
    }

    [Fact]
    public void ListShowDownload_RegisteredDataset_RoundTrips()
    {
        var dir = _ws.Folder("iris", ("iris.csv", "sepal\n5.1\n"), ("sub/more.csv", "x"));
        _ws.Json("data", "register", "iris", dir);

        var list = _ws.Json("data", "list");
        var show = _ws.Json("data", "show", "iris:1");
        var download = _ws.Json("data", "download", "iris", "--output", _ws["out"]);

        Assert.Equal("iris", list.EnumerateArray().Single().GetProperty("name").GetString());
        Assert.Equal(64, show.GetProperty("dataset").GetProperty("hash").GetString()!.Length);
        Assert.Equal([1], show.GetProperty("versions").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal(_ws["out"], download.GetProperty("destination").GetString());
        Assert.Equal("sepal\n5.1\n", File.ReadAllText(_ws["out/iris.csv"]));
        Assert.Equal("x", File.ReadAllText(_ws["out/sub/more.csv"]));
    }

    [Fact]
    public void Show_UnknownDataset_Exit2ListingExisting()
    {
        _ws.Json("data", "register", "iris", _ws.Folder("a", ("f.csv", "1")));

        var r = _ws.Mlp("data", "show", "irsi");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("'irsi'", r.Stderr);
        Assert.Contains("'iris'", r.Stderr);
    }

    [Fact]
    public void Show_UnknownVersion_Exit2()
    {
        _ws.Json("data", "register", "iris", _ws.Folder("a", ("f.csv", "1")));

        var r = _ws.Mlp("data", "show", "iris:7");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("7", r.Stderr);
    }

    [Theory]
    [InlineData("iris:x", "Invalid dataset version in 'iris:x'")]
    [InlineData("ir is", "Invalid dataset name 'ir is'")]
    public void Show_MalformedReference_Exit2WithReason(string reference, string expected)
    {
        var r = _ws.Mlp("data", "show", reference);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Stderr);
    }

    [Fact]
    public void Register_MissingPath_Exit2NamingIt()
    {
        var r = _ws.Mlp("data", "register", "iris", _ws["nope"]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("path '" + _ws["nope"] + "' does not exist", r.Stderr);
    }

    [Fact]
    public void List_Empty_PrintsNoneAndJsonEmptyArray()
    {
        Assert.Contains("(none)", _ws.Mlp("data", "list").Stdout);
        Assert.Equal(0, _ws.Json("data", "list").GetArrayLength());
    }
}
