using System.Diagnostics;

namespace MlPipelines.Tests.Shared;

/// <summary>A fact that is skipped, with the reason shown, when no python3 is on PATH.</summary>
public sealed class RequiresPythonFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Missing = new(() =>
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("python3", "--version") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            p.WaitForExit(10_000);
            return p.ExitCode == 0 ? null : "python3 --version failed";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return "python3 is not on PATH: " + e.Message;
        }
    });

    public RequiresPythonFactAttribute()
    {
        if (Missing.Value is { } reason) Skip = reason;
    }
}
