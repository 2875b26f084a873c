using Xunit.Abstractions;
using Xunit.Sdk;

namespace MlPipelines.Server.Tests.Backends;

// The pattern of tests/MlPipelines.Workspace.Tests/Backends/WorkspaceFactAttribute.cs, for the server's tests.

/// <summary>Marks a test class that needs PostgreSQL: its <see cref="StoreFactAttribute"/> tests need MLP_TEST_POSTGRES.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresPostgresAttribute : Attribute
{
    /// <summary>Why PostgreSQL tests are skipped here, or null when a database is configured.</summary>
    public static string? Missing => string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(PostgresDatabase.Variable))
        ? $"{PostgresDatabase.Variable} is not set: start PostgreSQL with `source .ci/services/postgres.sh`"
        : null;
}

/// <summary>
/// A fact of a test suite run on both server-store engines: in a class marked <see cref="RequiresPostgresAttribute"/>
/// it is skipped, with the reason shown, when no PostgreSQL database is configured.
/// </summary>
[XunitTestCaseDiscoverer("MlPipelines.Server.Tests.Backends.StoreFactDiscoverer", "MlPipelines.Server.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;

/// <summary>Discovers <see cref="StoreFactAttribute"/> tests, skipping the PostgreSQL ones without a database.</summary>
public sealed class StoreFactDiscoverer(IMessageSink sink) : FactDiscoverer(sink)
{
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions options, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var isPostgres = testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresPostgresAttribute)).Any();
        return isPostgres && RequiresPostgresAttribute.Missing is { } reason
            ? new XunitSkippedDataRowTestCase(DiagnosticMessageSink, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), testMethod, reason)
            : base.CreateTestCase(options, testMethod, factAttribute);
    }
}
