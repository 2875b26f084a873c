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
    public void Parse_UnquotedNameWithSpace_SaysNamesCannotContainSpaces()
    {
        var r = MlpLineParser.Parse("##mlp[metric name=my metric]0.5")!;
        Assert.Null(r.Command);
        Assert.Contains("names cannot contain spaces: 'my metric'", r.Warning);
        Assert.StartsWith("Ignored malformed ##mlp line", r.Warning);
    }

    [Fact]
    public void Parse_UnquotedNameWithSpaceThenStep_SaysNamesCannotContainSpaces() =>
        Assert.Contains("names cannot contain spaces", MlpLineParser.Parse("##mlp[metric name=my metric step=2]0.5")!.Warning);

    [Fact]
    public void Parse_QuotedNameWithSpace_SaysNamesCannotContainSpaces() =>
        Assert.Contains("names cannot contain spaces: 'my metric'", MlpLineParser.Parse("##mlp[param name=\"my metric\"]1")!.Warning);

    [Fact]
    public void InvalidUtf8Warning_ProtocolLine_SaysBytesWereReplaced() =>
        Assert.Contains("not valid UTF-8; the invalid bytes were replaced with U+FFFD", MlpLineParser.InvalidUtf8Warning("##mlp[tag name=t]a\uFFFDb"));

    [Fact]
    public void InvalidUtf8Warning_OrdinaryLine_IsNull() => Assert.Null(MlpLineParser.InvalidUtf8Warning("plain \uFFFD"));
}
