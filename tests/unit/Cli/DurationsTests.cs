using CsCheck;
using TinyInit.Cli;

namespace TinyInit.UnitTests.Cli;

public class DurationsTests
{
    /// <summary>Durations to the millisecond, from 0 to the longest accepted.</summary>
    private static readonly Gen<TimeSpan> Milliseconds =
        Gen.Long[0, (long)Durations.Longest.TotalMilliseconds].Select(ms => TimeSpan.FromMilliseconds(ms));

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("3s", 3000)]
    [InlineData(" 2m ", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1.5", 1500)]
    [InlineData("0", 0)]
    [InlineData("8760h", 31_536_000_000)]
    public void Parses_every_documented_form(string text, long milliseconds)
    {
        Assert.Null(Durations.TryParse("--grace", text, out TimeSpan duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("3x", "--grace '3x' is not a duration (try 500ms, 3s, 2m or a number of seconds)")]
    [InlineData("-1", "--grace '-1' is not a duration (try 500ms, 3s, 2m or a number of seconds)")]
    [InlineData("1e3", "--grace '1e3' is not a duration (try 500ms, 3s, 2m or a number of seconds)")]
    [InlineData("99999999h", "--grace '99999999h' is longer than 365 days, the longest duration tinyinit takes")]
    [InlineData("8761h", "--grace '8761h' is longer than 365 days, the longest duration tinyinit takes")]
    public void Says_why_a_value_is_refused(string text, string expected) =>
        Assert.Equal(expected, Durations.TryParse("--grace", text, out _));

    [Fact]
    public void Random_text_is_a_duration_or_one_safe_line() =>
        Gen.OneOf(TextGen.AnyText, TextGen.ParserText).Sample(text =>
        {
            string? error = Durations.TryParse("--grace", text, out TimeSpan duration);
            return error is null
                ? duration >= TimeSpan.Zero && duration <= Durations.Longest
                : TextGen.IsOneLineSafe(error) && error.StartsWith("--grace '", StringComparison.Ordinal);
        }, iter: 10_000);

    [Fact]
    public void What_is_formatted_parses_back_to_the_same_duration() =>
        Milliseconds.Sample(duration =>
            Durations.TryParse("--grace", Durations.Format(duration), out TimeSpan parsed) is null && parsed == duration,
            iter: 10_000);

    [Fact]
    public void What_parses_formats_back_to_itself() =>
        TextGen.ParserText.Sample(text =>
        {
            if (Durations.TryParse("--grace", text, out TimeSpan duration) is not null)
                return true;
            string formatted = Durations.Format(duration);
            return Durations.TryParse("--grace", formatted, out TimeSpan again) is null && Durations.Format(again) == formatted;
        }, iter: 10_000);
}
