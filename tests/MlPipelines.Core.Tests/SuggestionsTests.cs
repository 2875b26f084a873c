using MlPipelines.Core.Text;

namespace MlPipelines.Core.Tests;

public class SuggestionsTests
{
    [Theory]
    [InlineData("lst", "list")]
    [InlineData("sbumit", "submit")]
    [InlineData("--fitler", "--filter")]
    [InlineData("--exp", "--experiment")]
    public void Nearest_Typo_ReturnsIntendedName(string typed, string expected) =>
        Assert.Equal(expected, Suggestions.Nearest(typed, ["list", "submit", "show", "--filter", "--experiment", "--format"]));

    [Fact]
    public void Nearest_NothingClose_ReturnsNull() =>
        Assert.Null(Suggestions.Nearest("deploy", ["list", "submit", "show"]));
}
