using MlPipelines.Core.Images;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Workspace.Images;

/// <summary>Scoring images recorded in the workspace database.</summary>
internal sealed class LocalImageStore(StoreDb db) : IImageStore
{
    private const string Columns = "tag, context_hash, model, model_version, base_image, state, digest, size, build_ms, context_path, created_at";

    public void Save(ImageRecord image) => db.Write(s => s.Exec($"""
        INSERT INTO images({Columns}) VALUES($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10)
        ON CONFLICT(tag) DO UPDATE SET context_hash = excluded.context_hash, model = excluded.model, model_version = excluded.model_version,
          base_image = excluded.base_image, state = excluded.state, digest = excluded.digest, size = excluded.size,
          build_ms = excluded.build_ms, context_path = excluded.context_path
        """, image.Tag, image.ContextHash, image.Model, image.ModelVersion, image.BaseImage, image.State, image.Digest,
        image.SizeBytes, image.BuildTime is { } t ? (long)t.TotalMilliseconds : null, image.ContextPath, image.CreatedAt));

    public ImageRecord? Find(string tagOrHash) => db.Read(s =>
        s.Query($"SELECT {Columns} FROM images WHERE tag = $p0 OR context_hash = $p0 ORDER BY tag = $p0 DESC, created_at DESC LIMIT 1", Map, tagOrHash)
            .FirstOrDefault());

    public IReadOnlyList<ImageRecord> List() => db.Read(s =>
        s.Query($"SELECT {Columns} FROM images ORDER BY created_at DESC, tag", Map));

    private static ImageRecord Map(System.Data.Common.DbDataReader r) => new()
    {
        Tag = r.GetString(0),
        ContextHash = r.GetString(1),
        Model = r.GetString(2),
        ModelVersion = r.GetInt32(3),
        BaseImage = r.GetString(4),
        State = r.GetString(5),
        Digest = r.StrOrNull(6),
        SizeBytes = r.LongOrNull(7),
        BuildTime = r.LongOrNull(8) is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
        ContextPath = r.StrOrNull(9),
        CreatedAt = r.Time(10),
    };
}
