namespace MlPipelines.Core.Registry;

/// <summary>The model registry: versions, aliases with full history, lineage.</summary>
public interface IModelRegistry
{
    /// <summary>Registers a new version (versions never collide, even across processes).</summary>
    ModelVersion Register(NewModelVersion request);
    /// <summary>Resolves NAME, NAME:VERSION or NAME@ALIAS; NotFound lists what exists.</summary>
    ModelVersion Get(ModelRef reference);
    /// <summary>Latest version of every model.</summary>
    IReadOnlyList<ModelVersion> List();
    /// <summary>All versions of a model.</summary>
    IReadOnlyList<ModelVersion> Versions(string name);
    /// <summary>Moves (or creates) an alias atomically and appends to its history.</summary>
    AliasChange SetAlias(string name, string alias, int version, string who, string? reason = null);
    /// <summary>Deletes an alias (recorded in history).</summary>
    AliasChange DeleteAlias(string name, string alias, string who, string? reason = null);
    /// <summary>History of every alias move of a model, oldest first.</summary>
    IReadOnlyList<AliasChange> History(string name);
    /// <summary>Deletes a version; Conflict while an alias or a deployment uses it.</summary>
    void Delete(string name, int version);
    /// <summary>Materialises a version's files into a folder.</summary>
    void Download(ModelRef reference, string outputDir);
}
