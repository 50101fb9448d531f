using CsCheck;
using TinyInit.Cli;

namespace TinyInit.UnitTests.Cli;

public class EchoTextTests
{
    [Theory]
    [InlineData("web", "'web'")]
    [InlineData("it's a\\b", "'it\\'s a\\\\b'")]
    [InlineData("a\u001b[31mb", "'a\\x1b[31mb'")]
    [InlineData("line\nbreak\r\t", "'line\\nbreak\\r\\t'")]
    [InlineData("caf\u00e9 \U0001F600", "'caf\u00e9 \U0001F600'")]
    [InlineData("\u202Eevil\u0085", "'\\u202eevil\\u0085'")]
    public void Quote_escapes_what_a_terminal_would_act_on(string text, string expected) =>
        Assert.Equal(expected, EchoText.Quote(text));

    [Fact]
    public void Quote_shows_a_byte_that_is_not_utf8_as_a_hex_escape() =>
        Assert.Equal("'caf\\xe9'", EchoText.Quote(LosslessUtf8.Decode([0x63, 0x61, 0x66, 0xE9])));

    [Fact]
    public void Quote_cuts_a_long_value_and_says_so()
    {
        string quoted = EchoText.Quote(new string('x', 1000));

        Assert.Equal("'" + new string('x', EchoText.Limit) + "'...", quoted);
    }

    [Fact]
    public void Quote_never_splits_an_escape_or_a_pair()
    {
        string quoted = EchoText.Quote(new string('x', EchoText.Limit - 2) + "\u001b\U0001F600");

        Assert.Equal("'" + new string('x', EchoText.Limit - 2) + "'...", quoted);
    }

    [Fact]
    public void Quoted_text_is_one_safe_line_of_bounded_length() =>
        TextGen.AnyText.Sample(text =>
        {
            string quoted = EchoText.Quote(text);
            return TextGen.IsOneLineSafe(quoted) && quoted.Length <= EchoText.Limit + 5;
        }, iter: 10_000);

    [Fact]
    public void Escaped_text_is_one_safe_line() =>
        TextGen.AnyText.Sample(text => TextGen.IsOneLineSafe(EchoText.Escape(text)), iter: 10_000);

    [Fact]
    public void Escape_leaves_printable_text_and_its_backslashes_alone() =>
        Gen.String[Gen.OneOf(Gen.Char[' ', '~'], Gen.Char['\u00c0', '\u024f']), 0, 200]
            .Sample(text => EchoText.Escape(text) == text);

    [Fact]
    public void Printable_text_is_quoted_as_it_is() =>
        Gen.String[Gen.Char[' ', '~'].Where(c => c is not '\'' and not '\\'), 0, EchoText.Limit]
            .Sample(text => EchoText.Quote(text) == $"'{text}'");
}
