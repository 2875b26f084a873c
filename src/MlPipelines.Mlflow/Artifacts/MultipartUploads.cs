using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MlPipelines.Core.Workspaces;
using MlPipelines.Mlflow.Protocol;

namespace MlPipelines.Mlflow.Artifacts;

/// <summary>
/// The multipart uploads in progress of one workspace, kept in its scratch folder (<c>tmp/mlflow-mpu/UPLOAD_ID/</c>):
/// a manifest (the run, the target path, the SHA-256 of each part's URL token; never a token itself) and one file per
/// uploaded part. Nothing is recorded in the store until the upload is completed; abort or expiry deletes the folder.
/// </summary>
internal sealed class MultipartUploads(IWorkspace workspace)
{
    /// <summary>Most parts of one upload (S3's limit).</summary>
    public const int MaxParts = 10_000;

    /// <summary>How long an upload may stay open; older ones are refused and swept.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    private string Root => Path.Combine(workspace.ScratchDirectory, "mlflow-mpu");

    /// <summary>An open upload as its manifest records it.</summary>
    /// <param name="Id">The upload id (32 hex digits, unguessable).</param>
    /// <param name="RunId">The run the file is for.</param>
    /// <param name="ExperimentId">The MLflow id of its experiment.</param>
    /// <param name="Path">The run output the completed file becomes.</param>
    /// <param name="TokenHashes">SHA-256 (hex) of each part's URL token, part 1 first.</param>
    /// <param name="CreatedAt">When the upload was created (Unix ms).</param>
    public sealed record Upload(string Id, string RunId, string ExperimentId, string Path, IReadOnlyList<string> TokenHashes, long CreatedAt);

    /// <summary>Starts an upload of <paramref name="parts"/> parts; returns it and the URL token of each part (shown once).</summary>
    public (Upload Upload, IReadOnlyList<string> Tokens) Create(string runId, string experimentId, string path, int parts)
    {
        Sweep();
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var tokens = Enumerable.Range(0, parts).Select(_ => Base64Url(RandomNumberGenerator.GetBytes(32))).ToList();
        var upload = new Upload(id, runId, experimentId, path, tokens.Select(Hash).ToList(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var folder = Folder(id);
        CreatePrivateFolder(folder);
        File.WriteAllBytes(Path.Combine(folder, "manifest.json"), JsonSerializer.SerializeToUtf8Bytes(upload, Json));
        return (upload, tokens);
    }

    /// <summary>The open upload <paramref name="id"/>; RESOURCE_DOES_NOT_EXIST (naming it) for an unknown, finished, aborted or expired one.</summary>
    public Upload Get(string? id)
    {
        if (string.IsNullOrEmpty(id)) throw MlflowFields.Missing("upload_id");
        var manifest = IsId(id) ? Path.Combine(Folder(id), "manifest.json") : null;
        Upload? upload = null;
        try { if (manifest is not null) upload = JsonSerializer.Deserialize<Upload>(File.ReadAllBytes(manifest), Json); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { }
        if (upload is null || Expired(upload))
            throw new MlflowException(MlflowErrorCode.ResourceDoesNotExist,
                $"No multipart upload with upload_id '{Quote(id)}' is open in this workspace (it was never created, or was completed, aborted or expired after {Lifetime.TotalHours:0} hours).");
        return upload;
    }

    /// <summary>True when <paramref name="token"/> is the URL token of part <paramref name="part"/> (1-based) of <paramref name="upload"/>.</summary>
    public static bool Authorizes(Upload upload, int part, string? token) =>
        part >= 1 && part <= upload.TokenHashes.Count && token is { Length: > 0 }
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(token)), Encoding.ASCII.GetBytes(upload.TokenHashes[part - 1]));

    /// <summary>Where part <paramref name="part"/> of an upload is kept once uploaded.</summary>
    public string PartFile(Upload upload, int part) => Path.Combine(Folder(upload.Id), "part-" + part.ToString(CultureInfo.InvariantCulture));

    /// <summary>A fresh private file name in the upload's folder (a part is written there, then moved into place).</summary>
    public string TempFile(Upload upload) => Path.Combine(Folder(upload.Id), $"incoming-{Guid.NewGuid():N}");

    /// <summary>Removes an upload and its parts.</summary>
    public void Delete(Upload upload)
    {
        var folder = Folder(upload.Id);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private void Sweep()
    {
        if (!Directory.Exists(Root)) return;
        foreach (var folder in Directory.EnumerateDirectories(Root))
        {
            try
            {
                if (DateTime.UtcNow - Directory.GetCreationTimeUtc(folder) > Lifetime) Directory.Delete(folder, recursive: true);
            }
            catch (IOException) { } // another request is sweeping it
        }
    }

    private static bool Expired(Upload u) => DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeMilliseconds(u.CreatedAt) > Lifetime;

    private string Folder(string id) => Path.Combine(Root, id);

    private static bool IsId(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);

    private void CreatePrivateFolder(string folder)
    {
        Directory.CreateDirectory(Root);
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
        else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Quote(string s) => s.Length <= 100 ? s : s[..100] + "…";
}
