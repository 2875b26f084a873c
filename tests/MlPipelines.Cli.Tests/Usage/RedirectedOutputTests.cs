using System.Diagnostics;
using MlPipelines.Cli.Tests.Registry;

namespace MlPipelines.Cli.Tests.Usage;

/// <summary>Piped output of the real <c>mlp</c>: plain text (no ANSI escapes) and tables as wide as their content or <c>COLUMNS</c>.</summary>
public sealed class RedirectedOutputTests : IDisposable
{
    private static readonly string LongName = new('n', 120);
    private static readonly string LongExperiment = new('e', 120);
    private readonly CliWorkspace _ws = new();
    private readonly string _runId;

    public RedirectedOutputTests()
    {
        var r = _ws.Mlp("run", "submit", "--format", "json", "-e", LongExperiment, "--name", LongName, "--", "true");
        Assert.True(r.ExitCode == 0, r.Stderr);
        _runId = System.Text.Json.JsonDocument.Parse(r.Stdout).RootElement.GetProperty("id").GetString()!;
    }

    public void Dispose() => _ws.Dispose();

    /// <summary>Runs mlp with stdout and stderr redirected, as in a pipe, with a colour terminal's TERM and the given variables.</summary>
    private CliResult Mlp(IDictionary<string, string?> env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _ws.Root };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mlp.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("--workspace");
        psi.ArgumentList.Add(_ws.Root);
        psi.Environment.Remove("MLP_WORKSPACE");
        psi.Environment.Remove("NO_COLOR");
        psi.Environment.Remove("COLUMNS");
        psi.Environment["TERM"] = "xterm-256color";
        foreach (var (k, v) in env)
        {
            if (v is null) psi.Environment.Remove(k);
            else psi.Environment[k] = v;
        }
        return new RunningMlp(Process.Start(psi)!).Wait();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("1")]
    public void Show_Redirected_NoAnsiEscapes(string? noColor)
    {
        var r = Mlp(new Dictionary<string, string?> { ["NO_COLOR"] = noColor }, "run", "show", _runId);

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains(LongName, r.Stdout);
        Assert.DoesNotContain('\u001b', r.Stdout);
        Assert.DoesNotContain('\u001b', r.Stderr);
    }

    [Fact]
    public void Error_Redirected_OnStderrWithoutEscapes()
    {
        var r = Mlp(new Dictionary<string, string?>(), "run", "show", "run-nope");

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.StartsWith("error: ", r.Stderr);
        Assert.DoesNotContain('\u001b', r.Stderr);
    }

    [Fact]
    public void List_RedirectedWithoutColumns_LongRowNotWrapped()
    {
        var r = Mlp(new Dictionary<string, string?>(), "run", "list");

        Assert.True(r.ExitCode == 0, r.Stderr);
        var row = Assert.Single(r.Stdout.Split('\n'), l => l.Contains(_runId));
        Assert.Contains(LongName, row);
        Assert.Contains(LongExperiment, row);
        Assert.DoesNotContain('\u001b', r.Stdout);
    }

    [Fact]
    public void List_ColumnsSet_TableUsesThatWidth()
    {
        var wide = Mlp(new Dictionary<string, string?> { ["COLUMNS"] = "400" }, "run", "list");
        var narrow = Mlp(new Dictionary<string, string?> { ["COLUMNS"] = "100" }, "run", "list");

        Assert.Contains(LongName, Assert.Single(wide.Stdout.Split('\n'), l => l.Contains(_runId)));
        Assert.All(narrow.Stdout.Split('\n'), l => Assert.True(l.Length <= 100, $"{l.Length} characters: {l}"));
    }
}
