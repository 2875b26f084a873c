using System.Runtime.InteropServices;

namespace MlPipelines.Core.Hashing;

/// <summary>Size, modification time and inode of a file: the key of the file-hash index.</summary>
public readonly record struct FileIdentity(string FullPath, long Size, long MtimeTicks, long Inode)
{
    /// <summary>The identity of a file as it is now (inode 0 where the platform has none).</summary>
    public static FileIdentity Of(FileInfo file) =>
        new(file.FullName, file.Length, file.LastWriteTimeUtc.Ticks, InodeOf(file.FullName));

    /// <summary>The inode number of a file on Linux; 0 elsewhere or when it cannot be read.</summary>
    public static long InodeOf(string path)
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
