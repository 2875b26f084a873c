namespace MlPipelines.Workspace;

/// <summary>
/// Keeps a workspace private to its owner whatever the umask: folders 0700, the database (and -wal/-shm) and blobs
/// 0600, set explicitly after creation; <see cref="Check"/> names what is looser and the chmod that fixes it.
/// </summary>
internal static class WorkspacePermissions
{
    public const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates a folder (if missing) and makes it 0700 when this call created it.</summary>
    public static void CreateFolder(string path)
    {
        if (Directory.Exists(path)) return;
        if (OperatingSystem.IsWindows()) { Directory.CreateDirectory(path); return; }
        Directory.CreateDirectory(path, Folder);
        System.IO.File.SetUnixFileMode(path, Folder);
    }

    /// <summary>Sets a file just created to 0600.</summary>
    public static void MakePrivate(string path)
    {
        if (!OperatingSystem.IsWindows()) System.IO.File.SetUnixFileMode(path, File);
    }

    /// <summary>Creates an empty database file 0600 (SQLite gives -wal and -shm the database file's mode).</summary>
    public static void CreateDatabaseFile(string path)
    {
        if (System.IO.File.Exists(path)) return;
        using (System.IO.File.Create(path)) { }
        MakePrivate(path);
    }

    /// <summary>One warning per path whose mode lets group or others in.</summary>
    public static IReadOnlyList<string> Check(WorkspaceLayout layout)
    {
        if (OperatingSystem.IsWindows()) return [];
        var warnings = new List<string>();
        foreach (var dir in new[] { layout.MlpDirectory, layout.Artifacts, layout.Temp })
            Add(warnings, dir, Folder, "700");
        foreach (var db in new[] { layout.Database, layout.Database + "-wal", layout.Database + "-shm" })
            Add(warnings, db, File, "600");
        return warnings;
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Add(List<string> warnings, string path, UnixFileMode wanted, string octal)
    {
        if (!System.IO.File.Exists(path) && !Directory.Exists(path)) return;
        var mode = System.IO.File.GetUnixFileMode(path);
        if ((mode & ~wanted) == 0) return;
        warnings.Add($"'{path}' has mode {Convert.ToString((int)mode, 8).PadLeft(4, '0')}, looser than {octal.PadLeft(4, '0')}: other users may read the workspace. Fix: chmod -R go-rwx '{path}'");
    }
}
