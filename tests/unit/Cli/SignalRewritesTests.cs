using CsCheck;
using TinyInit.Cli;

namespace TinyInit.UnitTests.Cli;

public class SignalRewritesTests
{
    [Theory]
    [InlineData("TERM:QUIT", 15, 3)]
    [InlineData("usr1:0", 10, 0)]
    [InlineData("RTMIN+1:SIGRTMAX", 35, 64)]
    public void Adds_a_rewrite(string text, int from, int to)
    {
        var rewrites = new Dictionary<int, int>();

        Assert.Null(SignalRewrites.TryAdd(text, rewrites));
        Assert.Equal(to, rewrites[from]);
    }

    [Theory]
    [InlineData("TERM", "rewrite 'TERM' is not FROM:TO (for example TERM:QUIT, or USR1:0 to drop USR1)")]
    [InlineData("TERM:\u0007", "rewrite 'TERM:\\x07': '\\x07' is not a signal name or number (0 drops the signal)")]
    [InlineData("0:TERM", "rewrite '0:TERM': '0' is not a signal name or number")]
    [InlineData("CHLD:TERM", "rewrite 'CHLD:TERM': SIGCHLD is tinyinit's own and is never forwarded")]
    public void Says_why_a_rewrite_is_refused(string text, string expected) =>
        Assert.Equal(expected, SignalRewrites.TryAdd(text, []));

    [Fact]
    public void Random_lists_are_rewrites_or_one_safe_line() =>
        Gen.OneOf(TextGen.AnyText, TextGen.ParserText, Gen.String[Gen.Char["TERMHUPQIT:0123,SIG "], 0, 40]).Sample(text =>
        {
            var rewrites = new Dictionary<int, int>();
            string? error = SignalRewrites.TryAddList(text, rewrites);
            return error is null || TextGen.IsOneLineSafe(error);
        }, iter: 10_000);

    [Fact]
    public void Random_text_is_a_rewrite_or_one_safe_line() =>
        Gen.OneOf(TextGen.AnyText, TextGen.ParserText).Sample(text =>
        {
            var rewrites = new Dictionary<int, int>();
            string? error = SignalRewrites.TryAdd(text, rewrites);
            return error is null ? rewrites.Count == 1 : rewrites.Count == 0 && TextGen.IsOneLineSafe(error);
        }, iter: 10_000);

    [Fact]
    public void A_formatted_list_parses_back_to_the_same_rewrites() =>
        Gen.Dictionary(Gen.Int[1, 64].Where(s => s != 17), Gen.Int[0, 64])[0, 10].Sample(expected =>
        {
            string list = string.Join(", ", expected.Select(r => $"{SignalNames.Name(r.Key)}:{(r.Value == 0 ? "0" : SignalNames.Name(r.Value))}"));
            var parsed = new Dictionary<int, int>();
            Assert.Null(SignalRewrites.TryAddList(list, parsed));
            Assert.Equal(expected.OrderBy(r => r.Key), parsed.OrderBy(r => r.Key));
        });
}
