using MlPipelines.Workspace.Remote;
using System.CommandLine;
using System.Text.Json;
using MlPipelines.Cli.Infrastructure;
using MlPipelines.Core.Errors;
using MlPipelines.Server.Client;

namespace MlPipelines.Cli.Commands;

/// <summary>The options and helpers shared by commands that talk to a workspace server.</summary>
internal static class ServerConnection
{
    public static Option<string?> ServerOption() => new("--server")
    {
        Description = "Server URL (https://HOST:PORT). Default: from --workspace URL, $MLP_SERVER, or the only server you logged in to.",
    };

    /// <summary>A client for the server named by --server, a --workspace URL, MLP_SERVER or the credentials file.</summary>
    public static ServerClient Connect(CliContext ctx, Option<string?> server)
    {
        var url = ctx.Get(server) ?? (WorkspaceUrl(ctx) is { } u ? Credentials.Normalize(u) : null);
        return new ServerClient(Credentials.ForCurrentUser().Resolve(url));
    }

    /// <summary>The workspace name given by --workspace (a bare NAME, or https://HOST:PORT/workspaces/NAME), or null.</summary>
    public static string? WorkspaceName(CliContext ctx)
    {
        if (ctx.WorkspaceOption is not { } w) return null;
        if (WorkspaceUrl(ctx) is { } url)
        {
            var segments = new Uri(url).AbsolutePath.Trim('/').Split('/');
            if (segments is ["workspaces", var name]) return name;
            throw MlpException.Invalid($"--workspace '{w}' is a URL but not https://HOST:PORT/workspaces/NAME.");
        }
        return w;
    }

    private static string? WorkspaceUrl(CliContext ctx) =>
        ctx.WorkspaceOption is { } w && (w.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || w.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ? w : null;

    public static string Str(this JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString()!,
            JsonValueKind.Null or JsonValueKind.Undefined => "",
            JsonValueKind.Array => string.Join(", ", v.EnumerateArray().Select(x => x.ToString())),
            _ => v.ToString(),
        } : "";

    public static string Time(this JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? CliOutput.Format(v.GetDateTimeOffset()) : "";

    public static void PrintJson(this CliContext ctx, JsonElement value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, CliOutput.Json));
}
