using System.Text.Json;

namespace MlPipelines.Scoring;

/// <summary>
/// A .NET scorer: the scoring host creates one instance, calls <see cref="Init"/> once with the folder holding the
/// model files, then calls <see cref="Score"/> for every request (possibly concurrently).
/// </summary>
public interface IScorer
{
    /// <summary>Loads the model from <paramref name="modelDirectory"/>.</summary>
    void Init(string modelDirectory);

    /// <summary>Scores one request body; the returned object is serialised as the JSON response.</summary>
    object? Score(JsonElement input);
}
