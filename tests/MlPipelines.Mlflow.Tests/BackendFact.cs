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

/// <summary>
/// A contract test run on every backend (server on SQLite and PostgreSQL, embedded workspace); skipped (with the reason
/// shown) on PostgreSQL without a database, and on the embedded workspace when it needs identities.
/// </summary>
[XunitTestCaseDiscoverer("MlPipelines.Mlflow.Tests.BackendFactDiscoverer", "MlPipelines.Mlflow.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class BackendFactAttribute : FactAttribute
{
    /// <summary>The test makes identities with roles (<see cref="MlflowServer.TokenWithRoleAsync"/>): skipped on the embedded workspace, which has none.</summary>
    public bool NeedsIdentities { get; set; }
}

/// <summary>Discovers <see cref="BackendFactAttribute"/> tests.</summary>
public sealed class BackendFactDiscoverer(IMessageSink sink) : FactDiscoverer(sink)
{
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions options, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var isPostgres = testMethod.TestClass.Class.GetCustomAttributes(typeof(OnPostgresAttribute)).Any();
        // An embedded variant is a class whose fixture (constructor parameter) is the EmbeddedMlflowServer.
        var isEmbedded = testMethod.TestClass.Class.ToRuntimeType().GetConstructors().Any(c => c.GetParameters().Any(p => p.ParameterType == typeof(EmbeddedMlflowServer)));
        var reason = isPostgres ? OnPostgresAttribute.Missing
            : isEmbedded && factAttribute.GetNamedArgument<bool>(nameof(BackendFactAttribute.NeedsIdentities)) ? EmbeddedMlflowServer.NoIdentities
            : null;
        return reason is not null
            ? new XunitSkippedDataRowTestCase(DiagnosticMessageSink, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), testMethod, reason)
            : base.CreateTestCase(options, testMethod, factAttribute);
    }
}
