namespace MlPipelines.Workspace.Runs;

/// <summary>Run ids like <c>run-20261121-231500-k3v9x2qa</c>: sortable by creation second, unique by 40 random bits.</summary>
internal static class RunIds
{
    private const string Alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";

    public static string New(DateTimeOffset now)
    {
        Span<char> suffix = stackalloc char[8];
        for (var i = 0; i < suffix.Length; i++) suffix[i] = Alphabet[Random.Shared.Next(Alphabet.Length)];
        return $"run-{now.UtcDateTime:yyyyMMdd-HHmmss}-{suffix}";
    }
}
