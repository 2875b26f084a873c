using MlPipelines.Core.Protocol;

namespace MlPipelines.Core.Tests;

public class MlpProtocolTests
{
    [Fact]
    public void Parse_OrdinaryLine_IsNotProtocol() => Assert.Null(MlpLineParser.Parse("epoch 3: accuracy 0.93"));

    [Fact]
    public void Parse_MetricWithStep_ReturnsMetric()
    {
        var r = MlpLineParser.Parse("##mlp[metric name=accuracy step=3]0.93")!;
        Assert.Null(r.Warning);
        Assert.Equal(new MetricCommand("accuracy", 0.93, 3), r.Command);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("nan")]
    public void Parse_MetricNaN_Accepted(string text) =>
        Assert.True(double.IsNaN(((MetricCommand)MlpLineParser.Parse($"##mlp[metric name=loss]{text}")!.Command!).Value));

    [Theory]
    [InlineData("Infinity", double.PositiveInfinity)]
    [InlineData("-Infinity", double.NegativeInfinity)]
    [InlineData("inf", double.PositiveInfinity)]
    [InlineData("1e-3", 0.001)]
    [InlineData(" -2.5 ", -2.5)]
    public void Parse_MetricSpecialAndInvariantNumbers_Accepted(string text, double expected) =>
        Assert.Equal(expected, ((MetricCommand)MlpLineParser.Parse($"##mlp[metric name=loss]{text}")!.Command!).Value);

    [Theory]
    [InlineData("##mlp[metric name=acc]high", "value 'high' is not a number")]
    [InlineData("##mlp[metric name=acc]0,93", "value '0,93' is not a number")]
    [InlineData("##mlp[metric name=acc]", "value '' is not a number")]
    [InlineData("##mlp[metric name=acc step=x]1", "step 'x'")]
    [InlineData("##mlp[metric name=acc step=-1]1", "step '-1'")]
    [InlineData("##mlp[metric]1", "needs name=")]
    [InlineData("##mlp[metric name=a b]1", "a name with spaces must be quoted: name=\"a b\"")]
    [InlineData("##mlp[metric name=acc", "missing ']'")]
    [InlineData("##mlp[]x", "missing command")]
    [InlineData("##mlp[bogus name=x]1", "unknown command 'bogus'")]
    [InlineData("##mlp[param name=lr colour=red]1", "unknown attribute 'colour'")]
    [InlineData("##mlp[output name=model]../../etc/passwd", "contains '..'")]
    [InlineData("##mlp[output name=model]/etc/passwd", "is absolute")]
    [InlineData("##mlp[image name=roc]../x.png", "contains '..'")]
    [InlineData("##mlp[image name=roc]plot.bmp", "must be a .png or .svg")]
    [InlineData("##mlp[table name=cm]{not json", "not valid JSON")]
    public void Parse_MalformedLine_WarningQuotesLine(string line, string reason)
    {
        var r = MlpLineParser.Parse(line)!;
        Assert.Null(r.Command);
        Assert.NotNull(r.Warning);
        Assert.Contains(reason, r.Warning);
        Assert.EndsWith(line, r.Warning);
    }

    [Fact]
    public void Parse_AllCommandKinds_Typed()
    {
        Assert.Equal(new ParamCommand("lr", "0.1"), MlpLineParser.Parse("##mlp[param name=lr]0.1")!.Command);
        Assert.Equal(new TagCommand("k", "some value"), MlpLineParser.Parse("  ##mlp[tag name=k]some value\r")!.Command);
        Assert.Equal(new OutputCommand("model", "model/weights.bin"), MlpLineParser.Parse("##mlp[output name=model]./model\\weights.bin")!.Command);
        Assert.Equal(new TableCommand("cm", "{\"rows\":[[1,2]]}"), MlpLineParser.Parse("##mlp[table name=cm]{\"rows\":[[1,2]]}")!.Command);
        Assert.Equal(new ImageCommand("roc", "plots/roc.png"), MlpLineParser.Parse("##mlp[image name=roc]plots/roc.png")!.Command);
    }
}
