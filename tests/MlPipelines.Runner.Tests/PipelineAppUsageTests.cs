using System.Diagnostics;
using MlPipelines.Core.Errors;

namespace MlPipelines.Runner.Tests;

/// <summary>Usage errors of a pipeline program (pipelines/TextFeatures run as a process): exit 2, the nearest name, no .NET type names.</summary>
public sealed class PipelineAppUsageTests
{
    private static readonly string App = Path.Combine(AppContext.BaseDirectory, "TextFeatures.Pipeline.dll");

    private static (int Code, string Stdout, string Stderr) RunApp(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(App);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["CI"] = "true";
        psi.Environment.Remove("MLP_WORKSPACE");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException("the pipeline program did not exit within 60 s"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private static void AssertUsageError((int Code, string Stdout, string Stderr) r, string expected)
    {
        Assert.True(r.Code == ExitCodes.InvalidInput, $"exit {r.Code}: {r.Stdout}{r.Stderr}");
        Assert.Contains(expected, r.Stderr);
        Assert.DoesNotContain("System.", r.Stderr);
        Assert.DoesNotContain("Description:", r.Stdout + r.Stderr);
    }

    [Fact]
    public void UnknownCommand_Exit2SuggestingNearest() =>
        AssertUsageError(RunApp("rn"), "Unknown command 'rn' for 'TextFeatures.Pipeline'; did you mean 'run'?");

    [Fact]
    public void Run_UnknownOption_Exit2SuggestingNearest() =>
        AssertUsageError(RunApp("run", "--max-paralel", "2"), "Unknown option '--max-paralel' for 'TextFeatures.Pipeline run'; did you mean '--max-parallel'?");

    [Fact]
    public void Run_BadIntValue_Exit2NamingOption() =>
        AssertUsageError(RunApp("run", "--max-parallel", "many"), "Invalid value 'many' for option '--max-parallel': expected a whole number.");
}
