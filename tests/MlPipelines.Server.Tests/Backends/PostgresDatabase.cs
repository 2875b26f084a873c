using Npgsql;

namespace MlPipelines.Server.Tests.Backends;

/// <summary>A fresh database on the MLP_TEST_POSTGRES server (dropped on dispose), so tests never see each other's rows.</summary>
public sealed class PostgresDatabase : IDisposable
{
    /// <summary>The variable naming the test server; <c>.ci/services/postgres.sh start</c> prints it.</summary>
    public const string Variable = "MLP_TEST_POSTGRES";

    private readonly NpgsqlConnectionStringBuilder _admin;

    public PostgresDatabase()
    {
        _admin = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable(Variable) ?? throw new InvalidOperationException(Variable + " is not set"));
        Name = "mlp_t_" + Guid.NewGuid().ToString("N")[..16];
        AdminExec($"CREATE DATABASE {Name}");
        ConnectionString = new NpgsqlConnectionStringBuilder(_admin.ConnectionString) { Database = Name }.ConnectionString;
    }

    /// <summary>The database's name.</summary>
    public string Name { get; }

    /// <summary>An Npgsql connection string to this database.</summary>
    public string ConnectionString { get; }

    /// <summary>The same as a <c>--store</c> URI (user and password percent-encoded).</summary>
    public string Uri => $"postgresql://{System.Uri.EscapeDataString(_admin.Username!)}:{System.Uri.EscapeDataString(_admin.Password ?? "")}@{_admin.Host}:{_admin.Port}/{Name}";

    /// <summary>The password of the test role (to check it is never shown).</summary>
    public string Password => _admin.Password ?? "";

    /// <summary>One value of a query in this database.</summary>
    public object? Scalar(string sql)
    {
        using var c = new NpgsqlConnection(ConnectionString);
        c.Open();
        using var cmd = new NpgsqlCommand(sql, c);
        return cmd.ExecuteScalar();
    }

    /// <summary>The first column of every row of a query in this database.</summary>
    public List<string> Column(string sql)
    {
        using var c = new NpgsqlConnection(ConnectionString);
        c.Open();
        using var cmd = new NpgsqlCommand(sql, c);
        using var r = cmd.ExecuteReader();
        var list = new List<string>();
        while (r.Read()) list.Add(Convert.ToString(r.GetValue(0))!);
        return list;
    }

    /// <summary>Runs SQL in this database.</summary>
    public void Exec(string sql) => Scalar(sql);

    private void AdminExec(string sql)
    {
        using var c = new NpgsqlConnection(_admin.ConnectionString);
        c.Open();
        using var cmd = new NpgsqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        using (var c = new NpgsqlConnection(ConnectionString)) NpgsqlConnection.ClearPool(c);
        // FORCE cannot end a backend of another role (an autovacuum worker visiting the new database): wait it out.
        for (var attempt = 1; ; attempt++)
        {
            try { AdminExec($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)"); return; }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse && attempt < 50)
            {
                Thread.Sleep(100);
            }
        }
    }
}
