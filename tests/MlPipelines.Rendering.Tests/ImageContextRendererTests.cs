using MlPipelines.Core.Errors;

namespace MlPipelines.Rendering.Tests;

public sealed class ImageContextRendererTests
{
    [Fact]
    public void RenderText_DotnetScorer_MatchesApprovedFiles()
    {
        var text = ImageContextRenderer.RenderText(RenderFixture.Dotnet() with { SignatureJson = "{}", Labels = new Dictionary<string, string> { ["team"] = "fraud" } });
        Approved.Verify(text["Dockerfile"], "dotnet", "Dockerfile");
        Approved.Verify(text[".dockerignore"], "scoring", "dockerignore");
        Approved.Verify(text["image.json"], "dotnet.image", "json");
    }

    [Fact]
    public void RenderText_PythonScorer_MatchesApprovedFiles()
    {
        var text = ImageContextRenderer.RenderText(RenderFixture.Python());
        Approved.Verify(text["Dockerfile"], "python", "Dockerfile");
        Approved.Verify(text["image.json"], "python.image", "json");
    }

    [Fact]
    public void RenderText_DefaultBaseImages_AreOfficialImages()
    {
        Assert.Contains("FROM mcr.microsoft.com/dotnet/aspnet:10.0\n", ImageContextRenderer.RenderText(RenderFixture.Dotnet())["Dockerfile"]);
        Assert.Contains("FROM python:3.11-slim\n", ImageContextRenderer.RenderText(RenderFixture.Python())["Dockerfile"]);
        Assert.Contains("FROM local/base:1\n", ImageContextRenderer.RenderText(RenderFixture.Dotnet() with { BaseImage = "local/base:1" })["Dockerfile"]);
    }

    [Fact]
    public void RenderImageContext_SameInputs_SameHashAndTag()
    {
        var request = RenderFixture.Dotnet();
        var a = ImageContextRenderer.RenderImageContext(request, RenderFixture.NewDir("mlp-ctx-"));
        var b = ImageContextRenderer.RenderImageContext(request, RenderFixture.NewDir("mlp-ctx-"));
        var again = ImageContextRenderer.RenderImageContext(request, a.Directory); // re-render over an earlier context
        Assert.Equal(a.ContextHash, b.ContextHash);
        Assert.Equal(a.ContextHash, again.ContextHash);
        Assert.Equal($"mlp/iris:{a.ContextHash[..12]}", a.Tag);
        Assert.Matches("^[0-9a-f]{64}$", a.ContextHash);
    }

    [Fact]
    public void RenderImageContext_ChangedModelFile_ChangesHash()
    {
        var a = ImageContextRenderer.RenderImageContext(RenderFixture.Dotnet(modelText: "{\"factor\":2}"), RenderFixture.NewDir("mlp-ctx-"));
        var b = ImageContextRenderer.RenderImageContext(RenderFixture.Dotnet(modelText: "{\"factor\":3}"), RenderFixture.NewDir("mlp-ctx-"));
        Assert.NotEqual(a.ContextHash, b.ContextHash);
    }

    [Fact]
    public void RenderImageContext_Dotnet_WritesCompleteContext()
    {
        var ctx = ImageContextRenderer.RenderImageContext(RenderFixture.Dotnet() with { SignatureJson = "{\"inputs\":[]}" }, RenderFixture.NewDir("mlp-ctx-"));
        var paths = ctx.Files.Select(f => f.Key).ToList();
        Assert.Equal(
            [".dockerignore", "Dockerfile", "host/MlPipelines.Serving.dll", "host/MlPipelines.Serving.runtimeconfig.json", "image.json",
             "model/model.json", "scorer/Iris.Scorer.dll", "signature.json"],
            paths);
        Assert.Equal("{\"inputs\":[]}", File.ReadAllText(Path.Combine(ctx.Directory, "signature.json")));
    }

    [Fact]
    public void RenderImageContext_MaterializeCallback_WritesModelFiles()
    {
        var request = RenderFixture.Dotnet() with
        {
            ModelFiles = [],
            MaterializeModel = dir => { Directory.CreateDirectory(Path.Combine(dir, "sub")); File.WriteAllText(Path.Combine(dir, "sub", "w.bin"), "weights"); },
        };
        var ctx = ImageContextRenderer.RenderImageContext(request, RenderFixture.NewDir("mlp-ctx-"));
        Assert.Contains(ctx.Files, f => f.Key == "model/sub/w.bin");
    }

    [Fact]
    public void RenderImageContext_Python_CopiesScriptAndRequirements()
    {
        var ctx = ImageContextRenderer.RenderImageContext(RenderFixture.Python(), RenderFixture.NewDir("mlp-ctx-"));
        Assert.Contains(ctx.Files, f => f.Key == "scorer/score.py");
        Assert.Contains(ctx.Files, f => f.Key == "requirements.txt");
        Assert.Equal("python:3.11-slim", ctx.BaseImage);
    }

    [Fact]
    public void RenderText_UserTemplate_OverridesBuiltIn()
    {
        var user = RenderFixture.NewDir("mlp-user-templates-");
        Directory.CreateDirectory(Path.Combine(user, "scoring", "dotnet"));
        File.WriteAllText(Path.Combine(user, "scoring", "dotnet", "Dockerfile.hbs"), "FROM {{baseImage}}\n# custom for {{model.name}}\n{{> labels}}\n");
        Directory.CreateDirectory(Path.Combine(user, "scoring", "partials"));
        File.WriteAllText(Path.Combine(user, "scoring", "partials", "labels.hbs"), "LABEL custom=\"{{model.version}}\"");
        var text = ImageContextRenderer.RenderText(RenderFixture.Dotnet() with { UserTemplatesDirectory = user });
        Assert.Equal("FROM mcr.microsoft.com/dotnet/aspnet:10.0\n# custom for iris\nLABEL custom=\"3\"", text["Dockerfile"]);
        Assert.DoesNotContain("built-in", text["image.json"]);
        Assert.DoesNotContain("\"user\"", text["image.json"]);
    }

    [Fact]
    public void RenderImageContext_UserTemplatesIdenticalToBuiltIn_SameTagAsBuiltIn()
    {
        // A ./templates folder holding copies of the built-in templates (e.g. rendering from another folder) is the same content.
        var user = RenderFixture.NewDir("mlp-user-templates-");
        foreach (var name in typeof(ImageContextRenderer).Assembly.GetManifestResourceNames().Where(n => n.StartsWith("templates/scoring/", StringComparison.Ordinal)))
        {
            var target = Path.Combine(user, name["templates/".Length..]);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using var from = typeof(ImageContextRenderer).Assembly.GetManifestResourceStream(name)!;
            using var to = File.Create(target);
            from.CopyTo(to);
        }
        var root = RenderFixture.NewDir("mlp-render-");
        var builtIn = ImageContextRenderer.RenderImageContext(RenderFixture.Dotnet(root), RenderFixture.NewDir("mlp-ctx-"));
        var copied = ImageContextRenderer.RenderImageContext(RenderFixture.Dotnet(root) with { UserTemplatesDirectory = user }, RenderFixture.NewDir("mlp-ctx-"));
        Assert.Equal(builtIn.Tag, copied.Tag);
    }

    [Fact]
    public void RenderImageContext_NonContextOutputFolder_ThrowsConflict()
    {
        var output = RenderFixture.NewDir("mlp-ctx-");
        File.WriteAllText(Path.Combine(output, "precious.txt"), "keep me");
        var e = Assert.Throws<MlpException>(() => ImageContextRenderer.RenderImageContext(RenderFixture.Dotnet(), output));
        Assert.Equal(ErrorKind.Conflict, e.Kind);
        Assert.True(File.Exists(Path.Combine(output, "precious.txt")));
    }

    [Fact]
    public void RenderImageContext_BadInputs_ThrowInvalidWithNames()
    {
        var missingHost = Assert.Throws<MlpException>(() => ImageContextRenderer.RenderImageContext(
            RenderFixture.Dotnet() with { HostDirectory = "/nonexistent" }, RenderFixture.NewDir("mlp-ctx-")));
        Assert.Contains("'/nonexistent'", missingHost.Message);
        var badName = Assert.Throws<MlpException>(() => ImageContextRenderer.RenderText(RenderFixture.Dotnet() with { ModelName = "a b" }));
        Assert.Contains("'a b'", badName.Message);
        var wrongKind = Assert.Throws<MlpException>(() => ImageContextRenderer.RenderText(RenderFixture.Dotnet() with { Scorer = ImageScorerKind.Python }));
        Assert.Contains("'.py'", wrongKind.Message);
    }
}
