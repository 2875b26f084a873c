using MlPipelines.Core.Errors;

namespace MlPipelines.Compute;

/// <summary>
/// Finds the program of a job the way a shell would (PATH lookup for bare names). A program that is missing or not
/// executable is invalid input (<see cref="ErrorKind.InvalidInput"/>): the job never starts, and retrying cannot help.
/// </summary>
internal static class ExecutableResolver
{
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    internal static string Resolve(string fileName, string? workingDirectory)
    {
        if (string.IsNullOrWhiteSpace(fileName)) throw MlpException.Invalid("The command is empty; expected a program name such as 'python3' or 'dotnet'.");
        if (fileName.Contains('/') || fileName.Contains('\\'))
        {
            var full = Path.GetFullPath(fileName, workingDirectory ?? Environment.CurrentDirectory);
            if (Directory.Exists(full)) throw MlpException.Invalid($"Command '{fileName}' is a folder ('{full}'), not a program.");
            if (!File.Exists(full)) throw MlpException.Invalid($"Command '{fileName}' does not exist (looked at '{full}').");
            return Executable(fileName, full);
        }
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var exts = OperatingSystem.IsWindows() ? new[] { "", ".exe", ".cmd", ".bat" } : new[] { "" };
        string? notExecutable = null;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            foreach (var ext in exts)
            {
                var candidate = Path.Combine(dir, fileName + ext);
                if (!File.Exists(candidate)) continue;
                if (IsExecutable(candidate)) return candidate;
                notExecutable ??= candidate;
            }
        if (notExecutable is not null) return Executable(fileName, notExecutable);
        throw MlpException.Invalid($"Command '{fileName}' was not found on PATH; expected an installed program or a path such as './{fileName}'.");
    }

    private static string Executable(string fileName, string full) =>
        IsExecutable(full) ? full
            : throw MlpException.Invalid($"Command '{fileName}' ('{full}') is not executable; run 'chmod +x {full}' or start it through its interpreter.");

    private static bool IsExecutable(string path) =>
        OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & AnyExecute) != 0;
}
