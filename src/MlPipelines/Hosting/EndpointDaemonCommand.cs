using System.CommandLine;
using System.Reflection;
using MlPipelines.Endpoints.Daemon;
using MlPipelines.Workspace;
using MlPipelines.Workspace.Remote;

namespace MlPipelines.Hosting;

/// <summary>
/// The hidden <c>endpoint-daemon</c> command of a pipeline program: the same endpoint daemon as <c>mlp endpoint daemon</c>,
/// so a pipeline's Deploy step can start endpoints on a machine where the <c>mlp</c> tool is not installed.
/// </summary>
internal static class EndpointDaemonCommand
{
    public const string Name = "endpoint-daemon";

    public static Command Build()
    {
        var workspace = new Option<string>("--workspace") { Required = true, Description = "The workspace whose endpoints to serve." };
        var command = new Command(Name, "Run the endpoint daemon of a workspace in the foreground.") { Hidden = true };
        command.Options.Add(workspace);
        command.SetAction(async (parse, ct) =>
        {
            using var ws = WorkspaceConnector.Open(parse.GetValue(workspace));
            await new EndpointDaemon(ws).RunAsync(ct).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary>How to start this very program as the daemon of <paramref name="workspace"/>.</summary>
    public static DaemonCommand? SelfHosted(string workspace)
    {
        var process = Environment.ProcessPath;
        var entry = Assembly.GetEntryAssembly()?.Location;
        if (process is null || string.IsNullOrEmpty(entry)) return null;
        string[] tail = [Name, "--workspace", workspace];
        var viaDotnet = Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        return viaDotnet ? new DaemonCommand(process, [entry, .. tail]) : new DaemonCommand(process, tail);
    }
}
