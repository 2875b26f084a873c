using MlPipelines.Core.Errors;

namespace MlPipelines.Compute.Kubernetes.Tests;

public sealed class KubernetesJobLayoutTests
{
    private static readonly KubernetesVolume Volume = new("mlp-work", "/mnt/mlp", "/srv/claim");

    [Fact]
    public void Plan_WorkOutsideTheClaim_StagesItAndMapsPathsToTheJobFolder()
    {
        var job = new ComputeJob("python3", ["train.py"])
        {
            WorkingDirectory = "/home/ada/p", OutputDirectory = "/home/ada/p/.mlp/runs/r1/outputs",
            ReadOnlyPaths = ["/home/ada/p/data/a.csv", "/home/ada/p/.mlp/artifacts/ab/cd", "/data/shared/iris", "/srv/claim/features"],
        };

        var layout = KubernetesJobLayout.Plan(job, Volume, "j-1", "k8s");

        Assert.Equal("/srv/claim/mlp-jobs/j-1", layout.JobFolder);
        Assert.Equal("/mnt/mlp/mlp-jobs/j-1/work", layout.WorkingDirectory);
        Assert.Equal("/mnt/mlp/mlp-jobs/j-1/outputs", layout.OutputDirectory);
        Assert.Equal("/srv/claim/mlp-jobs/j-1/outputs", layout.StagedOutputs);
        // a.csv comes with the working folder, the claim's own file is used in place; a file in a skipped folder (.mlp) and one elsewhere are staged.
        Assert.Equal(
        [
            ("/home/ada/p", "/srv/claim/mlp-jobs/j-1/work", true),
            ("/home/ada/p/.mlp/artifacts/ab/cd", "/srv/claim/mlp-jobs/j-1/inputs/0/cd", false),
            ("/data/shared/iris", "/srv/claim/mlp-jobs/j-1/inputs/1/iris", false),
        ], layout.Copies);
        Assert.Equal("/mnt/mlp/mlp-jobs/j-1/inputs/0/cd", layout.ToPod("/home/ada/p/.mlp/artifacts/ab/cd"));
        Assert.Equal("/mnt/mlp/features", layout.ToPod("/srv/claim/features"));
        Assert.Null(layout.ToPod("/etc/passwd"));
    }

    [Fact]
    public void Plan_EverythingUnderTheClaim_CopiesNothingAndRewritesInPlace()
    {
        var job = new ComputeJob("python3", ["/srv/claim/team/p/train.py"]) { WorkingDirectory = "/srv/claim/team/p", OutputDirectory = "/srv/claim/team/p/out" };

        var layout = KubernetesJobLayout.Plan(job, Volume, "j-2", "k8s");

        Assert.Empty(layout.Copies);
        Assert.Null(layout.StagedOutputs);
        Assert.Equal("/mnt/mlp/team/p", layout.WorkingDirectory);
        Assert.Equal("/mnt/mlp/team/p/out", layout.OutputDirectory);
        Assert.Equal("/mnt/mlp/team/p/train.py", layout.Rewrite("/srv/claim/team/p/train.py"));
    }

    [Theory]
    [InlineData("--data=/srv/claim/x.csv", "--data=/mnt/mlp/x.csv")]
    [InlineData("/srv/claim", "/mnt/mlp")]
    [InlineData("/srv/claimed/x", "/srv/claimed/x")]
    [InlineData("relative/srv/claim", "relative/srv/claim")]
    [InlineData("--epochs=10", "--epochs=10")]
    [InlineData("a=b=/srv/claim/x", "a=b=/srv/claim/x")]
    public void Rewrite_Word_RewritesOnlyPathsThePodSees(string word, string expected)
    {
        var layout = KubernetesJobLayout.Plan(new ComputeJob("x", []) { WorkingDirectory = "/srv/claim/w" }, Volume, "j", "k8s");

        Assert.Equal(expected, layout.Rewrite(word));
    }

    [Fact]
    public void Plan_NoVolumeButInputs_IsRefusedNamingThem()
    {
        var job = new ComputeJob("python3", []) { ReadOnlyPaths = ["/data/iris.csv"] };

        var e = Assert.Throws<MlpException>(() => KubernetesJobLayout.Plan(job, null, "j", "k8s"));

        Assert.Equal("Compute target 'k8s' has no volume, so its pods cannot see the job's inputs '/data/iris.csv'; set its 'pvc', 'pvc-mount' and 'pvc-host-path' options.", e.Message);
    }

    [Fact]
    public void Plan_NoVolume_RunsFromTheImageWithPodLocalOutputs()
    {
        var layout = KubernetesJobLayout.Plan(new ComputeJob("python3", ["/home/ada/p/x.py"]) { WorkingDirectory = "/home/ada/p", OutputDirectory = "/home/ada/out" }, null, "j", "k8s");

        Assert.Null(layout.JobFolder);
        Assert.Null(layout.WorkingDirectory);
        Assert.Equal(KubernetesJobLayout.PodLocalOutputs, layout.OutputDirectory);
        Assert.Equal("/home/ada/p/x.py", layout.Rewrite("/home/ada/p/x.py"));
    }

    [Fact]
    public void Stage_RealFolders_CopiesSkipsWorkspaceAndOutsideLinksAndCopiesOutputsBack()
    {
        var root = Directory.CreateTempSubdirectory("mlp-k8s-stage-").FullName;
        try
        {
            var claim = Directory.CreateDirectory(Path.Combine(root, "claim")).FullName;
            var work = Directory.CreateDirectory(Path.Combine(root, "work")).FullName;
            var outputs = Directory.CreateDirectory(Path.Combine(work, ".mlp", "out")).FullName;
            var input = Directory.CreateDirectory(Path.Combine(root, "data")).FullName;
            File.WriteAllText(Path.Combine(work, "train.py"), "x");
            File.WriteAllText(Path.Combine(work, ".mlp", "workspace.db"), "db");
            File.WriteAllText(Path.Combine(input, "iris.csv"), "1,2");
            File.WriteAllText(Path.Combine(root, "secret.txt"), "s");
            File.CreateSymbolicLink(Path.Combine(work, "leak.txt"), Path.Combine(root, "secret.txt"));
            File.CreateSymbolicLink(Path.Combine(work, "alias.py"), Path.Combine(work, "train.py"));
            var job = new ComputeJob("python3", []) { WorkingDirectory = work, OutputDirectory = outputs, ReadOnlyPaths = [input] };
            var layout = KubernetesJobLayout.Plan(job, new KubernetesVolume("c", "/mnt/c", claim), "j", "k8s");

            KubernetesStaging.Stage(layout, claim);
            var folder = layout.JobFolder!;
            Assert.True(File.Exists(Path.Combine(folder, "work", "train.py")));
            Assert.True(File.Exists(Path.Combine(folder, "work", "alias.py")));
            Assert.False(File.Exists(Path.Combine(folder, "work", "leak.txt")));
            Assert.False(Directory.Exists(Path.Combine(folder, "work", ".mlp")));
            Assert.Equal("1,2", File.ReadAllText(Path.Combine(folder, "inputs", "0", "data", "iris.csv")));

            File.WriteAllText(Path.Combine(folder, "outputs", "model.bin"), "m");
            KubernetesStaging.CopyOutputsBack(layout, job);
            Assert.Equal("m", File.ReadAllText(Path.Combine(outputs, "model.bin")));

            KubernetesStaging.Delete(layout);
            Assert.False(Directory.Exists(folder));
        }
        finally { Directory.Delete(root, true); }
    }
}
