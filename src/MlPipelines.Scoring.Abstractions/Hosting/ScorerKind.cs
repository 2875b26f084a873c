namespace MlPipelines.Scoring.Hosting;

/// <summary>How the scoring host runs the model's scoring code.</summary>
public enum ScorerKind
{
    /// <summary>A .NET class implementing <c>MlPipelines.Scoring.IScorer</c>, loaded in an isolated load context.</summary>
    Dotnet,

    /// <summary>An Azure ML style <c>score.py</c> (<c>init()</c> + <c>run(raw_data)</c>) run by a pool of Python workers.</summary>
    Python,
}
