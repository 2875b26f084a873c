using MlPipelines.Cli.Infrastructure;
using MlPipelines.Core.Workspaces;
using MlPipelines.Endpoints.Daemon;
using MlPipelines.Endpoints.Services;
using MlPipelines.Endpoints.Targets;

namespace MlPipelines.Cli.Commands;

/// <summary>Builds the endpoints context of a command: the workspace and how this very <c>mlp</c> starts the daemon.</summary>
internal static class EndpointCliContext
{
    public static EndpointsContext Create(IWorkspace workspace) => new()
    {
        Workspace = workspace,
        Daemon = DaemonCommandFor(workspace.Info.Location),
        Who = Environment.UserName,
        // As for 'mlp image': a templates/ folder in the current folder overrides the built-in manifests.
        Kubernetes = new KubernetesOptions { TemplatesDirectory = Directory.Exists("templates") ? Path.GetFullPath("templates") : null },
    };

    /// <summary><c>mlp endpoint daemon --workspace DIR</c>, run the same way this process was (apphost or <c>dotnet mlp.dll</c>).</summary>
    public static DaemonCommand DaemonCommandFor(string workspace)
    {
        string[] tail = ["endpoint", "daemon", "--workspace", workspace];
        var host = Environment.ProcessPath ?? "dotnet";
        var self = typeof(EndpointCliContext).Assembly.Location;
        return Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? new DaemonCommand(host, [self, .. tail])
            : new DaemonCommand(host, tail);
    }

    public static string Mask(string key, bool show) => show || key.Length <= 4 ? key : key[..4] + new string('*', 12);
}
