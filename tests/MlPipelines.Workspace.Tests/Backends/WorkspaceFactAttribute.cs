using Xunit.Abstractions;
using Xunit.Sdk;

namespace MlPipelines.Workspace.Tests.Backends;

/// <summary>Marks a test class whose workspace is PostgreSQL: its <see cref="WorkspaceFactAttribute"/> tests need MLP_TEST_POSTGRES.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresPostgresAttribute : Attribute
{
    /// <summary>Why PostgreSQL tests are skipped here, or null when a database is configured.</summary>
    public static string? Missing => string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(PostgresBackend.Variable))
        ? $"{PostgresBackend.Variable} is not set: start PostgreSQL with `source .ci/services/postgres.sh`"
        : null;
}

/// <summary>
/// A fact of a test suite shared by the workspace stores: in a class marked <see cref="RequiresPostgresAttribute"/>
/// it is skipped, with the reason shown, when no PostgreSQL database is configured.
/// </summary>
[XunitTestCaseDiscoverer("MlPipelines.Workspace.Tests.Backends.WorkspaceFactDiscoverer", "MlPipelines.Workspace.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class WorkspaceFactAttribute : FactAttribute;

/// <summary>Discovers <see cref="WorkspaceFactAttribute"/> tests, skipping the PostgreSQL ones without a database.</summary>
public sealed class WorkspaceFactDiscoverer(IMessageSink sink) : FactDiscoverer(sink)
{
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions options, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var isPostgres = testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresPostgresAttribute)).Any();
        return isPostgres && RequiresPostgresAttribute.Missing is { } reason
            ? new XunitSkippedDataRowTestCase(DiagnosticMessageSink, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), testMethod, reason)
            : base.CreateTestCase(options, testMethod, factAttribute);
    }
}
