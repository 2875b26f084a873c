using System.Text.Json;

namespace MlPipelines.Endpoints.Local;

/// <summary>
/// How the endpoint daemon starts one instance of a local deployment: a command whose arguments may contain
/// <c>{port}</c> (replaced by the instance's loopback port). Written by the local target next to the deployment's logs.
/// </summary>
public sealed record LaunchSpec
{
    /// <summary>Executable, e.g. <c>dotnet</c>.</summary>
    public required string FileName { get; init; }
    /// <summary>Arguments; <c>{port}</c> is replaced by the instance port.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];
    /// <summary>Extra environment variables.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    /// <summary>Working directory, or null for the deployment folder.</summary>
    public string? WorkingDirectory { get; init; }
    /// <summary>How long an instance may take to answer its readiness check before it counts as a failed start.</summary>
    public int StartupTimeoutMs { get; init; } = 60_000;
    /// <summary>Size at which an instance log is rotated (<c>instance-N.log</c> → <c>instance-N.log.1</c> …).</summary>
    public long LogMaxBytes { get; init; } = 10L * 1024 * 1024;
    /// <summary>How many files of an instance log are kept, the current one included.</summary>
    public int LogFiles { get; init; } = 3;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Writes the spec as JSON (atomically).</summary>
    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(this, Json));
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Reads a spec, or null when the file does not exist.</summary>
    public static LaunchSpec? Load(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<LaunchSpec>(File.ReadAllText(path), Json) : null;

    /// <summary>Arguments with the port filled in.</summary>
    public IEnumerable<string> ArgumentsFor(int port) =>
        Arguments.Select(a => a.Replace("{port}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
}
