using CsCheck;
using TinyInit.Cli;

namespace TinyInit.UnitTests.Cli;

public class SignalNamesTests
{
    [Theory]
    [InlineData("TERM", 15)]
    [InlineData("sigterm", 15)]
    [InlineData(" SIGHUP ", 1)]
    [InlineData("15", 15)]
    [InlineData("RTMIN", 34)]
    [InlineData("RTMIN+1", 35)]
    [InlineData("SIGRTMAX-2", 62)]
    [InlineData("64", 64)]
    public void Parses_names_and_numbers(string text, int expected)
    {
        Assert.True(SignalNames.TryParse(text, allowZero: false, out int signal));
        Assert.Equal(expected, signal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65")]
    [InlineData("RTMIN+31")]
    [InlineData("RTMAX+1")]
    [InlineData("RTMIN-1")]
    [InlineData("SIG")]
    [InlineData("+15")]
    [InlineData("")]
    public void Refuses_what_is_no_signal(string text) => Assert.False(SignalNames.TryParse(text, allowZero: false, out _));

    [Fact]
    public void Every_signal_formats_back_to_itself()
    {
        for (int sig = 1; sig <= 64; sig++)
        {
            Assert.True(SignalNames.TryParse(SignalNames.Name(sig), allowZero: false, out int parsed));
            Assert.Equal(sig, parsed);
        }
    }

    [Fact]
    public void Random_text_is_a_signal_from_1_to_64_or_nothing() =>
        Gen.OneOf(TextGen.AnyText, TextGen.ParserText, Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Sample(text => !SignalNames.TryParse(text, allowZero: false, out int sig) || sig is >= 1 and <= 64, iter: 10_000);

    [Fact]
    public void What_parses_formats_back_to_the_same_signal() =>
        TextGen.ParserText.Sample(text =>
            !SignalNames.TryParse(text, allowZero: false, out int sig)
            || (SignalNames.TryParse(SignalNames.Name(sig), allowZero: false, out int again) && again == sig),
            iter: 10_000);
}
