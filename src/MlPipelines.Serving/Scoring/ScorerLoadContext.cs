using System.Reflection;
using System.Runtime.Loader;

namespace MlPipelines.Serving.Scoring;

/// <summary>
/// Loads a scorer assembly and its private dependencies in isolation. MlPipelines.Scoring.Abstractions is shared with
/// the host (returning null defers to the default context) so the scorer's IScorer is the host's IScorer.
/// </summary>
internal sealed class ScorerLoadContext(string assemblyPath) : AssemblyLoadContext("mlp-scorer:" + Path.GetFileName(assemblyPath))
{
    private static readonly string SharedName = typeof(MlPipelines.Scoring.IScorer).Assembly.GetName().Name!;
    private readonly AssemblyDependencyResolver _resolver = new(assemblyPath);

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name == SharedName) return null;
        var path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
