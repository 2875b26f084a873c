using MlPipelines.Cli.Tests.Registry;

namespace MlPipelines.Cli.Tests.Usage;

/// <summary>Usage errors of the real <c>mlp</c>: exit 2, the nearest name suggested, never a .NET type name or the help dump.</summary>
public sealed class UsageErrorTests : IDisposable
{
    private readonly CliWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private static void AssertUsageError(CliResult r, string expected)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Stderr}");
        Assert.Contains(expected, r.Stderr);
        Assert.DoesNotContain("System.", r.Stderr);
        Assert.DoesNotContain("MlPipelines.", r.Stderr);
        Assert.DoesNotContain("Description:", r.Stdout + r.Stderr);
    }

    [Fact]
    public void Run_UnknownSubcommand_Exit2SuggestingNearest() =>
        AssertUsageError(_ws.Mlp("run", "lst"), "error: Unknown command 'lst' for 'mlp run'; did you mean 'list'?");

    [Fact]
    public void Root_UnknownCommand_Exit2ListingCommands() =>
        AssertUsageError(_ws.Mlp("frobnicate"), "available: workspace, experiment, run, data, model, image, compute, environment, endpoint, deployment");

    [Fact]
    public void RunList_UnknownOption_Exit2SuggestingNearest()
    {
        var r = _ws.Mlp("run", "list", "--fitler", "x");
        AssertUsageError(r, "error: Unknown option '--fitler' for 'mlp run list'; did you mean '--filter'?");
        Assert.DoesNotContain("'x'", r.Stderr);
    }

    [Fact]
    public void RunSubmit_MissingRequiredOption_Exit2() =>
        AssertUsageError(_ws.Mlp("run", "submit", "--", "true"), "Option '--experiment' is required.");

    [Fact]
    public void Run_NoSubcommand_Exit2ListingCommands() =>
        AssertUsageError(_ws.Mlp("run"), "'mlp run' needs a command: submit, list");

    [Fact]
    public void Format_BadEnumValue_Exit2NamingOptionAndAllowedValues() =>
        AssertUsageError(_ws.Mlp("run", "list", "--format", "jsno"), "Invalid value 'jsno' for option '--format': expected one of table, json; did you mean 'json'?");

    [Fact]
    public void RunList_BadIntValue_Exit2NamingOption() =>
        AssertUsageError(_ws.Mlp("run", "list", "--max", "lots"), "Invalid value 'lots' for option '--max': expected a whole number.");

    [Fact]
    public void ModelAliasSet_BadIntArgument_Exit2NamingArgument() =>
        AssertUsageError(_ws.Mlp("model", "alias", "set", "iris", "champion", "two"), "Invalid value 'two' for argument <version>: expected a whole number.");

    [Fact]
    public void RunSubmit_TimeoutBareNumber_Exit2ShowingForms() =>
        AssertUsageError(_ws.Mlp("run", "submit", "-e", "t", "--timeout", "2", "--", "true"), "'2' has no unit; use 90s, 15m, 1h30m, 2d, 500ms or 00:10:00");

    [Theory]
    [InlineData("1s")]
    [InlineData("00:00:01")]
    public void RunSubmit_TimeoutForms_KillCommandAfterThatLong(string timeout)
    {
        var r = _ws.Mlp("run", "submit", "-e", "t", "--timeout", timeout, "--", "bash", "-c", "sleep 30"); // mlp's test helper appends --workspace after the command
        Assert.True(r.ExitCode == 1, $"exit {r.ExitCode}: {r.Stderr}");
        Assert.Contains("timed out", r.Stderr);
    }

    [Fact]
    public void RunSubmit_TimeoutLongerThanCommand_Completes()
    {
        var r = _ws.Mlp("run", "submit", "-e", "t", "--timeout", "1h30m", "--", "true");
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Stderr}");
    }
}
