using MlPipelines.Endpoints.Local;

namespace MlPipelines.Endpoints.Tests;

/// <summary>Instance logs are size-capped and rotated, whatever the instance writes.</summary>
public sealed class InstanceLogTests
{
    [Fact]
    public async Task Supervise_ChattyInstance_LogCappedAndRotatedToConfiguredFiles()
    {
        var dir = Directory.CreateTempSubdirectory("mlp-ilog-").FullName;
        try
        {
            // 4000 lines of 100 bytes (≈ 400 kB) on stdout and stderr, then the process just lives on.
            var spec = new LaunchSpec
            {
                FileName = "/bin/sh",
                Arguments = ["-c", "i=0; while [ $i -lt 2000 ]; do printf '%099d\\n' $i; printf '%099d\\n' $i >&2; i=$((i+1)); done; echo DONE; exec sleep 600"],
                LogMaxBytes = 20_000,
                LogFiles = 3,
                StartupTimeoutMs = 600_000,
            };
            var log = Path.Combine(dir, "instance-0.log");
            using var http = new HttpClient();
            await using (var instance = new SupervisedInstance("blue-0", spec, log, dir, http))
            {
                for (var i = 0; i < 600 && !(File.Exists(log) && File.ReadAllText(log).Contains("DONE")); i++) await Task.Delay(50);
                Assert.Contains("DONE", File.ReadAllText(log));
            }
            var files = Directory.GetFiles(dir, "instance-0.log*").Order().ToList();
            Assert.Equal([log, log + ".1", log + ".2"], files);
            Assert.All(files, f => Assert.InRange(new FileInfo(f).Length, 1, 20_000));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
