using System.Security.Cryptography;

namespace MlPipelines.Endpoints.Local;

/// <summary>
/// The internal per-deployment secret with which the endpoint router authenticates to instances (header
/// <see cref="Scoring.Hosting.ScoringHostCommandLine.InstanceSecretHeader"/>). It reaches an instance only through the environment
/// variable <see cref="Scoring.Hosting.ScoringHostCommandLine.InstanceSecretEnvironmentVariable"/>, never its command line, and
/// is never logged. Local instances get a fresh one in memory each time the daemon starts them; docker instances get one
/// kept in a <c>0600</c> file next to the deployment so the daemon's router can read it.
/// </summary>
public static class InstanceSecrets
{
    /// <summary>A new random secret (256 bits, hex).</summary>
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>Writes <paramref name="secret"/> to <paramref name="path"/> readable by the owner only.</summary>
    public static void Save(string path, string secret)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var tmp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(tmp, options))
        using (var writer = new StreamWriter(stream)) writer.Write(secret);
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>The secret saved at <paramref name="path"/>, or null when there is none.</summary>
    public static string? Load(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() is { Length: > 0 } s ? s : null : null;
}
