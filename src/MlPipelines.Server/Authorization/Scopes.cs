using MlPipelines.Core.Errors;

namespace MlPipelines.Server.Authorization;

/// <summary>
/// Scopes of role assignments, Azure-style paths: <c>/</c> is the whole server, <c>/workspaces/NAME</c> one workspace.
/// An assignment applies at its scope and every scope below it.
/// </summary>
public static class Scopes
{
    /// <summary>The whole server.</summary>
    public const string Server = "/";

    /// <summary>The scope of one workspace.</summary>
    public static string Workspace(string name) => "/workspaces/" + name;

    /// <summary>True when an assignment at <paramref name="assignment"/> applies to <paramref name="target"/>.</summary>
    public static bool Covers(string assignment, string target) =>
        assignment == Server
        || string.Equals(assignment, target, StringComparison.OrdinalIgnoreCase)
        || target.StartsWith(assignment + "/", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses <c>/</c> or <c>/workspaces/NAME</c>, or throws InvalidInput naming the accepted forms.</summary>
    public static string Parse(string scope)
    {
        if (scope == Server) return Server;
        const string prefix = "/workspaces/";
        if (scope.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && WorkspaceNames.Problem(scope[prefix.Length..]) is null)
            return Workspace(scope[prefix.Length..]);
        throw MlpException.Invalid($"Scope '{scope}' is not valid; use '/' (the whole server) or '/workspaces/NAME'.");
    }
}

/// <summary>Rules for workspace names on a server: they become folder names and URL segments.</summary>
public static class WorkspaceNames
{
    /// <summary>What is wrong with a name, or null: 1–64 letters, digits, '-', '_', starting with a letter or digit.</summary>
    public static string? Problem(string name)
    {
        if (name.Length is 0 or > 64) return $"workspace name '{name}' must be 1 to 64 characters";
        if (!char.IsAsciiLetterOrDigit(name[0])) return $"workspace name '{name}' must start with a letter or digit";
        foreach (var c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                return $"workspace name '{name}' has the character '{c}'; use letters, digits, '-' and '_'";
        return null;
    }

    /// <summary>Throws InvalidInput when the name is not valid.</summary>
    public static string Validate(string name) =>
        Problem(name) is { } p ? throw MlpException.Invalid(char.ToUpperInvariant(p[0]) + p[1..] + ".") : name;
}
