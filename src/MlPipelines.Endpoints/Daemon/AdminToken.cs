using System.Security.Cryptography;
using System.Text;

namespace MlPipelines.Endpoints.Daemon;

/// <summary>
/// The secret that guards the endpoint daemon's admin API: generated at daemon start, kept in <c>endpoints/daemon.token</c>
/// readable by the owner only (<c>0600</c>), sent by <see cref="DaemonClient"/> as <c>Authorization: Bearer TOKEN</c>.
/// </summary>
public static class AdminToken
{
    /// <summary>Header scheme of the admin API.</summary>
    public const string Scheme = "Bearer";

    /// <summary>Creates a fresh token and writes it to <paramref name="path"/> with mode 0600 (the file is replaced, never widened).</summary>
    public static string Create(string path)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var tmp = $"{path}.{Environment.ProcessId}.tmp";
        File.Delete(tmp);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(tmp, options)) stream.Write(Encoding.ASCII.GetBytes(token));
        File.Move(tmp, path, overwrite: true);
        return token;
    }

    /// <summary>The token of the running daemon, or null when the file is absent or unreadable.</summary>
    public static string? Read(string path)
    {
        try { return File.Exists(path) ? File.ReadAllText(path).Trim() : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>True when an <c>Authorization</c> header value carries <paramref name="token"/> (constant-time comparison).</summary>
    public static bool Matches(string? authorization, string token)
    {
        if (authorization is null || !authorization.StartsWith(Scheme + " ", StringComparison.Ordinal)) return false;
        var given = Encoding.ASCII.GetBytes(authorization[(Scheme.Length + 1)..].Trim());
        return CryptographicOperations.FixedTimeEquals(given, Encoding.ASCII.GetBytes(token));
    }
}
