using System.Formats.Tar;
using System.Text;
using MlPipelines.Core.Errors;

namespace MlPipelines.Containers.Tests;

public sealed class UnitTests
{
    [Fact]
    public void DockerEndpoint_Parse_UnixAndTcp()
    {
        var unix = DockerEndpoint.Parse("unix:///tmp/d/docker.sock");
        Assert.Equal("/tmp/d/docker.sock", unix.SocketPath);
        Assert.Equal("http://localhost/", unix.BaseAddress.ToString());
        var tcp = DockerEndpoint.Parse("tcp://127.0.0.1:2375");
        Assert.Null(tcp.SocketPath);
        Assert.Equal("http://127.0.0.1:2375/", tcp.BaseAddress.ToString());
        var bad = Assert.Throws<MlpException>(() => DockerEndpoint.Parse("npipe:////./pipe/docker"));
        Assert.Contains("'npipe:////./pipe/docker'", bad.Message);
    }

    [Theory]
    [InlineData("localhost:5000/iris", "localhost:5000", "iris")]
    [InlineData("registry.example.com/team/iris", "registry.example.com", "team/iris")]
    [InlineData("iris", "docker.io", "library/iris")]
    [InlineData("team/iris", "docker.io", "team/iris")]
    public void ImageReference_ParseRepository_SplitsRegistry(string text, string registry, string path)
    {
        var r = ImageReference.ParseRepository(text);
        Assert.Equal(registry, r.Registry);
        Assert.Equal(path, r.Path);
    }

    [Fact]
    public void RegistryCredentials_FromDockerConfig_ReadsAuthsAndHidesPassword()
    {
        var dir = Directory.CreateTempSubdirectory("mlp-docker-config-").FullName;
        var config = Path.Combine(dir, "config.json");
        var b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:s3cret:with:colons"));
        File.WriteAllText(config, """{"auths":{"https://localhost:5000/v1/":{"auth":"B64"},"other.io":{"username":"bob","password":"pw"}}}""".Replace("B64", b64));
        var a = RegistryCredentials.FromDockerConfig("localhost:5000", config)!;
        Assert.Equal(("alice", "s3cret:with:colons"), (a.Username, a.Password));
        Assert.Equal("bob", RegistryCredentials.FromDockerConfig("other.io", config)!.Username);
        Assert.Null(RegistryCredentials.FromDockerConfig("nowhere.io", config));
        Assert.DoesNotContain("s3cret", a.ToString());
    }

    [Fact]
    public void EngineAuthHeader_Credentials_IsBase64UrlJson()
    {
        var header = RegistryCredentials.EngineAuthHeader(new RegistryCredentials("u", "p?>"), "localhost:5000");
        Assert.DoesNotContain('+', header);
        Assert.DoesNotContain('/', header);
        var json = Encoding.UTF8.GetString(Convert.FromBase64String(header.Replace('-', '+').Replace('_', '/')));
        Assert.Equal("""{"username":"u","password":"p?\u003E","serveraddress":"localhost:5000"}""", json);
        Assert.Equal("e30=", RegistryCredentials.EngineAuthHeader(null, "x")); // "{}"
    }

    [Fact]
    public async Task ContextTar_Folder_IsDeterministicAndComplete()
    {
        var dir = Directory.CreateTempSubdirectory("mlp-tar-").FullName;
        File.WriteAllText(Path.Combine(dir, "Dockerfile"), "FROM x\n");
        Directory.CreateDirectory(Path.Combine(dir, "model", "sub"));
        File.WriteAllText(Path.Combine(dir, "model", "sub", "w.bin"), "weights");
        var a = new MemoryStream();
        var b = new MemoryStream();
        await ContextTar.WriteAsync(dir, a);
        File.SetLastWriteTimeUtc(Path.Combine(dir, "Dockerfile"), DateTime.UtcNow.AddDays(-3));
        await ContextTar.WriteAsync(dir, b);
        Assert.Equal(a.ToArray(), b.ToArray());
        a.Position = 0;
        using var reader = new TarReader(a);
        var names = new List<string>();
        while (reader.GetNextEntry() is { } e) names.Add(e.Name);
        Assert.Equal(["model/", "model/sub/", "Dockerfile", "model/sub/w.bin"], names);
    }

    [Fact]
    public void ParseChallenge_BearerParameters_AreSplit()
    {
        var p = OciRegistryClient.ParseChallenge("realm=\"https://auth.example.com/token\",service=\"registry.example.com\",scope=\"repository:a/b:pull,push\"");
        Assert.Equal("https://auth.example.com/token", p["realm"]);
        Assert.Equal("registry.example.com", p["service"]);
        Assert.Equal("repository:a/b:pull,push", p["scope"]);
    }

    [Fact]
    public async Task BuildAsync_NoEngine_RecordsRenderedAndSaysWhy()
    {
        var store = new MemoryImageStore();
        using var engine = new DockerEngineClient(DockerEndpoint.Parse("unix:///tmp/mlp-no-such-dir/docker.sock"));
        var builder = new ImageBuilder(engine, store);
        var result = await builder.BuildAsync(new ImageBuildRequest
        {
            ContextDirectory = "/tmp/ctx", ContextHash = new string('a', 64), Tag = "mlp/iris:aaaaaaaaaaaa", Model = "iris", ModelVersion = 1, BaseImage = "b",
            PushRepository = "localhost:5000/iris",
        });
        Assert.Equal(ImageBuildOutcome.Rendered, result.Outcome);
        Assert.StartsWith("image context ready at /tmp/ctx; no Docker engine at DOCKER_HOST (unix:///tmp/mlp-no-such-dir/docker.sock", result.Message);
        Assert.Equal("rendered", store.Find("mlp/iris:aaaaaaaaaaaa")!.State);
    }
}
