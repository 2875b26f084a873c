using MlPipelines.Core.Protocol;

namespace MlPipelines.Core.Tests;

/// <summary>The allocation-free metric reader agrees with <see cref="MlpLineParser.Parse"/> whenever it accepts a line, and leaves every other line to it.</summary>
public class MlpMetricFastPathTests
{
    [Theory]
    [InlineData("##mlp[metric name=loss step=3]0.25", "loss", 0.25, 3L)]
    [InlineData("  ##mlp[metric name=acc]0.9\r", "acc", 0.9, null)]
    [InlineData("##mlp[metric  step=7  name=a.b-c_d ] -1e-3 ", "a.b-c_d", -0.001, 7L)]
    [InlineData("##mlp[metric name=x step=+5]1", "x", 1.0, 5L)]
    public void TryParseMetric_SimpleLine_SameAsParse(string line, string name, double value, long? step)
    {
        Assert.True(MlpLineParser.TryParseMetric(line, out var n, out var v, out var s));
        Assert.Equal((name, value, step), (n.ToString(), v, s));
        Assert.Equal(new MetricCommand(name, value, step), MlpLineParser.Parse(line)!.Command);
    }

    [Theory]
    [InlineData("epoch 3")]
    [InlineData("##mlp[param name=lr]0.1")]
    [InlineData("##mlp[METRIC name=loss]0.1")]
    [InlineData("##mlp[metric name=\"loss\"]0.1")]
    [InlineData("##mlp[metric name=loss]NaN")]
    [InlineData("##mlp[metric name=loss]Infinity")]
    [InlineData("##mlp[metric name=loss]1e999")]
    [InlineData("##mlp[metric name=loss]abc")]
    [InlineData("##mlp[metric name=loss]")]
    [InlineData("##mlp[metric name=loss step=-1]1")]
    [InlineData("##mlp[metric name=loss step=1 step=2]1")]
    [InlineData("##mlp[metric name= name=loss]1")]
    [InlineData("##mlp[metric name=my metric]1")]
    [InlineData("##mlp[metric name=a/b]1")]
    [InlineData("##mlp[metric name=loss epoch=1]1")]
    [InlineData("##mlp[metric name=loss 1")]
    public void TryParseMetric_AnythingElse_LeftToParse(string line)
    {
        Assert.False(MlpLineParser.TryParseMetric(line, out _, out _, out _));
        if (line.StartsWith("##mlp[metric name=loss]", StringComparison.Ordinal) && line.Length > 23 && line[23..] is "NaN" or "Infinity")
            Assert.IsType<MetricCommand>(MlpLineParser.Parse(line)!.Command);
    }
}
