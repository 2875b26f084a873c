using System.Diagnostics;

namespace MlPipelines.Workspace.Tests;

/// <summary>Starts the test helper program (tests/MlPipelines.Workspace.TestHelper) as a real child process.</summary>
internal static class ChildProcess
{
    public static string HelperDll
    {
        get
        {
            // The test runs from tests/MlPipelines.Workspace.Tests/bin/CONFIG/TFM/; the helper builds next to it.
            var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var tfm = baseDir.Name;
            var config = baseDir.Parent!.Name;
            var testsDir = baseDir.Parent!.Parent!.Parent!.Parent!.FullName;
            var dll = Path.Combine(testsDir, "MlPipelines.Workspace.TestHelper", "bin", config, tfm, "MlPipelines.Workspace.TestHelper.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException("Test helper not built", dll);
        }
    }

    public static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(HelperDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    public static string Run(params string[] args)
    {
        using var p = Start(args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException("helper timed out"); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"helper exited {p.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }
}
