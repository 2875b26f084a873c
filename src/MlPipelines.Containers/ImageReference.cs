using MlPipelines.Core.Errors;

namespace MlPipelines.Containers;

/// <summary>An image repository split into registry host and path, e.g. <c>localhost:5000/iris</c> → (<c>localhost:5000</c>, <c>iris</c>).</summary>
/// <param name="Registry">Registry host[:port]; <c>docker.io</c> when the name has none.</param>
/// <param name="Path">Repository path inside the registry.</param>
public sealed record ImageReference(string Registry, string Path)
{
    /// <summary>Parses <c>[REGISTRY/]PATH</c> (no tag). The first part is a registry when it has '.' or ':' or is <c>localhost</c>.</summary>
    public static ImageReference ParseRepository(string repository)
    {
        if (string.IsNullOrWhiteSpace(repository) || repository.Contains('@') || repository.EndsWith('/'))
            throw MlpException.Invalid($"Invalid image repository '{repository}'; expected e.g. 'localhost:5000/iris'.");
        var slash = repository.IndexOf('/');
        if (slash > 0)
        {
            var first = repository[..slash];
            if (first.Contains('.') || first.Contains(':') || first == "localhost") return new(first, repository[(slash + 1)..].ToLowerInvariant());
        }
        var path = repository.ToLowerInvariant();
        return new("docker.io", path.Contains('/') ? path : "library/" + path);
    }

    /// <summary><c>REGISTRY/PATH</c>.</summary>
    public override string ToString() => Registry + "/" + Path;
}
