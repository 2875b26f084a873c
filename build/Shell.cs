using System.Diagnostics;

namespace MlPipelines.Build;

/// <summary>Runs tools with inherited console streams from the repository root.</summary>
internal sealed class Shell(string root)
{
    public void Run(string file, params string[] args)
    {
        Console.WriteLine($"> {file} {string.Join(' ', args)}");
        var psi = new ProcessStartInfo(file) { WorkingDirectory = root, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new BuildFailedException($"could not start '{file}'");
        p.WaitForExit();
        if (p.ExitCode != 0) throw new BuildFailedException($"'{file} {string.Join(' ', args)}' exited with code {p.ExitCode}");
    }
}
