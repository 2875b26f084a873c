using System.Text.Json;
using MlPipelines.Core.Endpoints;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Naming;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Workspace.Endpoints;

/// <summary>Endpoints, deployments and the traffic history in the workspace database.</summary>
internal sealed class LocalEndpointStore(StoreDb db) : IEndpointStore
{
    private const string EndpointColumns = "name, auth_mode, primary_key, secondary_key, url, traffic_json, mirror_json, created_at";
    private const string DeploymentColumns =
        "endpoint, name, model, model_version, image, target, instance_count, timeout_ms, max_concurrent, status, status_reason, instances_json, created_at";

    public void SaveEndpoint(EndpointRecord e)
    {
        Names.Validate("endpoint", e.Name);
        db.Write(s => s.Exec($"""
            INSERT INTO endpoints({EndpointColumns}) VALUES($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7)
            ON CONFLICT(name) DO UPDATE SET auth_mode = excluded.auth_mode, primary_key = excluded.primary_key,
              secondary_key = excluded.secondary_key, url = excluded.url, traffic_json = excluded.traffic_json, mirror_json = excluded.mirror_json
            """, e.Name, e.AuthMode, e.PrimaryKey, e.SecondaryKey, e.Url, Json(e.Traffic), Json(e.Mirror), e.CreatedAt));
    }

    public EndpointRecord? FindEndpoint(string name) => db.Read(s =>
        s.Query($"SELECT {EndpointColumns} FROM endpoints WHERE name = $p0", MapEndpoint, name).FirstOrDefault());

    public IReadOnlyList<EndpointRecord> ListEndpoints() => db.Read(s =>
        s.Query($"SELECT {EndpointColumns} FROM endpoints ORDER BY name", MapEndpoint));

    public void DeleteEndpoint(string name) => db.Write(s =>
    {
        if (s.Exec("DELETE FROM endpoints WHERE name = $p0", name) == 0) throw EndpointNotFound(s, name);
        s.Exec("DELETE FROM deployments WHERE endpoint = $p0", name);
    });

    public void SetTraffic(string endpoint, IReadOnlyDictionary<string, int> traffic, IReadOnlyDictionary<string, int>? mirror, string who, string? reason) =>
        db.Write(s =>
        {
            var current = s.Query("SELECT traffic_json, mirror_json FROM endpoints WHERE name = $p0", r => (r.GetString(0), r.GetString(1)), endpoint);
            if (current.Count == 0) throw EndpointNotFound(s, endpoint);
            var to = Json(traffic);
            s.Exec("UPDATE endpoints SET traffic_json = $p1, mirror_json = $p2 WHERE name = $p0", endpoint, to, mirror is null ? current[0].Item2 : Json(mirror));
            s.Exec("INSERT INTO traffic_history(endpoint, from_json, to_json, who, at, reason) VALUES($p0, $p1, $p2, $p3, $p4, $p5)",
                endpoint, current[0].Item1, to, who, DateTimeOffset.UtcNow, reason);
        });

    public IReadOnlyList<TrafficChange> TrafficHistory(string endpoint) => db.Read(s =>
        s.Query("SELECT endpoint, from_json, to_json, who, at, reason FROM traffic_history WHERE endpoint = $p0 ORDER BY id",
            r => new TrafficChange(r.GetString(0), Map(r.GetString(1)), Map(r.GetString(2)), r.GetString(3), r.Time(4), r.StrOrNull(5)), endpoint));

    public void SaveDeployment(DeploymentRecord d)
    {
        Names.Validate("deployment", d.Name);
        db.Write(s =>
        {
            if (s.Long("SELECT COUNT(*) FROM endpoints WHERE name = $p0", d.Endpoint) == 0) throw EndpointNotFound(s, d.Endpoint);
            s.Exec($"""
                INSERT INTO deployments({DeploymentColumns}) VALUES($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10, $p11, $p12)
                ON CONFLICT(endpoint, name) DO UPDATE SET model = excluded.model, model_version = excluded.model_version, image = excluded.image,
                  target = excluded.target, instance_count = excluded.instance_count, timeout_ms = excluded.timeout_ms,
                  max_concurrent = excluded.max_concurrent, status = excluded.status, status_reason = excluded.status_reason,
                  instances_json = excluded.instances_json
                """, d.Endpoint, d.Name, d.Model, d.ModelVersion, d.Image, d.Target, d.InstanceCount, d.RequestTimeoutMs,
                d.MaxConcurrentRequests, d.Status, d.StatusReason, JsonSerializer.Serialize(d.Instances), d.CreatedAt);
        });
    }

    public DeploymentRecord? FindDeployment(string endpoint, string name) => db.Read(s =>
        s.Query($"SELECT {DeploymentColumns} FROM deployments WHERE endpoint = $p0 AND name = $p1", MapDeployment, endpoint, name).FirstOrDefault());

    public IReadOnlyList<DeploymentRecord> ListDeployments(string? endpoint = null) => db.Read(s => endpoint is null
        ? s.Query($"SELECT {DeploymentColumns} FROM deployments ORDER BY endpoint, name", MapDeployment)
        : s.Query($"SELECT {DeploymentColumns} FROM deployments WHERE endpoint = $p0 ORDER BY name", MapDeployment, endpoint));

    public void DeleteDeployment(string endpoint, string name) => db.Write(s =>
    {
        if (s.Exec("DELETE FROM deployments WHERE endpoint = $p0 AND name = $p1", endpoint, name) == 0)
            throw MlpException.NotFound("deployment", $"{endpoint}/{name}",
                s.Query("SELECT endpoint || '/' || name FROM deployments ORDER BY 1", r => r.GetString(0)));
    });

    private static MlpException EndpointNotFound(DbSession s, string name) =>
        MlpException.NotFound("endpoint", name, s.Query("SELECT name FROM endpoints ORDER BY name", r => r.GetString(0)));

    private static string Json(IReadOnlyDictionary<string, int> map) => JsonSerializer.Serialize(map);

    private static Dictionary<string, int> Map(string json) => JsonSerializer.Deserialize<Dictionary<string, int>>(json) ?? [];

    private static EndpointRecord MapEndpoint(System.Data.Common.DbDataReader r) => new()
    {
        Name = r.GetString(0),
        AuthMode = r.GetString(1),
        PrimaryKey = r.GetString(2),
        SecondaryKey = r.GetString(3),
        Url = r.StrOrNull(4),
        Traffic = Map(r.GetString(5)),
        Mirror = Map(r.GetString(6)),
        CreatedAt = r.Time(7),
    };

    private static DeploymentRecord MapDeployment(System.Data.Common.DbDataReader r) => new()
    {
        Endpoint = r.GetString(0),
        Name = r.GetString(1),
        Model = r.GetString(2),
        ModelVersion = r.GetInt32(3),
        Image = r.StrOrNull(4),
        Target = r.GetString(5),
        InstanceCount = r.GetInt32(6),
        RequestTimeoutMs = r.GetInt32(7),
        MaxConcurrentRequests = r.GetInt32(8),
        Status = (DeploymentStatus)r.GetInt32(9),
        StatusReason = r.StrOrNull(10),
        Instances = JsonSerializer.Deserialize<List<DeploymentInstance>>(r.GetString(11)) ?? [],
        CreatedAt = r.Time(12),
    };
}
