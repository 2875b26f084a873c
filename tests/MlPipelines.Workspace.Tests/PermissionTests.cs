namespace MlPipelines.Workspace.Tests;

/// <summary>.mlp/ is private to its owner whatever the umask, and Stats() warns when it is not.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class PermissionTests : IDisposable
{
    private const UnixFileMode Rwx = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode Rw = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Init_FoldersDatabaseAndBlobs_0700And0600()
    {
        using var ws = LocalWorkspace.Init(_dir.Path);
        var blob = ws.Artifacts.PutFile(_dir.Write("x.txt", "content"));
        ws.Runs.CreateRun(new Core.Runs.NewRun("e", "r"));
        var mlp = _dir.Combine(".mlp");
        Assert.Equal(Rwx, File.GetUnixFileMode(mlp));
        Assert.Equal(Rwx, File.GetUnixFileMode(Path.Combine(mlp, "artifacts")));
        Assert.Equal(Rwx, File.GetUnixFileMode(Path.Combine(mlp, "tmp")));
        Assert.Equal(Rwx, File.GetUnixFileMode(Path.GetDirectoryName(((Artifacts.LocalArtifactStore)ws.Artifacts).PathOf(blob.Hash))!));
        Assert.Equal(Rw, File.GetUnixFileMode(((Artifacts.LocalArtifactStore)ws.Artifacts).PathOf(blob.Hash)));
        foreach (var db in new[] { "workspace.db", "workspace.db-wal", "workspace.db-shm" })
            Assert.Equal(Rw, File.GetUnixFileMode(Path.Combine(mlp, db)));
        Assert.Empty(ws.Stats().Warnings);
    }

    [Fact]
    public void Stats_LooserModes_WarnNamingPathModeAndChmod()
    {
        using var ws = LocalWorkspace.Init(_dir.Path);
        var mlp = _dir.Combine(".mlp");
        File.SetUnixFileMode(mlp, Rwx | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(Path.Combine(mlp, "workspace.db"), Rw | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var warnings = ws.Stats().Warnings;
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, w => w.Contains($"'{mlp}' has mode 0755") && w.Contains("chmod -R go-rwx"));
        Assert.Contains(warnings, w => w.Contains($"'{Path.Combine(mlp, "workspace.db")}' has mode 0644") && w.Contains("0600"));
    }
}
