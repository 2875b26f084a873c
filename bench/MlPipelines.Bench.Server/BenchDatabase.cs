using Npgsql;

namespace MlPipelines.Bench.Server;

/// <summary>A fresh database on the MLP_TEST_POSTGRES server for one benchmark run, dropped afterwards.</summary>
internal sealed class BenchDatabase : IDisposable
{
    private readonly NpgsqlConnectionStringBuilder _admin;

    private BenchDatabase(NpgsqlConnectionStringBuilder admin, string name)
    {
        _admin = admin;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Database = name }.ConnectionString;
    }

    public string Name { get; }
    public string ConnectionString { get; }
    public string Uri => $"postgresql://{System.Uri.EscapeDataString(_admin.Username!)}:{System.Uri.EscapeDataString(_admin.Password ?? "")}@{_admin.Host}:{_admin.Port}/{Name}";

    public static BenchDatabase Create()
    {
        var cs = Environment.GetEnvironmentVariable("MLP_TEST_POSTGRES")
            ?? throw new InvalidOperationException("--store postgresql needs MLP_TEST_POSTGRES (an Npgsql connection string; 'source .ci/services/postgres.sh' sets it).");
        var admin = new NpgsqlConnectionStringBuilder(cs);
        var db = new BenchDatabase(admin, "mlp_bench_" + Guid.NewGuid().ToString("N")[..12]);
        db.Admin($"CREATE DATABASE {db.Name}");
        return db;
    }

    private void Admin(string sql)
    {
        using var c = new NpgsqlConnection(_admin.ConnectionString);
        c.Open();
        using var cmd = new NpgsqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Leaves the database in place when disposed (to look at its plans with psql afterwards).</summary>
    public bool Keep { get; set; }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        if (Keep)
        {
            Console.Error.WriteLine($"kept database {Name}: drop it with DROP DATABASE {Name};");
            return;
        }
        Admin($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }
}
