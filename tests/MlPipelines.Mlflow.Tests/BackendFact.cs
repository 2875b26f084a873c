using MlPipelines.Server.Tests.Backends;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace MlPipelines.Mlflow.Tests;

/// <summary>Marks a contract-test class that runs against a server on PostgreSQL: its <see cref="BackendFactAttribute"/> tests need MLP_TEST_POSTGRES.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class OnPostgresAttribute : Attribute
{
    /// <summary>Why PostgreSQL tests are skipped here, or null when a database is configured.</summary>
    public static string? Missing => string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(PostgresDatabase.Variable))
        ? $"{PostgresDatabase.Variable} is not set: start PostgreSQL with `source .ci/services/postgres.sh`"
        : null;
}

/// <summary>A contract test run on every server-store engine; skipped (with the reason shown) on PostgreSQL without a database.</summary>
[XunitTestCaseDiscoverer("MlPipelines.Mlflow.Tests.BackendFactDiscoverer", "MlPipelines.Mlflow.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class BackendFactAttribute : FactAttribute;

/// <summary>Discovers <see cref="BackendFactAttribute"/> tests.</summary>
public sealed class BackendFactDiscoverer(IMessageSink sink) : FactDiscoverer(sink)
{
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions options, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var isPostgres = testMethod.TestClass.Class.GetCustomAttributes(typeof(OnPostgresAttribute)).Any();
        return isPostgres && OnPostgresAttribute.Missing is { } reason
            ? new XunitSkippedDataRowTestCase(DiagnosticMessageSink, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), testMethod, reason)
            : base.CreateTestCase(options, testMethod, factAttribute);
    }
}
