namespace MlPipelines.Server.Authorization;

/// <summary>
/// Azure role-definition wildcards: <c>*</c> matches any run of characters, slashes included, so <c>*</c> is every
/// action, <c>*/read</c> every read and <c>workspaces/computes/*</c> everything on computes. Matching ignores case.
/// </summary>
public static class ActionPattern
{
    /// <summary>True when <paramref name="action"/> matches <paramref name="pattern"/>.</summary>
    public static bool Matches(string pattern, string action) => Match(pattern.AsSpan(), action.AsSpan());

    /// <summary>Rejects empty patterns and characters an action never has.</summary>
    public static string? Problem(string pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern)) return "an action pattern is empty";
        foreach (var c in pattern)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '/' or '*' or '.' or '-' or '_'))
                return $"action pattern '{pattern}' has the character '{c}'; use letters, digits, '/', '.', '-', '_' and '*'";
        return null;
    }

    private static bool Match(ReadOnlySpan<char> p, ReadOnlySpan<char> s)
    {
        // Iterative glob with backtracking to the last '*': linear in practice, no regex.
        int pi = 0, si = 0, star = -1, mark = 0;
        while (si < s.Length)
        {
            if (pi < p.Length && p[pi] == '*') { star = pi++; mark = si; }
            else if (pi < p.Length && char.ToLowerInvariant(p[pi]) == char.ToLowerInvariant(s[si])) { pi++; si++; }
            else if (star >= 0) { pi = star + 1; si = ++mark; }
            else return false;
        }
        while (pi < p.Length && p[pi] == '*') pi++;
        return pi == p.Length;
    }
}
