using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace MlPipelines.Examples.Tests;

/// <summary>Paths of the repository and helpers to run example programs as real processes.</summary>
public static partial class Support
{
    public static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MlPipelines.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No MlPipelines.sln above '{AppContext.BaseDirectory}'.");
    }

    public static string Pipelines(params string[] parts) => Path.Combine([RepoRoot, "pipelines", .. parts]);

    public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);

    public static ProcessResult Run(string fileName, IEnumerable<string> args, string? workingDir = null, IDictionary<string, string>? env = null, int timeoutMs = 120_000)
    {
        var psi = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDir ?? RepoRoot };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs)) { p.Kill(true); throw new TimeoutException($"{fileName} did not exit within {timeoutMs} ms."); }
        return new ProcessResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Metric lines of the ##mlp protocol: (name, step, value).</summary>
    public static List<(string Name, long? Step, double Value)> Metrics(string stdout) =>
        MetricLine().Matches(stdout).Select(m => (
            m.Groups["name"].Value,
            m.Groups["step"].Success ? long.Parse(m.Groups["step"].Value, CultureInfo.InvariantCulture) : (long?)null,
            double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture))).ToList();

    public static Dictionary<string, string> Params(string stdout) =>
        ParamLine().Matches(stdout).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value.TrimEnd('\r'));

    [GeneratedRegex(@"^##mlp\[metric name=(?<name>[\w.-]+)(?: step=(?<step>\d+))?\](?<value>\S+)\r?$", RegexOptions.Multiline)]
    private static partial Regex MetricLine();

    [GeneratedRegex(@"^##mlp\[param name=(?<name>[\w.-]+)\](?<value>.*)$", RegexOptions.Multiline)]
    private static partial Regex ParamLine();
}

/// <summary>A temp folder deleted on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("mlp-examples-").FullName;
    public string this[string relative] => System.IO.Path.Combine(Path, relative);
    public void Dispose() { try { Directory.Delete(Path, true); } catch (IOException) { } }
}
