using System.Text;
using System.Text.Json;

namespace MlPipelines.Containers;

/// <summary>A user name and password (or token) for an OCI registry.</summary>
/// <param name="Username">User name.</param>
/// <param name="Password">Password or access token.</param>
public sealed record RegistryCredentials(string Username, string Password)
{
    /// <summary>Credentials for <paramref name="registry"/> (e.g. <c>localhost:5000</c>) from the Docker config file
    /// (<c>$DOCKER_CONFIG/config.json</c> or <c>~/.docker/config.json</c>, section <c>auths</c>), or null.
    /// Credential helpers (<c>credsStore</c>) are not consulted.</summary>
    public static RegistryCredentials? FromDockerConfig(string registry, string? configPath = null)
    {
        configPath ??= Path.Combine(Environment.GetEnvironmentVariable("DOCKER_CONFIG")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker"), "config.json");
        if (!File.Exists(configPath)) return null;
        using var doc = JsonDocument.Parse(File.ReadAllBytes(configPath));
        if (!doc.RootElement.TryGetProperty("auths", out var auths) || auths.ValueKind != JsonValueKind.Object) return null;
        foreach (var entry in auths.EnumerateObject())
        {
            if (!SameRegistry(entry.Name, registry)) continue;
            var v = entry.Value;
            if (v.TryGetProperty("auth", out var auth) && auth.GetString() is { Length: > 0 } b64)
            {
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(b64));
                var colon = text.IndexOf(':');
                if (colon > 0) return new RegistryCredentials(text[..colon], text[(colon + 1)..]);
            }
            if (v.TryGetProperty("username", out var u) && v.TryGetProperty("password", out var p))
                return new RegistryCredentials(u.GetString() ?? "", p.GetString() ?? "");
        }
        return null;
    }

    /// <summary>The Engine API <c>X-Registry-Auth</c> header value (base64url JSON); anonymous when <paramref name="credentials"/> is null.</summary>
    public static string EngineAuthHeader(RegistryCredentials? credentials, string registry)
    {
        var json = credentials is null
            ? "{}"
            : JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["username"] = credentials.Username, ["password"] = credentials.Password, ["serveraddress"] = registry,
            });
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Not the password: only the user name is shown.</summary>
    public override string ToString() => $"RegistryCredentials({Username}, ***)";

    private static bool SameRegistry(string key, string registry)
    {
        var k = key.Replace("https://", "").Replace("http://", "").TrimEnd('/');
        var slash = k.IndexOf('/');
        if (slash >= 0) k = k[..slash];
        return string.Equals(k, registry, StringComparison.OrdinalIgnoreCase);
    }
}
