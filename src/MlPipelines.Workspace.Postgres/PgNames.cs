namespace MlPipelines.Workspace.Postgres;

/// <summary>PostgreSQL identifiers: quoting, and the first schema of a <c>search_path</c> value.</summary>
internal static class PgNames
{
    /// <summary>PostgreSQL's identifier limit (NAMEDATALEN - 1 bytes); longer names are cut silently by the server.</summary>
    public const int MaxIdentifierLength = 63;

    /// <summary>The identifier in double quotes (embedded quotes doubled), safe to splice into SQL.</summary>
    public static string Quote(string identifier)
    {
        if (identifier.Length == 0 || identifier.Contains('\0'))
            throw new ArgumentException($"'{identifier}' is not a PostgreSQL identifier.", nameof(identifier));
        return "\"" + identifier.Replace("\"", "\"\"") + "\"";
    }

    /// <summary>
    /// The first schema named by a search path (<c>ws_team, public</c> or <c>"Ws-Team", public</c>) as PostgreSQL reads
    /// it — unquoted names fold to lower case — or null when the path is empty or starts with <c>$user</c>.
    /// </summary>
    public static string? FirstOfSearchPath(string? searchPath)
    {
        var path = (searchPath ?? "").TrimStart();
        if (path.Length == 0) return null;
        if (path[0] == '"')
        {
            var sb = new System.Text.StringBuilder();
            for (var i = 1; i < path.Length; i++)
            {
                if (path[i] != '"') { sb.Append(path[i]); continue; }
                if (i + 1 < path.Length && path[i + 1] == '"') { sb.Append('"'); i++; continue; }
                return sb.Length == 0 ? null : sb.ToString();
            }
            return null; // unterminated quote: let the server report it
        }
        var end = path.IndexOf(',');
        var first = (end < 0 ? path : path[..end]).Trim();
        return first.Length == 0 || first == "$user" ? null : first.ToLowerInvariant();
    }
}
