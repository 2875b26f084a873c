using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Files;
using MlPipelines.Core.Naming;
using MlPipelines.Core.Workspaces;
using MlPipelines.Server.Hosting;
using MlPipelines.Workspace.Remote.Http;
using A = MlPipelines.Server.Authorization.ActionCatalog;

namespace MlPipelines.Server.Api;

/// <summary>
/// Datasets and datastores. A client folder is registered by manifest after its blobs were uploaded; a path is only
/// read on the server inside a folder datastore (links resolved, never leaving it), and a datastore can only be added
/// inside one of the server's allowed datastore roots, so the API never reads arbitrary server files.
/// </summary>
internal static class DatasetEndpoints
{
    private const string WorkspaceStore = "workspace";

    public static void Map(IEndpointRouteBuilder api)
    {
        var ws = api.MapGroup("/workspaces/{workspace}");
        ws.MapGet("/datasets", (string workspace, HostedWorkspaces hosted) => hosted.Open(workspace).Datasets.List())
            .Requires(A.DatasetsRead, ScopeSource.Workspace).WithSummary("Latest version of every dataset");
        ws.MapGet("/datasets/{name}", (string workspace, string name, HostedWorkspaces hosted) => hosted.Open(workspace).Datasets.Get(name))
            .Requires(A.DatasetsRead, ScopeSource.Workspace).WithSummary("Latest version of a dataset, with its files");
        ws.MapGet("/datasets/{name}/versions", (string workspace, string name, HostedWorkspaces hosted) => hosted.Open(workspace).Datasets.Versions(name))
            .Requires(A.DatasetsRead, ScopeSource.Workspace).WithSummary("All versions of a dataset");
        ws.MapGet("/datasets/{name}/versions/{version}", (string workspace, string name, int version, HostedWorkspaces hosted) =>
                hosted.Open(workspace).Datasets.Get(name, version))
            .Requires(A.DatasetsRead, ScopeSource.Workspace).WithSummary("One version of a dataset, with its files");
        ws.MapGet("/datasets/{name}/versions/{version}/files/{**path}", (string workspace, string name, int version, string path, HostedWorkspaces hosted) =>
            {
                var datasets = hosted.Open(workspace).Datasets;
                var normalized = ArtifactPaths.Normalize("dataset file", path);
                var d = datasets.Get(name, version);
                var file = d.Files.FirstOrDefault(f => f.Path == normalized)
                    ?? throw MlpException.NotFound($"file of dataset '{d.Name}:{d.Version}'", normalized, d.Files.Select(f => f.Path));
                return Results.File(datasets.OpenFile(name, version, normalized), "application/octet-stream",
                    entityTag: new EntityTagHeaderValue($"\"{file.Hash}\""), enableRangeProcessing: true);
            })
            .Requires(A.DatasetsRead, ScopeSource.Workspace).WithSummary("Stream one file of a dataset version (any datastore; ETag is its hash)");
        ws.MapPost("/datasets/{name}/manifest", (string workspace, string name, DatasetManifestRequest body, HostedWorkspaces hosted) =>
                Created(workspace, hosted.Open(workspace).Datasets.RegisterManifest(name, body.Files, body.IsFile, body.Description)))
            .Requires(A.DatasetsWrite, ScopeSource.Workspace).WithSummary("Register uploaded blobs as a version in the 'workspace' datastore (same content → same version)");
        ws.MapPost("/datasets/{name}/versions", (string workspace, string name, RegisterDatasetRequest body, HostedWorkspaces hosted) =>
            {
                var w = hosted.Open(workspace);
                Names.Validate("dataset", name);
                CheckServerPath(w, body);
                return Created(workspace, w.Datasets.Register(name, body.Path, body.Description, body.Datastore));
            })
            .Requires(A.DatasetsWrite, ScopeSource.Workspace).WithSummary("Register a path inside a folder datastore of the server");

        ws.MapGet("/datastores", (string workspace, HostedWorkspaces hosted) => hosted.Open(workspace).Datasets.ListDatastores())
            .Requires(A.DatastoresRead, ScopeSource.Workspace).WithSummary("All datastores");
        ws.MapPost("/datastores", (string workspace, AddDatastoreRequest body, HostedWorkspaces hosted, ServerOptions options) =>
            {
                var w = hosted.Open(workspace);
                Names.Validate("datastore", body.Name);
                CheckAllowedRoot(body.Location, options);
                return w.Datasets.AddDatastore(body.Name, body.Location);
            })
            .Requires(A.DatastoresWrite, ScopeSource.Workspace).WithSummary("Add a folder datastore (inside one of the server's --datastore-root folders)");
    }

    private static IResult Created(string workspace, Core.Data.DatasetVersion d) =>
        Results.Created($"/api/v1/workspaces/{workspace}/datasets/{Uri.EscapeDataString(d.Name)}/versions/{d.Version}", d);

    /// <summary>A server path is read only inside a folder datastore, with every link resolved.</summary>
    private static void CheckServerPath(IWorkspace w, RegisterDatasetRequest body)
    {
        if (string.IsNullOrWhiteSpace(body.Path)) throw MlpException.Invalid("'path' is empty; expected a path inside the datastore.");
        var store = w.Datasets.ListDatastores().FirstOrDefault(s => s.Name == body.Datastore)
            ?? throw MlpException.NotFound("datastore", body.Datastore, w.Datasets.ListDatastores().Select(s => s.Name));
        if (store.Kind == WorkspaceStore)
            throw MlpException.Invalid($"'datastore' is '{body.Datastore}', which holds uploaded content: a path on the server is not read into it. Register a client folder instead (the client uploads its files and posts …/datasets/NAME/manifest).");
        var source = Path.IsPathRooted(body.Path) ? body.Path : Path.Combine(store.Location, body.Path);
        if (FolderWalker.Contain(store.Location, source, body.Path, out var warning) is null)
            throw MlpException.Invalid($"'path' '{body.Path}' is not inside datastore '{store.Name}' ({store.Location}) once links are resolved{(File.Exists(source) || Directory.Exists(source) ? $": {warning}" : ", or does not exist")}.");
    }

    private static void CheckAllowedRoot(string location, ServerOptions options)
    {
        if (string.IsNullOrWhiteSpace(location) || !Path.IsPathRooted(location))
            throw MlpException.Invalid($"'location' '{location}' is not an absolute folder path on the server.");
        if (options.DatastoreRoots.Count == 0)
            throw MlpException.Invalid($"This server allows no datastore folders, so '{location}' cannot be added; the administrator can allow folders with 'mlp server --datastore-root DIR'.");
        var real = FolderWalker.RealPath(location)
            ?? throw MlpException.Invalid($"'location' '{location}' does not exist on the server.");
        if (!options.DatastoreRoots.Any(root => FolderWalker.Contain(root, real, location, out _) is not null))
            throw MlpException.Invalid($"'location' '{location}' is not inside an allowed datastore root of this server; allowed: {string.Join(", ", options.DatastoreRoots.Select(r => $"'{r}'"))}.");
    }
}
