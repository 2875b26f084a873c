namespace MlPipelines.Workspace;

/// <summary>The on-disk layout of a local workspace folder (<c>.mlp/</c>).</summary>
internal sealed record WorkspaceLayout(string MlpDirectory)
{
    public const string FolderName = ".mlp";
    public string Database => Path.Combine(MlpDirectory, "workspace.db");
    public string Artifacts => Path.Combine(MlpDirectory, "artifacts");
    public string Temp => Path.Combine(MlpDirectory, "tmp");
    public string Datastores => Path.Combine(MlpDirectory, "datastores");
}
