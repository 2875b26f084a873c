using MlPipelines.Core.Errors;
using Npgsql;

namespace MlPipelines.Server.Store;

/// <summary>
/// A PostgreSQL database holding the server's metadata (schema <c>mlp_server</c>) and one schema per hosted workspace.
/// </summary>
/// <param name="ConnectionString">An Npgsql connection string (it may hold the password: print <see cref="ServerStoreAddress.Display"/>).</param>
public sealed record PostgresStoreAddress(string ConnectionString) : ServerStoreAddress
{
    /// <inheritdoc />
    public override string Display
    {
        get
        {
            var b = new NpgsqlConnectionStringBuilder(ConnectionString);
            var user = string.IsNullOrEmpty(b.Username) ? "" : Uri.EscapeDataString(b.Username) + "@";
            var host = b.Host is { } h && h.Contains(':') && !h.StartsWith('[') ? $"[{h}]" : b.Host;
            return $"postgresql://{user}{host}:{b.Port}/{Uri.EscapeDataString(b.Database ?? "")}";
        }
    }

    // libpq's URI query parameters that have an Npgsql equivalent under another name; others are tried as Npgsql keywords.
    private static readonly Dictionary<string, string> LibpqNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode", ["sslrootcert"] = "Root Certificate", ["sslcert"] = "SSL Certificate", ["sslkey"] = "SSL Key",
        ["sslpassword"] = "SSL Password", ["connect_timeout"] = "Timeout", ["application_name"] = "Application Name",
        ["target_session_attrs"] = "Target Session Attributes", ["user"] = "Username", ["dbname"] = "Database",
    };

    private static readonly Dictionary<string, string> SslModes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["disable"] = "Disable", ["allow"] = "Allow", ["prefer"] = "Prefer", ["require"] = "Require",
        ["verify-ca"] = "VerifyCA", ["verify-full"] = "VerifyFull",
    };

    /// <summary>
    /// Parses <c>postgresql://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=…</c> (or <c>postgres://</c>; user and password
    /// percent-encoded, port 5432 by default, IPv6 hosts in brackets). Without a password in the URI, Npgsql looks in
    /// <c>PGPASSWORD</c> and <c>~/.pgpass</c>. Any problem is InvalidInput naming <c>--store</c>; no message shows the password.
    /// </summary>
    public static PostgresStoreAddress Parse(string uri)
    {
        const string form = "postgresql://USER:PASSWORD@HOST:PORT/DATABASE[?sslmode=require]";
        MlpException Bad(string why) => MlpException.Invalid($"--store '{Redact(uri)}' is not a valid PostgreSQL address: {why}; expected {form}.");

        if (uri.Contains('#')) throw Bad("a '#' (in the password, say) must be written %23");
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var u) || u.Scheme is not ("postgresql" or "postgres"))
            throw Bad("it does not parse as a URI");
        if (string.IsNullOrEmpty(u.Host)) throw Bad("the host is missing");
        var database = Uri.UnescapeDataString(u.AbsolutePath.TrimStart('/'));
        if (database.Length == 0 || database.Contains('/')) throw Bad("name exactly one database after the host");

        var b = new NpgsqlConnectionStringBuilder
        {
            Host = u.Host.StartsWith('[') ? u.Host[1..^1] : u.Host,
            Port = u.IsDefaultPort || u.Port < 0 ? 5432 : u.Port,
            Database = database,
        };
        var userInfo = u.GetComponents(UriComponents.UserInfo, UriFormat.UriEscaped);
        if (userInfo.Length > 0)
        {
            var colon = userInfo.IndexOf(':');
            b.Username = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[..colon]);
            if (colon >= 0) b.Password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
        }
        foreach (var pair in u.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            if (key.Replace(" ", "").Replace("_", "").Equals("searchpath", StringComparison.OrdinalIgnoreCase) || key.Equals("options", StringComparison.OrdinalIgnoreCase))
                throw Bad($"'{key}' cannot be set: the server chooses its schemas (mlp_server, and one per workspace)");
            if (key.Equals("sslmode", StringComparison.OrdinalIgnoreCase))
                value = SslModes.TryGetValue(value, out var mode) ? mode
                    : throw Bad($"sslmode '{value}' is not one of {string.Join(", ", SslModes.Keys)}");
            try { b[LibpqNames.GetValueOrDefault(key, key)] = value; }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
            {
                throw Bad(key.Contains("password", StringComparison.OrdinalIgnoreCase)
                    ? $"the parameter '{key}' is not valid"
                    : $"the parameter '{key}={value}' is not valid ({e.Message.Split('\n')[0].TrimEnd('.')})");
            }
        }
        return new PostgresStoreAddress(b.ConnectionString);
    }

    /// <summary>The URI with its password (in the user part or a <c>password=</c> parameter) replaced by <c>***</c>.</summary>
    public static string Redact(string uri)
    {
        var s = System.Text.RegularExpressions.Regex.Replace(uri, "(?i)(password=)[^&]*", "$1***");
        var start = s.IndexOf("://", StringComparison.Ordinal);
        var at = s.LastIndexOf('@');
        if (start < 0 || at < start) return s;
        var colon = s.IndexOf(':', start + 3);
        return colon >= 0 && colon < at ? s[..(colon + 1)] + "***" + s[at..] : s;
    }
}
