namespace MlPipelines.Server.Api;

/// <summary>Files and folders only the server's user can read (0600 / 0700), whatever the umask.</summary>
internal static class PrivateFiles
{
    private const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Folder = File | UnixFileMode.UserExecute;

    /// <summary>Creates a new file 0600 for writing (fails if it exists).</summary>
    public static FileStream Create(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, Options = FileOptions.Asynchronous, BufferSize = 1 << 16 };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = File;
        return new FileStream(path, options);
    }

    /// <summary>Creates a folder 0700 if it is missing.</summary>
    public static void CreateFolder(string path)
    {
        if (Directory.Exists(path)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, Folder);
    }
}
