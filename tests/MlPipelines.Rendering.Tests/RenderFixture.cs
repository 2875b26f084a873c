namespace MlPipelines.Rendering.Tests;

/// <summary>Temp folders with a fake published host, a fake scorer and model files.</summary>
internal static class RenderFixture
{
    public static string NewDir(string prefix) => Directory.CreateTempSubdirectory(prefix).FullName;

    public static ImageContextRequest Dotnet(string? root = null, string modelText = "{\"factor\":2}")
    {
        root ??= NewDir("mlp-render-");
        var host = Directory.CreateDirectory(Path.Combine(root, "host-src")).FullName;
        File.WriteAllText(Path.Combine(host, ImageContextRenderer.HostAssembly), "host bits");
        File.WriteAllText(Path.Combine(host, "MlPipelines.Serving.runtimeconfig.json"), "{}");
        var scorer = Directory.CreateDirectory(Path.Combine(root, "scorer-src")).FullName;
        File.WriteAllText(Path.Combine(scorer, "Iris.Scorer.dll"), "scorer bits");
        Directory.CreateDirectory(Path.Combine(scorer, "__pycache__"));
        File.WriteAllText(Path.Combine(scorer, "__pycache__", "junk.pyc"), "junk");
        var model = Path.Combine(root, "model.json");
        File.WriteAllText(model, modelText);
        return new ImageContextRequest
        {
            ModelName = "iris", ModelVersion = 3, ModelHash = "ab12cd34",
            ModelFiles = [new ImageModelFile("model.json", model)],
            Scorer = ImageScorerKind.Dotnet, ScorerPath = Path.Combine(scorer, "Iris.Scorer.dll"),
            HostDirectory = host,
        };
    }

    public static ImageContextRequest Python(string? root = null)
    {
        root ??= NewDir("mlp-render-");
        var d = Dotnet(root);
        var code = Directory.CreateDirectory(Path.Combine(root, "code")).FullName;
        File.WriteAllText(Path.Combine(code, "score.py"), "def init():\n    pass\n\ndef run(raw_data):\n    return raw_data\n");
        var req = Path.Combine(root, "requirements.txt");
        File.WriteAllText(req, "scikit-learn==1.2.1\n");
        return d with { Scorer = ImageScorerKind.Python, ScorerPath = Path.Combine(code, "score.py"), RequirementsFile = req, Workers = 2 };
    }
}
