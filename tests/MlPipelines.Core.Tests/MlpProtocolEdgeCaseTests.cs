using MlPipelines.Core.Protocol;

namespace MlPipelines.Core.Tests;

public class MlpProtocolEdgeCaseTests
{
    [Theory]
    [InlineData("1e999", "Infinity")]
    [InlineData("-1e999", "-Infinity")]
    public void Parse_MetricOverflowingToInfinity_WarnsInsteadOfStoringInfinity(string text, string literal)
    {
        var r = MlpLineParser.Parse($"##mlp[metric name=loss]{text}")!;
        Assert.Null(r.Command);
        Assert.Contains($"'{text}' is too large", r.Warning);
        Assert.Contains($"write {literal}", r.Warning);
    }

    [Fact]
    public void Parse_MetricInfinityLiteral_StillAccepted() =>
        Assert.Equal(double.PositiveInfinity, ((MetricCommand)MlpLineParser.Parse("##mlp[metric name=loss]Infinity")!.Command!).Value);

    [Fact]
    public void Parse_UnquotedNameWithSpace_SaysToQuoteIt()
    {
        var r = MlpLineParser.Parse("##mlp[metric name=my metric]0.5")!;
        Assert.Null(r.Command);
        Assert.Contains("a name with spaces must be quoted: name=\"my metric\"", r.Warning);
        Assert.StartsWith("Ignored malformed ##mlp line", r.Warning);
    }

    [Fact]
    public void Parse_UnquotedNameWithSpaceThenStep_SaysToQuoteIt() =>
        Assert.Contains("must be quoted", MlpLineParser.Parse("##mlp[metric name=my metric step=2]0.5")!.Warning);

    [Fact]
    public void Parse_QuotedKeysWithSpaceOrSlash_AcceptedAsMlflowDoes()
    {
        Assert.Equal("my param", ((ParamCommand)MlpLineParser.Parse("##mlp[param name=\"my param\"]1")!.Command!).Name);
        Assert.Equal("train/loss", ((MetricCommand)MlpLineParser.Parse("##mlp[metric name=train/loss step=3]0.5")!.Command!).Name);
    }

    [Theory]
    [InlineData("##mlp[metric name=/loss]1", "starts or ends with '/'")]
    [InlineData("##mlp[metric name=a//b]1", "contains '//'")]
    [InlineData("##mlp[metric name=a/../b]1", "'..' segment")]
    [InlineData("##mlp[tag name=a|b]1", "character '|' is not allowed")]
    public void Parse_KeyThatReadsAsAnotherPath_Refused(string line, string why) =>
        Assert.Contains(why, MlpLineParser.Parse(line)!.Warning);

    [Fact]
    public void InvalidUtf8Warning_ProtocolLine_SaysBytesWereReplaced() =>
        Assert.Contains("not valid UTF-8; the invalid bytes were replaced with U+FFFD", MlpLineParser.InvalidUtf8Warning("##mlp[tag name=t]a\uFFFDb"));

    [Fact]
    public void InvalidUtf8Warning_OrdinaryLine_IsNull() => Assert.Null(MlpLineParser.InvalidUtf8Warning("plain \uFFFD"));
}
