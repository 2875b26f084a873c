using MlPipelines.Core.Errors;

namespace MlPipelines.Endpoints.Daemon;

/// <summary>
/// Finds how to run <c>mlp endpoint daemon</c> from a process that is not <c>mlp</c> itself (e.g. a pipeline's Deploy step):
/// <c>$MLP_CLI</c> (the <c>mlp</c> executable or <c>mlp.dll</c>), else the calling program when it hosts the daemon itself
/// (pipeline programs do, as the hidden command <c>endpoint-daemon</c>), else <c>mlp</c> on the PATH.
/// </summary>
public static class DaemonCommandResolver
{
    /// <summary>Environment variable naming the mlp executable or mlp.dll.</summary>
    public const string CliVariable = "MLP_CLI";

    /// <summary>The daemon command for a workspace location; <paramref name="selfHost"/> is the caller's own daemon command, if it has one.</summary>
    public static DaemonCommand Resolve(string workspace, DaemonCommand? selfHost = null)
    {
        string[] tail = ["endpoint", "daemon", "--workspace", workspace];
        if (Environment.GetEnvironmentVariable(CliVariable) is { Length: > 0 } cli)
            return cli.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? new DaemonCommand("dotnet", [cli, .. tail]) : new DaemonCommand(cli, tail);
        if (selfHost is not null) return selfHost;
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, OperatingSystem.IsWindows() ? "mlp.exe" : "mlp")).FirstOrDefault(File.Exists);
        return onPath is not null ? new DaemonCommand(onPath, tail)
            : throw MlpException.Invalid($"Cannot start the endpoint daemon: 'mlp' is not on the PATH and {CliVariable} is not set; install the tool ('dotnet tool install MlPipelines.Cli') or set {CliVariable} to mlp or mlp.dll.");
    }
}
