using MlPipelines.Cli.Infrastructure;
using MlPipelines.Server.Hosting;
using MlPipelines.Workspace;
using MlPipelines.Workspace.Remote;

namespace MlPipelines.Cli.Commands;

/// <summary><c>mlp server --workspace PATH</c>: the MLflow API of one embedded workspace, with a token made for this start.</summary>
internal static class EmbeddedMlflowServer
{
    public static async Task<int> RunAsync(CliContext ctx, string workspace, string listen)
    {
        if (RemoteAddress.IsRemote(workspace))
            throw Core.Errors.MlpException.Invalid($"--workspace '{workspace}' is a server workspace, whose server already serves its MLflow API at that address; 'mlp server --workspace' serves an embedded workspace (a .mlp folder).");
        var endpoint = ServerOptions.ParseListen(listen);
        var location = WorkspaceLocator.Resolve(workspace, Directory.GetCurrentDirectory(), new Dictionary<string, string?>());
        if (!System.Net.IPAddress.IsLoopback(endpoint.Address))
            CliOutput.Warn($"listening on {listen}, beyond this machine: anyone who can reach it and holds the token can read and write workspace '{location}'. The certificate is self-signed.");
        await using var host = await EmbeddedMlflowHost.StartAsync(location, endpoint, ctx.Cancellation);
        if (ctx.Output.IsJson)
            ctx.Output.JsonValue(new { workspace = host.WorkspaceLocation, trackingUri = host.Url, token = host.OwnerToken, caCert = host.CaCertPath });
        else
        {
            Console.Out.WriteLine($"MLflow API of workspace '{host.WorkspaceLocation}' on {host.Url} (Ctrl+C to stop). For MLflow clients:");
            Console.Out.WriteLine($"export MLFLOW_TRACKING_URI={host.Url}");
            Console.Out.WriteLine($"export MLFLOW_TRACKING_TOKEN={host.OwnerToken}   # shown once; valid while this server runs");
            Console.Out.WriteLine($"export MLFLOW_TRACKING_SERVER_CERT_PATH={host.CaCertPath}");
        }
        await Console.Out.FlushAsync();
        try { await Task.Delay(Timeout.Infinite, ctx.Cancellation); }
        catch (OperationCanceledException) { }
        return 0;
    }
}
