using System.Text.Json;
using MlPipelines.Core.Errors;

namespace MlPipelines.Workspace.Remote;

/// <summary>A server the user logged in to: its URL, token and optional CA certificate.</summary>
public sealed record ServerLogin(string Url, string Token, string? CaCert);

/// <summary>
/// <c>~/.config/mlp/credentials</c> (or <c>$XDG_CONFIG_HOME/mlp/credentials</c>): JSON, one entry per server URL, file 0600
/// in a 0700 folder. <c>MLP_TOKEN</c> overrides the stored token; <c>MLP_CA_CERT</c> the stored CA certificate.
/// </summary>
public sealed class Credentials(string path)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The credentials file of the current user.</summary>
    public static Credentials ForCurrentUser()
    {
        var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } x ? x
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return new Credentials(System.IO.Path.Combine(config, "mlp", "credentials"));
    }

    /// <summary>The file.</summary>
    public string Path { get; } = path;

    /// <summary>Every stored login.</summary>
    public IReadOnlyList<ServerLogin> List()
    {
        if (!File.Exists(Path)) return [];
        try { return JsonSerializer.Deserialize<List<ServerLogin>>(File.ReadAllText(Path), Json) ?? []; }
        catch (JsonException e) { throw MlpException.Invalid($"The credentials file '{Path}' is not valid JSON ({e.Message}); fix or delete it and log in again."); }
    }

    /// <summary>Adds or replaces the login of a server, writing the file 0600 atomically.</summary>
    public void Save(ServerLogin login)
    {
        var all = List().Where(l => !SameServer(l.Url, login.Url)).Append(login).ToList();
        var dir = System.IO.Path.GetDirectoryName(Path)!;
        if (!Directory.Exists(dir))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
            else Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var tmp = Path + ".tmp";
        File.WriteAllText(tmp, "");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(tmp, JsonSerializer.Serialize(all, Json));
        File.Move(tmp, Path, overwrite: true);
    }

    /// <summary>
    /// The server to talk to and how: <paramref name="server"/> (or <c>MLP_SERVER</c>, or the only stored login), with
    /// <c>MLP_TOKEN</c> winning over the stored token.
    /// </summary>
    public ServerLogin Resolve(string? server)
    {
        var logins = List();
        var url = Normalize(server ?? Environment.GetEnvironmentVariable("MLP_SERVER") ?? (logins.Count == 1 ? logins[0].Url : null)
            ?? throw MlpException.Invalid(logins.Count == 0
                ? "No server given: pass --server URL (or set MLP_SERVER) after 'mlp login URL'."
                : $"Several servers are logged in ({string.Join(", ", logins.Select(l => $"'{l.Url}'"))}); pass --server URL."));
        var stored = logins.FirstOrDefault(l => SameServer(l.Url, url));
        var token = Environment.GetEnvironmentVariable("MLP_TOKEN") is { Length: > 0 } t ? t : stored?.Token
            ?? throw MlpException.Invalid($"No token for '{url}': run 'mlp login {url}' or set MLP_TOKEN.");
        var ca = Environment.GetEnvironmentVariable("MLP_CA_CERT") is { Length: > 0 } c ? c : stored?.CaCert;
        return new ServerLogin(url, token, ca);
    }

    /// <summary>The server base URL: scheme, host and port, no trailing slash or path.</summary>
    public static string Normalize(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme is not ("https" or "http"))
            throw MlpException.Invalid($"'{url}' is not a server URL; use https://HOST:PORT.");
        return u.GetLeftPart(UriPartial.Authority);
    }

    private static bool SameServer(string a, string b) => string.Equals(Normalize(a), Normalize(b), StringComparison.OrdinalIgnoreCase);
}
