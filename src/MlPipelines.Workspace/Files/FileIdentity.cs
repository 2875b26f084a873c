using System.Runtime.InteropServices;

namespace MlPipelines.Workspace.Files;

/// <summary>Size, modification time and inode of a file: the key of the file-hash index.</summary>
internal readonly record struct FileIdentity(string FullPath, long Size, long MtimeTicks, long Inode)
{
    public static FileIdentity Of(FileInfo file) =>
        new(file.FullName, file.Length, file.LastWriteTimeUtc.Ticks, InodeOf(file.FullName));

    private static long InodeOf(string path)
    {
        if (!OperatingSystem.IsLinux()) return 0;
        try
        {
            // struct stat on Linux x86-64 and arm64 starts with st_dev (8 bytes) then st_ino (8 bytes).
            var buffer = new byte[256];
            return stat(path, buffer) != 0 ? 0 : BitConverter.ToInt64(buffer, 8);
        }
        catch (EntryPointNotFoundException) { return 0; }
        catch (DllNotFoundException) { return 0; }
    }

    [DllImport("libc", EntryPoint = "stat", SetLastError = true, CharSet = CharSet.Ansi)]
    private static extern int stat(string path, byte[] buf);
}
