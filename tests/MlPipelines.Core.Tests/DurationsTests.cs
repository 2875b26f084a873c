using MlPipelines.Core.Text;

namespace MlPipelines.Core.Tests;

public class DurationsTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("15m", 900)]
    [InlineData("1h30m", 5400)]
    [InlineData("00:10:00", 600)]
    [InlineData("1:00:00", 3600)]
    [InlineData("1.02:00:00", 93600)]
    [InlineData("2d", 172800)]
    [InlineData("1.5h", 5400)]
    [InlineData(" 45s ", 45)]
    public void TryParse_AcceptedForms_ReturnDuration(string text, double seconds)
    {
        Assert.True(Durations.TryParse(text, out var value, out var error), error);
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Fact]
    public void TryParse_Milliseconds_ReturnDuration()
    {
        Assert.True(Durations.TryParse("500ms", out var value, out _));
        Assert.Equal(TimeSpan.FromMilliseconds(500), value);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("1.5")]
    public void TryParse_BareNumber_ErrorShowsForms(string text)
    {
        Assert.False(Durations.TryParse(text, out _, out var error));
        Assert.Contains("has no unit", error);
        Assert.Contains("90s, 15m, 1h30m", error);
        Assert.Contains("00:10:00", error);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("10x")]
    [InlineData("1h 30m")]
    [InlineData("25:99:00")]
    [InlineData("")]
    public void TryParse_Garbage_ErrorShowsForms(string text)
    {
        Assert.False(Durations.TryParse(text, out _, out var error));
        Assert.Contains("90s, 15m, 1h30m", error);
    }

    [Theory]
    [InlineData("0s")]
    [InlineData("00:00:00")]
    public void TryParse_Zero_Rejected(string text) =>
        Assert.False(Durations.TryParse(text, out _, out _));

    [Fact]
    public void TryParse_Huge_RejectedWithoutThrowing() =>
        Assert.False(Durations.TryParse("99999999999999d", out _, out _));

    [Fact]
    public void Format_RoundTripsThroughTryParse()
    {
        var d = new TimeSpan(1, 2, 3, 4, 5);
        Assert.Equal("1d2h3m4s5ms", Durations.Format(d));
        Assert.True(Durations.TryParse(Durations.Format(d), out var back, out _));
        Assert.Equal(d, back);
    }
}
