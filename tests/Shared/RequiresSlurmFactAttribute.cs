using System.Diagnostics;

namespace MlPipelines.Tests.Shared;

/// <summary>
/// A fact that needs a running Slurm cluster (<c>bash .ci/services/slurm.sh start</c>) and its shared staging folder
/// (<c>MLP_TEST_SLURM_SHARED</c>, default /tmp/mlp-slurm/shared); skipped, with the reason shown, when either is missing.
/// </summary>
public sealed class RequiresSlurmFactAttribute : FactAttribute
{
    /// <summary>The staging folder the cluster's node sees.</summary>
    public static string SharedFolder => Environment.GetEnvironmentVariable("MLP_TEST_SLURM_SHARED") is { Length: > 0 } s ? s : "/tmp/mlp-slurm/shared";

    private static readonly Lazy<string?> Missing = new(() =>
    {
        if (!Directory.Exists(SharedFolder)) return $"the Slurm staging folder '{SharedFolder}' does not exist: start Slurm with `bash .ci/services/slurm.sh start`";
        try
        {
            using var p = Process.Start(new ProcessStartInfo("sinfo", "-h -o %T") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            if (!p.WaitForExit(15_000)) { p.Kill(); return "sinfo did not answer within 15 s (slurmctld or munged down)"; }
            var state = p.StandardOutput.ReadToEnd().Trim();
            return p.ExitCode == 0 && state.Split('\n').Any(s => s is "idle" or "mixed" or "allocated")
                ? null
                : $"no usable Slurm node (sinfo: '{state}{p.StandardError.ReadToEnd().Trim()}'): start Slurm with `bash .ci/services/slurm.sh start`";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return "Slurm's sinfo is not on PATH: " + e.Message + "; start Slurm with `bash .ci/services/slurm.sh start`";
        }
    });

    /// <summary>Skips the test when no cluster is reachable.</summary>
    public RequiresSlurmFactAttribute()
    {
        if (Missing.Value is { } reason) Skip = reason;
    }
}
