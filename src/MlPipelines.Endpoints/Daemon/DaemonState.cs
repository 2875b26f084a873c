using System.Text.Json;

namespace MlPipelines.Endpoints.Daemon;

/// <summary>What a running endpoint daemon writes to <c>endpoints/daemon.json</c>: its pid and loopback admin port.</summary>
/// <param name="Pid">Daemon process id.</param>
/// <param name="AdminPort">Port of its admin API on 127.0.0.1.</param>
/// <param name="StartedAt">Start time.</param>
public sealed record DaemonState(int Pid, int AdminPort, DateTimeOffset StartedAt)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Admin base address.</summary>
    public string AdminAddress => $"http://127.0.0.1:{AdminPort}";

    /// <summary>Reads the state file, or null when absent or unreadable.</summary>
    public static DaemonState? Load(string path)
    {
        try { return File.Exists(path) ? JsonSerializer.Deserialize<DaemonState>(File.ReadAllText(path), Json) : null; }
        catch (Exception e) when (e is IOException or JsonException) { return null; }
    }

    /// <summary>Writes the state file atomically.</summary>
    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var tmp = path + "." + Pid + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(this, Json));
        File.Move(tmp, path, overwrite: true);
    }
}

/// <summary>How to start the endpoint daemon process, e.g. <c>mlp endpoint daemon --workspace DIR</c>.</summary>
/// <param name="FileName">Executable.</param>
/// <param name="Arguments">Arguments.</param>
public sealed record DaemonCommand(string FileName, IReadOnlyList<string> Arguments);
