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

    public void Download(ModelRef reference, string outputDir)
    {
        var model = Get(reference);
        Directory.CreateDirectory(outputDir);
        foreach (var f in model.Files) artifacts.CopyTo(f.Hash, ArtifactPaths.ResolveUnder(outputDir, "model file", f.Path));
    }
}
