using MlPipelines.Workspace.Remote;
using System.CommandLine;
using MlPipelines.Cli.Infrastructure;
using MlPipelines.Core.Errors;
using MlPipelines.Server.Client;

namespace MlPipelines.Cli.Commands;

/// <summary><c>mlp login URL</c>: checks a token against the server and keeps it in the credentials file (0600).</summary>
internal static class LoginCommand
{
    public static Command Build()
    {
        var url = new Argument<string>("url") { Description = "Server URL, e.g. https://mlp.example.org:8443." };
        var ca = new Option<string?>("--ca-cert") { Description = "PEM certificate to trust for this server (e.g. its dev-cert.pem); default $MLP_CA_CERT." };
        return new Command("login", "Store an API token for a server in ~/.config/mlp/credentials (0600). The token is read from $MLP_TOKEN or standard input, never from the command line.")
            .With(url, ca)
            .HandleAsync(async ctx =>
            {
                var server = Credentials.Normalize(ctx.Get(url));
                var token = Environment.GetEnvironmentVariable("MLP_TOKEN") is { Length: > 0 } t ? t : ReadToken();
                var caCert = ctx.Get(ca) ?? Environment.GetEnvironmentVariable("MLP_CA_CERT");
                if (caCert is not null && !File.Exists(caCert)) throw MlpException.Invalid($"--ca-cert '{caCert}' does not exist.");
                var login = new ServerLogin(server, token, caCert is null ? null : Path.GetFullPath(caCert));
                using var client = new ServerClient(login);
                var me = await client.GetAsync("/api/v1/me", ctx.Cancellation);
                var credentials = Credentials.ForCurrentUser();
                credentials.Save(login);
                var name = me.GetProperty("principal").Str("name");
                if (ctx.Output.IsJson) ctx.PrintJson(me);
                else ctx.Output.Line($"Logged in to {server} as '{name}'; token kept in {credentials.Path}.");
                return 0;
            });
    }

    private static string ReadToken()
    {
        if (!Console.IsInputRedirected) Console.Error.Write("Token: ");
        var line = Console.In.ReadLine()?.Trim();
        return string.IsNullOrEmpty(line) ? throw MlpException.Invalid("No token given: pipe it on standard input or set MLP_TOKEN.") : line;
    }
}
