using MlPipelines.Core.Hashing;

namespace MlPipelines.Server.Tests.Remote;

/// <summary>Measures managed memory, so it runs alone: other tests' allocations would blur the numbers.</summary>
[CollectionDefinition(nameof(MemoryMeasuring), DisableParallelization = true)]
public sealed class MemoryMeasuring;

/// <summary>A 100 MiB blob through the server: chunked upload with bounded memory, verified download.</summary>
[Collection(nameof(MemoryMeasuring))]
public class RemoteArtifactLargeBlobTests
{
    private const string Blobs = "/api/v1/workspaces/w/blobs/";
    private const string Uploads = "/api/v1/workspaces/w/uploads";

    [Fact]
    public async Task PutFile_100MegabyteFile_GoesInChunksWithBoundedMemoryAndDownloadsVerified()
    {
        await using var s = await RemoteWorkspaceServer.StartAsync();
        using var dir = new TempDir();
        var file = dir.Combine("big.bin");
        const long size = 100L * 1024 * 1024;
        var expected = RemoteArtifactStoreTests.WriteRandom(file, size);
        SpyHandler? spy = null;
        using var http = s.Connect(wrap: h => spy = new SpyHandler(h));
        var artifacts = RemoteWorkspaceServer.Stores(http).Artifacts;

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = baseline;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                await Task.Delay(5);
            }
        });
        var stored = artifacts.PutFile(file);
        stop.Cancel();
        await sampler;

        Assert.Equal(expected, stored.Hash);
        Assert.Equal(size, stored.Size);
        var chunks = spy!.Requests.Count(r => r.StartsWith("PUT " + Uploads));
        Assert.Equal((int)Math.Ceiling(size / (double)http.Options.UploadChunkBytes), chunks);
        Assert.DoesNotContain(spy.Requests, r => r.StartsWith("PUT " + Blobs));
        // Client and server share this process: together they stay within a few chunks, far below the file's size.
        Assert.True(peak - baseline < 40L * 1024 * 1024, $"managed memory grew by {(peak - baseline) / 1024 / 1024} MiB while uploading 100 MiB");
        Assert.Empty(Directory.GetFiles(Path.Combine(s.Scratch, "uploads"))); // the part file is gone once stored

        var copy = dir.Combine("copy.bin");
        artifacts.CopyTo(stored.Hash, copy);
        Assert.Equal(expected, ContentHash.OfFile(copy));
    }
}
