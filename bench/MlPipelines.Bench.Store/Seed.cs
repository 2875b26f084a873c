using MlPipelines.Core.Hashing;
using MlPipelines.Core.Registry;
using MlPipelines.Workspace;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Bench.Store;

/// <summary>Bulk data for the benchmarks, written with prepared statements in one transaction (setup, not measured).</summary>
internal static class Seed
{
    public static void Runs(StoreDb db, string experiment, int count)
    {
        var rnd = new Random(42);
        db.Write(s =>
        {
            s.Exec("INSERT INTO experiments(name, created_at) VALUES($p0, $p1)", experiment, DateTimeOffset.UtcNow);
            var expId = s.Long("SELECT id FROM experiments WHERE name = $p0", experiment)!.Value;
            var run = s.Prepared("INSERT INTO runs(key, id, experiment_id, name, status, created_at, started_at, ended_at) VALUES($p0, $p1, $p2, $p3, 2, $p4, $p4, $p5)", 6);
            var metric = s.Prepared("INSERT INTO latest_metrics(run_key, name, value, special, step, ts) VALUES($p0, $p1, $p2, 0, 0, $p3)", 4);
            var history = s.Prepared("INSERT INTO metrics(run_key, name, step, value, special, ts) VALUES($p0, $p1, 0, $p2, 0, $p3)", 4);
            var param = s.Prepared("INSERT INTO params(run_key, name, value, num) VALUES($p0, 'lr', $p1, $p2)", 3);
            var tag = s.Prepared("INSERT INTO tags(run_key, name, value) VALUES($p0, 'team', $p1)", 2);
            var start = DateTimeOffset.UtcNow.AddDays(-30).ToUnixTimeMilliseconds();
            string[] lrs = ["0.1", "0.01", "0.001"];
            string[] teams = ["alpha", "beta", "gamma", "delta"];
            for (var i = 1; i <= count; i++)
            {
                var created = start + i * 1000L;
                Set(run, i, $"run-seed-{i:D7}", expId, $"r{i}", created, created + 60_000);
                run.ExecuteNonQuery();
                foreach (var (name, value) in new[] { ("accuracy", rnd.NextDouble()), ("loss", rnd.NextDouble() * 2) })
                {
                    Set(metric, i, name, value, created);
                    metric.ExecuteNonQuery();
                    Set(history, i, name, value, created);
                    history.ExecuteNonQuery();
                }
                var lr = lrs[i % 3];
                Set(param, i, lr, double.Parse(lr, System.Globalization.CultureInfo.InvariantCulture));
                param.ExecuteNonQuery();
                Set(tag, i, teams[i % 4]);
                tag.ExecuteNonQuery();
            }
        });
        db.Write(s => s.Exec("ANALYZE"));
    }

    public static void ModelVersions(LocalWorkspace ws, int versions)
    {
        // Most versions belong to one model 'big'; the rest spread over 99 small models.
        var bigCount = versions - 99 * 10;
        ws.Database.Write(s =>
        {
            var model = s.Prepared("INSERT INTO models(name, version, hash, flavor, description, created_at, created_by, run_id) VALUES($p0, $p1, $p2, 'dotnet', 'seeded', $p3, 'bench', NULL)", 4);
            var file = s.Prepared("INSERT INTO model_files(name, version, path, hash, size) VALUES($p0, $p1, $p2, $p3, 1000)", 4);
            var tag = s.Prepared("INSERT INTO model_tags(name, version, key, value) VALUES($p0, $p1, 'stage', 'test')", 2);
            var metric = s.Prepared("INSERT INTO model_metrics(name, version, metric, value, special) VALUES($p0, $p1, 'accuracy', $p2, 0)", 3);
            void Add(string name, int v)
            {
                Set(model, name, v, ContentHash.OfText(name + v), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                model.ExecuteNonQuery();
                foreach (var path in new[] { "model.bin", "config.json" })
                {
                    Set(file, name, v, path, ContentHash.OfText(name + v + path));
                    file.ExecuteNonQuery();
                }
                Set(tag, name, v);
                tag.ExecuteNonQuery();
                Set(metric, name, v, 0.9);
                metric.ExecuteNonQuery();
            }
            for (var v = 1; v <= bigCount; v++) Add("big", v);
            for (var m = 1; m <= 99; m++)
                for (var v = 1; v <= 10; v++) Add($"model{m:D2}", v);
            s.Exec("INSERT INTO model_names(name, last_version) SELECT name, MAX(version) FROM models GROUP BY name");
        });
        ws.Models.SetAlias("big", "champion", bigCount / 2, "bench");
    }

    /// <summary>Writes a folder of sizeMb MiB as 64 MiB files plus 200 small files; returns the file count.</summary>
    public static int LargeFolder(string dir, int sizeMb)
    {
        Directory.CreateDirectory(dir);
        var rnd = new Random(7);
        var buffer = new byte[1 << 20];
        var count = 0;
        for (var mb = 0; mb < sizeMb; mb += 64, count++)
        {
            using var fs = File.Create(Path.Combine(dir, $"shard-{count:D3}.bin"));
            for (var j = 0; j < Math.Min(64, sizeMb - mb); j++)
            {
                rnd.NextBytes(buffer);
                fs.Write(buffer);
            }
        }
        for (var i = 0; i < 200; i++, count++)
            File.WriteAllText(Path.Combine(dir, "vocab", $"part-{i:D3}.txt").Also(p => Directory.CreateDirectory(Path.GetDirectoryName(p)!)), $"token {i}");
        return count;
    }

    private static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }

    private static void Set(System.Data.Common.DbCommand cmd, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++) cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
    }
}
