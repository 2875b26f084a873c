using System.Text.Json;
using MlPipelines.Scoring;

namespace MlPipelines.Serving.Scoring;

/// <summary>Runs an <see cref="IScorer"/> from the user's assembly, loaded in a <see cref="ScorerLoadContext"/>.</summary>
internal sealed class DotnetScoringBackend(string assemblyPath, string? typeName, string modelDirectory, JsonSerializerOptions json) : IScoringBackend
{
    private IScorer? _scorer;

    public Task InitAsync(CancellationToken cancellationToken) => Task.Run(() =>
    {
        var full = Path.GetFullPath(assemblyPath);
        if (!File.Exists(full)) throw new FileNotFoundException($"Scorer assembly '{full}' does not exist.", full);
        var assembly = new ScorerLoadContext(full).LoadFromAssemblyPath(full);
        Type type;
        if (typeName is not null)
        {
            type = assembly.GetType(typeName, throwOnError: false)
                ?? throw new InvalidOperationException($"Type '{typeName}' is not in '{Path.GetFileName(full)}'; IScorer types there: {Describe(ScorerTypes(assembly))}.");
            if (!typeof(IScorer).IsAssignableFrom(type)) throw new InvalidOperationException($"Type '{typeName}' does not implement IScorer.");
        }
        else
        {
            var candidates = ScorerTypes(assembly);
            if (candidates.Count != 1)
                throw new InvalidOperationException($"Expected exactly one IScorer in '{Path.GetFileName(full)}', found {candidates.Count}: {Describe(candidates)}; name one with --scorer-type.");
            type = candidates[0];
        }
        var scorer = (IScorer)(Activator.CreateInstance(type)
            ?? throw new InvalidOperationException($"Could not create '{type.FullName}'; it needs a public parameterless constructor."));
        scorer.Init(modelDirectory);
        _scorer = scorer;
    }, cancellationToken);

    public ValueTask<ReadOnlyMemory<byte>> ScoreAsync(JsonDocument input, ReadOnlyMemory<byte> rawUtf8, CancellationToken timeout)
    {
        var scorer = _scorer ?? throw new ScoringException(ScoringFailure.NotReady, "The scorer is not initialised.");
        // Runs inline on the request thread (no thread hop); the endpoint answers 504 from its timer if this blocks too long.
        try
        {
            return ValueTask.FromResult<ReadOnlyMemory<byte>>(JsonSerializer.SerializeToUtf8Bytes(scorer.Score(input.RootElement), json));
        }
        catch (Exception e) when (e is ScoringInputException or ArgumentException)
        {
            // The caller's mistake, in the scorer's words: a 400, not a deployment error.
            throw new ScoringException(ScoringFailure.InputError, e.Message, e);
        }
        catch (Exception e)
        {
            throw new ScoringException(ScoringFailure.ScorerError, $"{scorer.GetType().FullName}.Score failed: {e}", e);
        }
    }

    private static List<Type> ScorerTypes(System.Reflection.Assembly assembly) =>
        assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IScorer).IsAssignableFrom(t)).ToList();

    private static string Describe(List<Type> types) => types.Count == 0 ? "none" : string.Join(", ", types.Select(t => $"'{t.FullName}'"));

    public ValueTask DisposeAsync() => (_scorer as IAsyncDisposable)?.DisposeAsync() ?? ValueTask.CompletedTask;
}
