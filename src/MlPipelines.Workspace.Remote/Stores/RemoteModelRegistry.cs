using MlPipelines.Core.Naming;
using MlPipelines.Core.Registry;
using MlPipelines.Workspace.Remote.Http;

namespace MlPipelines.Workspace.Remote.Stores;

/// <summary>
/// The model registry over <c>/api/v1/workspaces/NAME/models</c>. A <see cref="NewModelVersion.LocalPath"/> is a client
/// path: its files are uploaded (missing blobs only) and registered by manifest; a run output is resolved on the server.
/// The server records the authenticated caller as the creator and as <c>who</c> of every alias move, so the
/// <c>who</c> arguments here are not sent: the alias history cannot be forged by a client.
/// </summary>
internal sealed class RemoteModelRegistry(RemoteConnection http, WorkspacePaths paths, RemoteArtifactStore artifacts) : IModelRegistry
{
    public ModelVersion Register(NewModelVersion request)
    {
        var name = Names.Validate("model", request.Name);
        var files = request.Files;
        if (request.LocalPath is { } local && request.RunOutputPath is null && files is null)
            files = ClientFolderUpload.Upload(artifacts, local, request.OnWarning).Files.Select(f => new ModelFile(f.Path, f.Hash, f.Size)).ToList();
        else if (request.LocalPath is not null)
            throw Core.Errors.MlpException.Invalid($"Registering model '{name}' needs exactly one source: --run RUN_ID --path OUTPUT_PATH, or a local --path.");
        return http.Write<ModelVersion>(HttpMethod.Post, paths.Segments("models", name, "versions"), new RegisterModelRequest
        {
            RunId = request.RunId, RunOutputPath = request.RunOutputPath, Files = files, Flavor = request.Flavor,
            SignatureJson = request.SignatureJson, Description = request.Description, Tags = request.Tags, Environment = request.Environment,
            Source = request.Source,
        });
    }

    public ModelVersion Get(ModelRef reference) =>
        reference.Alias is { } alias ? http.Get<ModelVersion>(paths.Segments("models", reference.Name, "aliases", alias))
        : reference.Version is { } v ? http.Get<ModelVersion>(paths.Segments("models", reference.Name, "versions", v.ToString()))
        : http.Get<ModelVersion>(paths.Segments("models", reference.Name));

    public IReadOnlyList<ModelVersion> List() => http.Get<List<ModelVersion>>(paths.Of("models"));

    public IReadOnlyList<ModelVersion> Versions(string name) => http.Get<List<ModelVersion>>(paths.Segments("models", name, "versions"));

    /// <summary>Moves an alias; <paramref name="who"/> is ignored — the server records the authenticated caller.</summary>
    public AliasChange SetAlias(string name, string alias, int version, string who, string? reason = null) =>
        http.Write<AliasChange>(HttpMethod.Put, paths.Segments("models", name, "aliases", alias), new SetAliasRequest(version, reason));

    /// <summary>Deletes an alias; <paramref name="who"/> is ignored — the server records the authenticated caller.</summary>
    public AliasChange DeleteAlias(string name, string alias, string who, string? reason = null) =>
        http.Write<AliasChange>(HttpMethod.Delete, paths.Segments("models", name, "aliases", alias) + WorkspacePaths.Query(("reason", reason)), null);

    public IReadOnlyList<AliasChange> History(string name) => http.Get<List<AliasChange>>(paths.Segments("models", name, "history"));

    public void Delete(string name, int version) => http.Write(HttpMethod.Delete, paths.Segments("models", name, "versions", version.ToString()), null);

    /// <summary>Creates a model; <paramref name="who"/> is ignored — the server records the authenticated caller.</summary>
    public RegisteredModel CreateModel(string name, string? description, IReadOnlyDictionary<string, string> tags, string who) =>
        http.Write<RegisteredModel>(HttpMethod.Post, paths.Of("registeredModels"), new CreateModelRequest(Names.Validate("model", name), description, tags));

    public RegisteredModel GetModel(string name) => http.Get<RegisteredModel>(paths.Segments("registeredModels", name));

    public IReadOnlyList<RegisteredModel> Models() => http.Get<List<RegisteredModel>>(paths.Of("registeredModels"));

    public RegisteredModel UpdateModel(string name, string? description) =>
        http.Write<RegisteredModel>(HttpMethod.Patch, paths.Segments("registeredModels", name), new DescriptionRequest(description));

    public void SetModelTag(string name, string key, string value) =>
        http.Write(HttpMethod.Put, paths.Segments("registeredModels", name, "tags", key), new TagValueRequest(value));

    public void DeleteModelTag(string name, string key) => http.Write(HttpMethod.Delete, paths.Segments("registeredModels", name, "tags", key), null);

    public RegisteredModel RenameModel(string name, string newName) =>
        http.Write<RegisteredModel>(HttpMethod.Post, paths.Segments("registeredModels", name, "rename"), new RenameModelRequest(newName));

    public void DeleteModel(string name) => http.Write(HttpMethod.Delete, paths.Segments("registeredModels", name), null);

    public ModelVersion UpdateVersion(string name, int version, string? description) =>
        http.Write<ModelVersion>(HttpMethod.Patch, paths.Segments("models", name, "versions", version.ToString()), new DescriptionRequest(description));

    public void SetVersionTag(string name, int version, string key, string value) =>
        http.Write(HttpMethod.Put, paths.Segments("models", name, "versions", version.ToString(), "tags", key), new TagValueRequest(value));

    public void DeleteVersionTag(string name, int version, string key) =>
        http.Write(HttpMethod.Delete, paths.Segments("models", name, "versions", version.ToString(), "tags", key), null);

    public void Download(ModelRef reference, string outputDir)
    {
        var model = Get(reference);
        Directory.CreateDirectory(outputDir);
        foreach (var f in model.Files) artifacts.CopyTo(f.Hash, ArtifactPaths.ResolveUnder(outputDir, "model file", f.Path));
    }
}
