using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;
using MlPipelines.Workspace.Remote.Http;
using MlPipelines.Workspace.Remote.Stores;

namespace MlPipelines.Server.Tests.Remote;

/// <summary>IRunStore.DeleteOutputs through the remote client and <c>DELETE …/runs/{id}/outputs?path=</c>.</summary>
public class RemoteOutputDeletionTests
{
    [Fact]
    public async Task DeleteOutputs_FileFolderAll_CountedByTheServer_UnknownRunNotFound_ReaderRefused()
    {
        await using var s = await RemoteWorkspaceServer.StartAsync();
        using var http = s.Connect();
        var runs = new RemoteRunStore(http, new WorkspacePaths(RemoteWorkspaceServer.Workspace));
        var blob = RemoteWorkspaceServer.Stores(http).Artifacts.PutStream(new MemoryStream([7, 7, 7]));
        var id = runs.CreateRun(new NewRun("e")).Id;
        foreach (var p in new[] { "m/a.bin", "m/b/c.bin", "m2.bin", "x.txt" }) runs.AddOutput(id, new RunOutput(p, blob.Hash, blob.Size));

        Assert.Equal(1, runs.DeleteOutputs(id, "x.txt"));
        Assert.Equal(2, runs.DeleteOutputs(id, "m"));
        Assert.Equal(["m2.bin"], runs.GetOutputs(id).Select(o => o.Path));
        Assert.Equal(1, runs.DeleteOutputs(id, null));
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<MlpException>(() => runs.DeleteOutputs("no-such-run", null)).Kind);
        Assert.Equal(ErrorKind.InvalidInput, Assert.Throws<MlpException>(() => runs.DeleteOutputs(id, "../x")).Kind);

        using var reader = s.Connect(await s.TokenFor("ana", "Reader"));
        var denied = Assert.Throws<MlpException>(() => new RemoteRunStore(reader, new WorkspacePaths(RemoteWorkspaceServer.Workspace)).DeleteOutputs(id, null));
        Assert.Contains("workspaces/experiments/runs/write", denied.Message);
    }
}
