using MlPipelines.Core.Errors;
using MlPipelines.Core.Query;

namespace MlPipelines.Core.Tests;

public class RunFilterParserTests
{
    [Fact]
    public void ParseFilter_AndBindsTighterThanOr()
    {
        var node = RunFilterParser.ParseFilter("metrics.a > 1 or metrics.b < 2 and params.lr = '0.1'");
        var or = Assert.IsType<OrNode>(node);
        Assert.IsType<ComparisonNode>(or.Left);
        Assert.IsType<AndNode>(or.Right);
    }

    [Fact]
    public void ParseFilter_Parentheses_GroupFirst()
    {
        var and = Assert.IsType<AndNode>(RunFilterParser.ParseFilter("(metrics.a > 1 OR tags.t = \"x\") AND attributes.status = 'completed'"));
        Assert.IsType<OrNode>(and.Left);
        var status = Assert.IsType<ComparisonNode>(and.Right);
        Assert.Equal((FieldKind.Attribute, "status", 37), (status.Field.Kind, status.Field.Name, status.Field.Column));
    }

    [Fact]
    public void ParseFilter_Literals_NumbersAndQuotedStrings()
    {
        var c = Assert.IsType<ComparisonNode>(RunFilterParser.ParseFilter("metrics.val-loss<=-1.5e-3"));
        Assert.Equal("val-loss", c.Field.Name);
        Assert.Equal(CompareOp.Le, c.Op);
        Assert.Equal(-1.5e-3, c.Value.Number);
        var s = Assert.IsType<ComparisonNode>(RunFilterParser.ParseFilter("tags.note LIKE 'it''s%'"));
        Assert.Equal("it's%", s.Value.Text);
        Assert.Equal(CompareOp.Like, s.Op);
    }

    [Fact]
    public void ParseFilter_IsoDateForStartTime_BecomesMilliseconds()
    {
        var c = Assert.IsType<ComparisonNode>(RunFilterParser.ParseFilter("attributes.start_time >= '2026-01-01T00:00:00Z'"));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), c.Value.Number);
    }

    [Theory]
    [InlineData("metrics.accuracy 0.9", 18, "expected a comparison operator")]
    [InlineData("metrics.accuracy > ", 20, "expected a value")]
    [InlineData("metrics.accuracy > 'high'", 20, "compared with numbers")]
    [InlineData("foo.bar = 1", 1, "unknown field 'foo.bar'")]
    [InlineData("attributes.colour = 'red'", 12, "unknown attribute 'colour'")]
    [InlineData("(metrics.a > 1", 15, "expected ')'")]
    [InlineData("metrics.a > 1 metrics.b > 2", 15, "expected 'and', 'or'")]
    [InlineData("params.x = 'abc", 12, "unterminated string")]
    [InlineData("metrics.a LIKE 'x%'", 11, "is a number")]
    [InlineData("attributes.status = 'done'", 21, "unknown status 'done'")]
    [InlineData("metrics.a ! 1", 11, "expected '!='")]
    [InlineData("metrics.a = 1 and", 18, "expected a field")]
    public void ParseFilter_BadExpression_ErrorPointsAtColumn(string filter, int column, string message)
    {
        var e = Assert.Throws<MlpException>(() => RunFilterParser.ParseFilter(filter));
        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        Assert.Contains($"at column {column}", e.Message);
        Assert.Contains(message, e.Message);
        var lines = e.Message.Split(Environment.NewLine);
        Assert.Equal("  " + filter, lines[1]);
        Assert.Equal(new string(' ', column + 1) + "^", lines[2]);
    }

    [Fact]
    public void ParseFilter_Blank_IsNull() => Assert.Null(RunFilterParser.ParseFilter("  "));

    [Fact]
    public void ParseOrderBy_SeveralTerms_WithDirections()
    {
        var terms = RunFilterParser.ParseOrderBy("metrics.accuracy desc, attributes.start_time ASC, params.lr");
        Assert.Equal(3, terms.Count);
        Assert.Equal((FieldKind.Metric, "accuracy", true), (terms[0].Field.Kind, terms[0].Field.Name, terms[0].Descending));
        Assert.Equal((FieldKind.Attribute, "start_time", false), (terms[1].Field.Kind, terms[1].Field.Name, terms[1].Descending));
        Assert.False(terms[2].Descending);
    }

    [Fact]
    public void ParseOrderBy_Garbage_ErrorWithCaret()
    {
        var e = Assert.Throws<MlpException>(() => RunFilterParser.ParseOrderBy("metrics.accuracy downwards"));
        Assert.Contains("Invalid order-by at column 18", e.Message);
        Assert.Contains("'downwards'", e.Message);
    }
}
