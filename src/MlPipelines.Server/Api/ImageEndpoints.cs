using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Hashing;
using MlPipelines.Core.Images;
using MlPipelines.Core.Naming;
using A = MlPipelines.Server.Authorization.ActionCatalog;

namespace MlPipelines.Server.Api;

/// <summary>Scoring image records: list, find by tag or context hash, and save (insert or update by tag).</summary>
internal static class ImageEndpoints
{
    private static readonly string[] States = ["rendered", "built", "pushed"];

    public static void Map(IEndpointRouteBuilder api)
    {
        var ws = api.MapGroup("/workspaces/{workspace}");
        ws.MapGet("/images", (string workspace, HostedWorkspaces hosted) => hosted.Open(workspace).Images.List())
            .Requires(A.ImagesRead, ScopeSource.Workspace).WithSummary("All images, newest first");
        ws.MapGet("/images/{**reference}", (string workspace, string reference, HostedWorkspaces hosted) =>
            {
                var images = hosted.Open(workspace).Images;
                return images.Find(reference) ?? throw MlpException.NotFound("image", reference, images.List().Select(i => i.Tag));
            })
            .Requires(A.ImagesRead, ScopeSource.Workspace).WithSummary("One image by tag (e.g. registry:5000/repo:tag) or context hash");
        ws.MapPost("/images", (string workspace, ImageRecord body, HostedWorkspaces hosted) =>
            {
                var images = hosted.Open(workspace).Images;
                Validate(body);
                images.Save(body);
                return images.Find(body.Tag);
            })
            .Requires(A.ImagesWrite, ScopeSource.Workspace).WithSummary("Record an image (insert, or update the one with the same tag)");
    }

    private static void Validate(ImageRecord image)
    {
        if (string.IsNullOrWhiteSpace(image.Tag) || image.Tag.Length > 512 || image.Tag.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            throw MlpException.Invalid($"'tag' '{image.Tag}' is not an image tag; expected REPOSITORY:TAG without spaces, at most 512 characters.");
        ContentHash.Validate("'contextHash'", image.ContextHash);
        Names.Validate("model", image.Model);
        if (image.ModelVersion < 1) throw MlpException.Invalid($"'modelVersion' must be a positive integer; got {image.ModelVersion}.");
        if (string.IsNullOrWhiteSpace(image.BaseImage)) throw MlpException.Invalid("'baseImage' is empty; expected the base image the context was rendered on.");
        if (!States.Contains(image.State))
            throw MlpException.Invalid($"'state' '{image.State}' is not valid; expected one of {string.Join(", ", States.Select(s => $"'{s}'"))}.");
        if (image.SizeBytes is < 0) throw MlpException.Invalid($"'sizeBytes' must be 0 or more; got {image.SizeBytes}.");
    }
}
