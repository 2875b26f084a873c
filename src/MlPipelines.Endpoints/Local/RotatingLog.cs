using System.Text;

namespace MlPipelines.Endpoints.Local;

/// <summary>
/// An append-only log file capped at <c>maxBytes</c>: when a line would push it over, <c>LOG</c> becomes <c>LOG.1</c>
/// (<c>LOG.1</c> becomes <c>LOG.2</c>, …) and at most <c>files</c> files are kept, the oldest dropped. Thread-safe.
/// </summary>
internal sealed class RotatingLog(string path, long maxBytes, int files)
{
    private readonly Lock _lock = new();

    public string Path { get; } = path;

    public void WriteLine(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line + Environment.NewLine);
        lock (_lock)
        {
            var size = File.Exists(Path) ? new FileInfo(Path).Length : 0;
            if (size > 0 && size + bytes.Length > maxBytes) Rotate();
            using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            stream.Write(bytes, 0, (int)Math.Min(bytes.Length, Math.Max(maxBytes, 1))); // one huge line is cut at the cap
        }
    }

    private void Rotate()
    {
        var keep = Math.Max(files, 1);
        if (keep == 1) { File.Delete(Path); return; }
        File.Delete($"{Path}.{keep - 1}");
        for (var i = keep - 2; i >= 1; i--)
            if (File.Exists($"{Path}.{i}")) File.Move($"{Path}.{i}", $"{Path}.{i + 1}", overwrite: true);
        File.Move(Path, $"{Path}.1", overwrite: true);
    }
}
