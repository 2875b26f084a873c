using System.Text.Json;
using MlPipelines.Core.Registry;

namespace MlPipelines.Endpoints.Services;

/// <summary>
/// The sample input recorded with a model, used as the smoke request of a rollout when none is given: a model file
/// <c>input_example.json</c> (as MLflow writes it), <c>sample-request.json</c> or <c>sample_input.json</c>, else an
/// <c>inputExample</c> / <c>input_example</c> member of the model's signature JSON.
/// </summary>
public static class SampleInput
{
    /// <summary>Model files that may hold the sample request, in order of preference.</summary>
    public static readonly IReadOnlyList<string> FileNames = ["input_example.json", "sample-request.json", "sample_input.json"];

    /// <summary>The sample request body, or null when the model records none.</summary>
    public static string? Find(string modelDirectory, ModelVersion model)
    {
        foreach (var name in FileNames)
        {
            var path = Path.Combine(modelDirectory, name);
            if (File.Exists(path)) return File.ReadAllText(path);
        }
        if (model.SignatureJson is not { Length: > 0 } signature) return null;
        try
        {
            using var doc = JsonDocument.Parse(signature);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
            foreach (var member in new[] { "inputExample", "input_example" })
                if (doc.RootElement.TryGetProperty(member, out var example)) return example.GetRawText();
        }
        catch (JsonException)
        {
            // an unparseable signature records no sample
        }
        return null;
    }
}
