namespace MlPipelines.Core.Registry;

/// <summary>The model registry: models, their versions, aliases with full history, lineage.</summary>
public interface IModelRegistry
{
    /// <summary>Registers a new version (versions never collide, even across processes); creates the model on its first version.</summary>
    ModelVersion Register(NewModelVersion request);
    /// <summary>Resolves NAME, NAME:VERSION or NAME@ALIAS; NotFound lists what exists.</summary>
    ModelVersion Get(ModelRef reference);
    /// <summary>Latest version of every model that has one.</summary>
    IReadOnlyList<ModelVersion> List();
    /// <summary>All versions of a model (empty for a model without versions).</summary>
    IReadOnlyList<ModelVersion> Versions(string name);
    /// <summary>Moves (or creates) an alias atomically and appends to its history.</summary>
    AliasChange SetAlias(string name, string alias, int version, string who, string? reason = null);
    /// <summary>Deletes an alias (recorded in history).</summary>
    AliasChange DeleteAlias(string name, string alias, string who, string? reason = null);
    /// <summary>History of every alias move of a model, oldest first.</summary>
    IReadOnlyList<AliasChange> History(string name);
    /// <summary>Deletes a version; Conflict while an alias or a deployment uses it. The model stays, even without versions.</summary>
    void Delete(string name, int version);
    /// <summary>Materialises a version's files into a folder.</summary>
    void Download(ModelRef reference, string outputDir);

    /// <summary>Creates a model with no version yet; Conflict when the name is taken.</summary>
    RegisteredModel CreateModel(string name, string? description, IReadOnlyDictionary<string, string> tags, string who);
    /// <summary>A model's own record (description, tags, latest version, aliases); NotFound lists the models.</summary>
    RegisteredModel GetModel(string name);
    /// <summary>Every model, with or without versions, by name.</summary>
    IReadOnlyList<RegisteredModel> Models();
    /// <summary>Sets (or with null clears) a model's description.</summary>
    RegisteredModel UpdateModel(string name, string? description);
    /// <summary>Sets a tag of a model.</summary>
    void SetModelTag(string name, string key, string value);
    /// <summary>Deletes a tag of a model; NotFound lists its tags.</summary>
    void DeleteModelTag(string name, string key);
    /// <summary>
    /// Renames a model with its versions, aliases and alias history. Conflict when the new name is taken or was used by
    /// versions before (version numbers are never reused under a name), or while a deployment uses the model.
    /// </summary>
    RegisteredModel RenameModel(string name, string newName);
    /// <summary>Deletes a model and all its versions; Conflict while an alias exists or a deployment uses a version.</summary>
    void DeleteModel(string name);
    /// <summary>Sets (or with null clears) a version's description.</summary>
    ModelVersion UpdateVersion(string name, int version, string? description);
    /// <summary>Sets a tag of a version.</summary>
    void SetVersionTag(string name, int version, string key, string value);
    /// <summary>Deletes a tag of a version; NotFound lists its tags.</summary>
    void DeleteVersionTag(string name, int version, string key);
}
