using System.Diagnostics;
using System.Text;

namespace MlPipelines.EndToEnd.Tests;

/// <summary>Runs the real <c>mlp</c> program (built next to the tests) as a child process.</summary>
internal static class Mlp
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "mlp.dll");

    public static ProcessStartInfo StartInfo(string workDir, IEnumerable<string> args, IDictionary<string, string?>? env = null)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("MLP_WORKSPACE");
        psi.Environment.Remove("MLP_RUN_ID");
        psi.Environment["CI"] = "true";
        foreach (var (k, v) in env ?? new Dictionary<string, string?>()) psi.Environment[k] = v;
        return psi;
    }

    public static MlpResult Run(string workDir, params string[] args) => RunWith(workDir, null, args);

    public static MlpResult RunWith(string workDir, IDictionary<string, string?>? env, params string[] args)
    {
        using var p = Process.Start(StartInfo(workDir, args, env))!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit(TimeSpan.FromSeconds(120))) { p.Kill(true); throw new TimeoutException($"mlp {string.Join(' ', args)} did not finish in 120 s"); }
        p.WaitForExit();
        return new MlpResult(p.ExitCode, stdout.ToString(), stderr.ToString());
    }
}

internal sealed record MlpResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
