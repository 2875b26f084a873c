using MlPipelines.Core.Errors;

namespace MlPipelines.Workspace;

/// <summary>Finds the workspace a command uses: <c>--workspace PATH</c>, then <c>MLP_WORKSPACE</c>, then the nearest <c>.mlp/</c> up from the current folder.</summary>
public static class WorkspaceLocator
{
    /// <summary>The environment variable naming a workspace.</summary>
    public const string EnvironmentVariable = "MLP_WORKSPACE";

    /// <summary>Returns the full path of the <c>.mlp</c> folder to use, or throws Invalid naming all three sources.</summary>
    public static string Resolve(string? explicitPath, string currentDirectory, IReadOnlyDictionary<string, string?> env)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath)) return FromSetting("--workspace", explicitPath, currentDirectory);
        if (env.TryGetValue(EnvironmentVariable, out var fromEnv) && !string.IsNullOrWhiteSpace(fromEnv))
            return FromSetting(EnvironmentVariable, fromEnv, currentDirectory);
        for (var dir = new DirectoryInfo(Path.GetFullPath(currentDirectory)); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, WorkspaceLayout.FolderName);
            if (File.Exists(Path.Combine(candidate, "workspace.db"))) return candidate;
        }
        throw MlpException.Invalid(
            $"No workspace found: no --workspace option was given, {EnvironmentVariable} is not set, and there is no {WorkspaceLayout.FolderName}/ folder in '{Path.GetFullPath(currentDirectory)}' or any folder above it. " +
            "Run 'mlp workspace init' to create one, or pass --workspace PATH.");
    }

    /// <summary>Resolves with the process environment and current folder, then opens the local workspace.</summary>
    public static LocalWorkspace Open(string? explicitPath, LocalWorkspaceOptions? options = null)
    {
        var env = new Dictionary<string, string?> { [EnvironmentVariable] = Environment.GetEnvironmentVariable(EnvironmentVariable) };
        return LocalWorkspace.Open(Resolve(explicitPath, Directory.GetCurrentDirectory(), env), options);
    }

    /// <summary>True when <paramref name="value"/> is an http(s) URL (a remote workspace).</summary>
    public static bool IsUrl(string value) =>
        value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    private static string FromSetting(string source, string value, string currentDirectory)
    {
        if (IsUrl(value))
            throw MlpException.Invalid($"{source} '{value}' is a URL: open it with WorkspaceConnector (MlPipelines.Workspace.Remote), not as a folder.");
        var full = Path.GetFullPath(Path.Combine(currentDirectory, value));
        return FindMlpDirectory(full)
               ?? throw MlpException.Invalid($"{source} '{value}' is not a workspace: '{full}' holds no {WorkspaceLayout.FolderName}/workspace.db. Run 'mlp workspace init {value}' to create one.");
    }

    /// <summary>The <c>.mlp</c> folder for a path that is either that folder or its parent, or null.</summary>
    internal static string? FindMlpDirectory(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(Path.Combine(full, "workspace.db"))) return full;
        var nested = Path.Combine(full, WorkspaceLayout.FolderName);
        return File.Exists(Path.Combine(nested, "workspace.db")) ? nested : null;
    }
}
