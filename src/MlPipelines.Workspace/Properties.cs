using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("MlPipelines.Workspace.Tests")]
[assembly: InternalsVisibleTo("MlPipelines.Bench.Store")]
// The PostgreSQL store runs these same stores on its own StoreDb (see Sql/StoreDb.cs).
[assembly: InternalsVisibleTo("MlPipelines.Workspace.Postgres")]
[assembly: InternalsVisibleTo("MlPipelines.Workspace.Postgres.Tests")]
