using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Hashing;
using MlPipelines.Workspace.Remote;

namespace MlPipelines.Server.Tests.Remote;

/// <summary>Blobs over HTTPS: uploads (single PUT and resumable chunks), verified downloads, Range, and refused input.</summary>
public class RemoteArtifactStoreTests
{
    private const string Blobs = "/api/v1/workspaces/w/blobs/";
    private const string Uploads = "/api/v1/workspaces/w/uploads";

    [Fact]
    public async Task PutFile_SmallFile_RoundTripsAndSkipsKnownBlobs()
    {
        await using var s = await RemoteWorkspaceServer.StartAsync();
        using var dir = new TempDir();
        SpyHandler? spy = null;
        using var http = s.Connect(wrap: h => spy = new SpyHandler(h));
        var artifacts = RemoteWorkspaceServer.Stores(http).Artifacts;
        var file = dir.Combine("a.txt");
        File.WriteAllText(file, "hello blobs");

        var stored = artifacts.PutFile(file);
        Assert.Equal(ContentHash.OfFile(file), stored.Hash);
        Assert.Equal(11, stored.Size);
        Assert.True(artifacts.Exists(stored.Hash));
        Assert.False(artifacts.Exists(ContentHash.OfText("nope")));
        using (var read = new StreamReader(artifacts.OpenRead(stored.Hash))) Assert.Equal("hello blobs", read.ReadToEnd());
        artifacts.CopyTo(stored.Hash, dir.Combine("out", "copy.txt"));
        Assert.Equal("hello blobs", File.ReadAllText(dir.Combine("out", "copy.txt")));
        Assert.Single(Directory.GetFiles(dir.Combine("out"))); // no temp file left next to it

        var puts = spy!.Requests.Count(r => r.StartsWith("PUT"));
        Assert.Equal(stored, artifacts.PutFile(file)); // the server has it: HEAD only
        Assert.Equal(puts, spy.Requests.Count(r => r.StartsWith("PUT")));
        Assert.Equal(stored.Hash, artifacts.PutStream(new MemoryStream("hello blobs"u8.ToArray())).Hash);
        Assert.Equal((11L, 1L), artifacts.Usage());
        Assert.Throws<MlpException>(() => artifacts.OpenRead(ContentHash.OfText("nope")));
    }

    [Fact]
    public async Task Download_BlobDamagedOnServer_ReadFailsClearlyAndNoDestinationWritten()
    {
        await using var s = await RemoteWorkspaceServer.StartAsync();
        using var dir = new TempDir();
        using var http = s.Connect();
        var artifacts = RemoteWorkspaceServer.Stores(http).Artifacts;
        File.WriteAllText(dir.Combine("a.txt"), "original");
        var hash = artifacts.PutFile(dir.Combine("a.txt")).Hash;
        File.WriteAllText(Path.Combine(s.Location, ".mlp", "artifacts", hash[..2], hash[2..]), "tampered");

        using (var stream = artifacts.OpenRead(hash))
        {
            var e = Assert.Throws<MlpException>(() => stream.CopyTo(Stream.Null));
            Assert.Contains(hash, e.Message);
            Assert.Contains(ContentHash.OfText("tampered"), e.Message);
        }
        var target = dir.Combine("out", "a.txt");
        Assert.Contains("nothing was written", Assert.Throws<MlpException>(() => artifacts.CopyTo(hash, target)).Message);
        Assert.Empty(Directory.GetFiles(dir.Combine("out")));
    }

    [Fact]
    public async Task UploadInChunks_SessionHalfUploaded_ClientResumesFromServerOffset()
    {
        await using var s = await RemoteWorkspaceServer.StartAsync();
        using var dir = new TempDir();
        using var raw = s.Server.Client(s.Server.AdminToken);
        var file = dir.Combine("f.bin");
        var hash = WriteRandom(file, 3 * 1024 * 1024 + 123);
        var bytes = File.ReadAllBytes(file);

        var id = (await (await raw.PostAsync(Uploads, null)).Json()).GetProperty("id").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal(HttpStatusCode.OK, (await raw.PutAsync($"{Uploads}/{id}?offset=0", Octets(bytes[..1_000_000]))).StatusCode);
        var wrong = await raw.PutAsync($"{Uploads}/{id}?offset=0", Octets(bytes[..10]));
        Assert.Equal(HttpStatusCode.Conflict, wrong.StatusCode);
        Assert.Contains("offset 1000000", (await wrong.Json()).GetProperty("error").GetString());
        Assert.Equal(1_000_000, (await (await raw.GetAsync($"{Uploads}/{id}")).Json()).GetProperty("offset").GetInt64());
        var part = Path.Combine(s.Scratch, "uploads", id + ".part");
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(part));

        SpyHandler? spy = null;
        using var http = s.Connect(options: new RemoteOptions { UploadChunkBytes = 1024 * 1024, GiveUpAfter = TimeSpan.FromSeconds(10) }, wrap: h => spy = new SpyHandler(h));
        var artifacts = RemoteWorkspaceServer.Stores(http).Artifacts;
        var stored = artifacts.UploadInChunks(file, hash, bytes.Length, id);

        Assert.Equal(hash, stored.Hash);
        Assert.StartsWith($"PUT {Uploads}/{id}?offset=1000000", spy!.Requests.First(r => r.StartsWith("PUT")));
        Assert.False(File.Exists(part));
        Assert.True(artifacts.Exists(hash));
        Assert.Equal(HttpStatusCode.NotFound, (await raw.GetAsync($"{Uploads}/{id}")).StatusCode);
    }

    [Fact]
    public async Task UploadInChunks_ChunkAnswerLost_RetryGets409AndCarriesOnFromServerOffset()
    {
        await using var s = await RemoteWorkspaceServer.StartAsync();
        using var dir = new TempDir();
        var file = dir.Combine("f.bin");
        var hash = WriteRandom(file, 5 * 1024 * 1024);
        SpyHandler? spy = null;
        using var http = s.Connect(options: new RemoteOptions { UploadChunkBytes = 1024 * 1024, GiveUpAfter = TimeSpan.FromSeconds(10) }, wrap: h => spy = new SpyHandler(h));
        var lost = 0;
        spy!.LoseAnswer = (request, _) => request.Method == HttpMethod.Put && request.RequestUri!.Query == "?offset=2097152" && lost++ == 0;

        var stored = RemoteWorkspaceServer.Stores(http).Artifacts.PutFile(file);

        Assert.Equal(hash, stored.Hash);
        Assert.Equal(2, spy.Requests.Count(r => r.EndsWith("?offset=2097152"))); // the lost answer, then 409 on the retry
        Assert.Single(spy.Requests, r => r.EndsWith("?offset=3145728"));
    }

    [Fact]
    public async Task PutBlob_BodyWithOtherHash_400NamingBothAndNothingStored()
    {
        await using var s = await RemoteWorkspaceServer.StartAsync();
        using var raw = s.Server.Client(s.Server.AdminToken);
        var claimed = ContentHash.OfText("what I say");
        var actual = ContentHash.OfText("what I send");

        var response = await raw.PutAsync(Blobs + claimed, Octets("what I send"u8.ToArray()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Json()).GetProperty("error").GetString()!;
        Assert.Contains(claimed, error);
        Assert.Contains(actual, error);
        Assert.Contains("nothing was stored", error);
        foreach (var h in new[] { claimed, actual })
            Assert.Equal(HttpStatusCode.NotFound, (await raw.SendAsync(new HttpRequestMessage(HttpMethod.Head, Blobs + h))).StatusCode);
        Assert.Equal(0, (await (await raw.GetAsync("/api/v1/workspaces/w/usage")).Json()).GetProperty("count").GetInt64());
        Assert.Empty(Directory.GetFiles(s.Scratch));

        // The same through an upload session: completing with the wrong hash stores nothing and discards the session.
        var id = (await (await raw.PostAsync(Uploads, null)).Json()).GetProperty("id").GetString()!;
        await raw.PutAsync($"{Uploads}/{id}?offset=0", Octets("what I send"u8.ToArray()));
        var complete = await raw.Post($"{Uploads}/{id}/complete", new { hash = claimed });
        Assert.Equal(HttpStatusCode.BadRequest, complete.StatusCode);
        Assert.Contains(actual, (await complete.Json()).GetProperty("error").GetString());
        Assert.Equal(0, (await (await raw.GetAsync("/api/v1/workspaces/w/usage")).Json()).GetProperty("count").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, (await raw.GetAsync($"{Uploads}/{id}")).StatusCode);
    }

    [Fact]
    public async Task GetBlob_RangeRequest_206WithTheSliceAndHashETag()
    {
        await using var s = await RemoteWorkspaceServer.StartAsync();
        using var raw = s.Server.Client(s.Server.AdminToken);
        var content = "0123456789abcdef"u8.ToArray();
        var hash = ContentHash.Of(content);
        Assert.Equal(HttpStatusCode.OK, (await raw.PutAsync(Blobs + hash, Octets(content))).StatusCode);

        var request = new HttpRequestMessage(HttpMethod.Get, Blobs + hash);
        request.Headers.Range = new RangeHeaderValue(2, 5);
        var response = await raw.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("2345", await response.Content.ReadAsStringAsync());
        Assert.Equal($"\"{hash}\"", response.Headers.ETag!.Tag);
        var head = await raw.SendAsync(new HttpRequestMessage(HttpMethod.Head, Blobs + hash));
        Assert.Equal(16, head.Content.Headers.ContentLength);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0")]
    [InlineData("..%2F..%2F..%2Fserver%2Fserver.db")]
    [InlineData("%20%00")]
    [InlineData("ab%2F..%2F..%2Fworkspace.db")]
    public async Task Blob_MalformedHash_400ForEveryMethod(string hash)
    {
        await using var s = await RemoteWorkspaceServer.StartAsync();
        using var raw = s.Server.Client(s.Server.AdminToken);
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head, HttpMethod.Put })
        {
            var request = new HttpRequestMessage(method, Blobs + hash);
            if (method == HttpMethod.Put) request.Content = Octets("x"u8.ToArray());
            var response = await raw.SendAsync(request);
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{method} {hash}: {(int)response.StatusCode}");
            if (method != HttpMethod.Head && !hash.Contains("%2F")) Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        Assert.Equal(0, (await (await raw.GetAsync("/api/v1/workspaces/w/usage")).Json()).GetProperty("count").GetInt64());
    }

    [Theory]
    [InlineData("/api/v1/workspaces/w/blobs/../../../server/server.db")]
    [InlineData("/api/v1/workspaces/w/uploads/..%2F..%2Fworkspace.db")]
    [InlineData("/api/v1/workspaces/w/uploads/0123456789abcdef0123456789ABCDEF")]
    public async Task Traversal_NeverReadsOutsideTheStore(string path)
    {
        await using var s = await RemoteWorkspaceServer.StartAsync();
        using var raw = s.Server.Client(s.Server.AdminToken);
        var response = await raw.GetAsync(path);
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
    }

    [Fact]
    public async Task Upload_SessionUntouchedPastItsLifetime_Expires()
    {
        await using var s = await RemoteWorkspaceServer.StartAsync();
        using var raw = s.Server.Client(s.Server.AdminToken);
        var old = (await (await raw.PostAsync(Uploads, null)).Json()).GetProperty("id").GetString()!;
        var part = Path.Combine(s.Scratch, "uploads", old + ".part");
        File.SetLastWriteTimeUtc(part, DateTime.UtcNow.AddDays(-2));

        var response = await raw.GetAsync($"{Uploads}/{old}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("expire", (await response.Json()).GetProperty("error").GetString());
        Assert.False(File.Exists(part));

        var another = (await (await raw.PostAsync(Uploads, null)).Json()).GetProperty("id").GetString()!;
        File.SetLastWriteTimeUtc(Path.Combine(s.Scratch, "uploads", another + ".part"), DateTime.UtcNow.AddDays(-2));
        await raw.PostAsync(Uploads, null); // creating a session sweeps the expired ones
        Assert.Single(Directory.GetFiles(Path.Combine(s.Scratch, "uploads")));
    }

    [Fact]
    public async Task PutBlob_BodyLimits_RaisedForBlobsUpToTheChunkLimitThen413()
    {
        await using var s = await RemoteWorkspaceServer.StartAsync(o => o with { MaxRequestBodyBytes = 64 * 1024, MaxUploadChunkBytes = 1024 * 1024 });
        using var raw = s.Server.Client(s.Server.AdminToken);
        var medium = RandomNumberGenerator.GetBytes(512 * 1024);
        Assert.Equal(HttpStatusCode.OK, (await raw.PutAsync(Blobs + ContentHash.Of(medium), Octets(medium))).StatusCode);

        var big = RandomNumberGenerator.GetBytes(2 * 1024 * 1024);
        var response = await raw.PutAsync(Blobs + ContentHash.Of(big), Octets(big));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("1048576", (await response.Json()).GetProperty("error").GetString());
        Assert.Equal(1, (await (await raw.GetAsync("/api/v1/workspaces/w/usage")).Json()).GetProperty("count").GetInt64());
    }

    internal static ByteArrayContent Octets(byte[] bytes) => new(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } };

    /// <summary>Writes <paramref name="size"/> pseudo-random bytes and returns their SHA-256.</summary>
    internal static string WriteRandom(string path, long size)
    {
        var random = new Random(42);
        var buffer = new byte[1 << 20];
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var fs = File.Create(path);
        for (long left = size; left > 0;)
        {
            var n = (int)Math.Min(buffer.Length, left);
            random.NextBytes(buffer.AsSpan(0, n));
            fs.Write(buffer, 0, n);
            sha.AppendData(buffer, 0, n);
            left -= n;
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
