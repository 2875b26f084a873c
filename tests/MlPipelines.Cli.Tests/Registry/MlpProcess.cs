using System.Diagnostics;
using System.Text.Json;
using MlPipelines.Workspace;

namespace MlPipelines.Cli.Tests.Registry;

/// <summary>A temp workspace plus a runner of the real <c>mlp</c> executable against it.</summary>
public sealed class CliWorkspace : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("mlp-cli-registry-").FullName;

    public CliWorkspace()
    {
        using var _ = LocalWorkspace.Init(Root);
    }

    public string this[string relative] => Path.Combine(Root, relative);

    public LocalWorkspace Open() => LocalWorkspace.Open(Root);

    /// <summary>Writes files (relative path → content) under a new folder and returns its path.</summary>
    public string Folder(string name, params (string Path, string Content)[] files)
    {
        var dir = this[name];
        foreach (var (p, c) in files)
        {
            var full = Path.Combine(dir, p);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, c);
        }
        Directory.CreateDirectory(dir);
        return dir;
    }

    public CliResult Mlp(params string[] args) => Start(args).Wait();

    public JsonElement Json(params string[] args)
    {
        var r = Mlp([.. args, "--format", "json"]);
        Assert.True(r.ExitCode == 0, $"mlp {string.Join(' ', args)} exited {r.ExitCode}: {r.Stderr}");
        return JsonDocument.Parse(r.Stdout).RootElement.Clone();
    }

    public RunningMlp Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Root };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mlp.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("--workspace");
        psi.ArgumentList.Add(Root);
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["COLUMNS"] = "200";
        psi.Environment.Remove("MLP_WORKSPACE");
        return new RunningMlp(Process.Start(psi)!);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, true); } catch (IOException) { }
    }
}

public sealed record CliResult(int ExitCode, string Stdout, string Stderr);

public sealed class RunningMlp(Process process)
{
    private readonly Task<string> _stdout = process.StandardOutput.ReadToEndAsync();
    private readonly Task<string> _stderr = process.StandardError.ReadToEndAsync();

    public CliResult Wait()
    {
        if (!process.WaitForExit(60_000)) { process.Kill(true); throw new TimeoutException("mlp did not exit within 60 s."); }
        using (process) return new CliResult(process.ExitCode, _stdout.Result, _stderr.Result);
    }
}
