using MlPipelines.Core.Errors;

namespace MlPipelines.Compute;

/// <summary>Finds the program of a job the way a shell would (PATH lookup for bare names).</summary>
internal static class ExecutableResolver
{
    internal static string Resolve(string fileName, string? workingDirectory)
    {
        if (string.IsNullOrWhiteSpace(fileName)) throw MlpException.Invalid("The command is empty; expected a program name such as 'python3' or 'dotnet'.");
        if (fileName.Contains('/') || fileName.Contains('\\'))
        {
            var full = Path.GetFullPath(fileName, workingDirectory ?? Environment.CurrentDirectory);
            return File.Exists(full) ? full : throw MlpException.Failed($"Command '{fileName}' does not exist (looked at '{full}').");
        }
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var exts = OperatingSystem.IsWindows() ? new[] { "", ".exe", ".cmd", ".bat" } : new[] { "" };
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            foreach (var ext in exts)
            {
                var candidate = Path.Combine(dir, fileName + ext);
                if (File.Exists(candidate)) return candidate;
            }
        throw MlpException.Failed($"Command '{fileName}' was not found on PATH.");
    }
}
