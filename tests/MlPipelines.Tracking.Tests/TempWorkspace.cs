using MlPipelines.Workspace;

namespace MlPipelines.Tracking.Tests;

/// <summary>A fresh embedded workspace in a temp folder, deleted afterwards.</summary>
internal sealed class TempWorkspace : IDisposable
{
    public TempWorkspace()
    {
        Root = Path.Combine(Path.GetTempPath(), "mlp-tracking-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Root);
        Workspace = LocalWorkspace.Init(Root);
    }

    public string Root { get; }
    public LocalWorkspace Workspace { get; }

    public void Dispose()
    {
        Workspace.Dispose();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
