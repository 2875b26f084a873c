using System.Text;
using System.Text.RegularExpressions;

namespace MlPipelines.Workspace.Snapshots;

/// <summary>
/// The common gitignore syntax: blank lines and <c>#</c> comments skipped, <c>!</c> negates, a trailing <c>/</c>
/// matches folders only, a pattern with a <c>/</c> (other than trailing) is anchored to the file's folder, otherwise
/// it matches at any depth; <c>*</c>, <c>?</c>, <c>[a-z]</c> and <c>**</c> globs. The last matching rule wins.
/// </summary>
internal sealed class IgnoreRules
{
    private sealed record Rule(Regex Regex, bool Negate, bool DirectoryOnly, string BasePath);

    private readonly List<Rule> _rules = [];

    /// <summary>Adds the patterns of an ignore file found in <paramref name="basePath"/> (relative to the snapshot root, "" for the root).</summary>
    public void Add(string basePath, IEnumerable<string> lines)
    {
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd('\r');
            if (line.EndsWith(' ') && !line.EndsWith("\\ ")) line = line.TrimEnd(' ');
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var negate = false;
            if (line.StartsWith('!')) { negate = true; line = line[1..]; }
            else if (line.StartsWith("\\!") || line.StartsWith("\\#")) line = line[1..];
            var dirOnly = line.EndsWith('/');
            line = line.TrimEnd('/');
            if (line.Length == 0) continue;
            var anchored = line.Contains('/');
            line = line.TrimStart('/');
            var pattern = (anchored ? "" : "(?:.*/)?") + GlobToRegex(line);
            _rules.Add(new Rule(new Regex("^" + pattern + "$", RegexOptions.CultureInvariant), negate, dirOnly, basePath));
        }
    }

    /// <summary>True when the path (relative to the snapshot root, forward slashes) is ignored.</summary>
    public bool IsIgnored(string relativePath, bool isDirectory)
    {
        var ignored = false;
        foreach (var rule in _rules)
        {
            if (rule.DirectoryOnly && !isDirectory) continue;
            string local;
            if (rule.BasePath.Length == 0) local = relativePath;
            else if (relativePath.StartsWith(rule.BasePath + "/", StringComparison.Ordinal)) local = relativePath[(rule.BasePath.Length + 1)..];
            else continue;
            if (rule.Regex.IsMatch(local)) ignored = !rule.Negate;
        }
        return ignored;
    }

    internal static string GlobToRegex(string glob)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                var atStart = i == 0 || glob[i - 1] == '/';
                var slashAfter = i + 2 < glob.Length && glob[i + 2] == '/';
                if (atStart && slashAfter) { sb.Append("(?:.*/)?"); i += 2; }
                else { sb.Append(".*"); i += 1; }
            }
            else if (c == '*') sb.Append("[^/]*");
            else if (c == '?') sb.Append("[^/]");
            else if (c == '[')
            {
                var end = glob.IndexOf(']', i + 1);
                if (end < 0) { sb.Append("\\["); continue; }
                var body = glob[(i + 1)..end];
                if (body.StartsWith('!')) body = "^" + body[1..];
                sb.Append('[').Append(body.Replace("\\", "\\\\")).Append(']');
                i = end;
            }
            else if (c == '\\' && i + 1 < glob.Length) sb.Append(Regex.Escape(glob[++i].ToString()));
            else sb.Append(Regex.Escape(c.ToString()));
        }
        return sb.ToString();
    }
}
