using System.Text;
using CsCheck;
using TinyInit.Cli;

namespace TinyInit.UnitTests.Cli;

public class LosslessUtf8Tests
{
    [Fact]
    public void Every_byte_string_comes_back_unchanged() =>
        TextGen.AnyBytes.Sample(bytes => LosslessUtf8.Encode(LosslessUtf8.Decode(bytes)).AsSpan().SequenceEqual(bytes), iter: 10_000);

    [Fact]
    public void Valid_utf8_decodes_as_utf8() =>
        Gen.String.Sample(text =>
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            return LosslessUtf8.Decode(bytes) == Encoding.UTF8.GetString(bytes);
        }, iter: 10_000);

    [Fact]
    public void Display_is_what_a_lossy_decoder_gives() =>
        TextGen.AnyBytes.Sample(bytes => LosslessUtf8.Display(LosslessUtf8.Decode(bytes)) == Encoding.UTF8.GetString(bytes), iter: 10_000);

    /// <summary>Lone surrogates survive neither attribute arguments nor xUnit's serialized theory rows: a plain list.</summary>
    private static readonly (byte[] Bytes, string Text)[] NotUtf8 =
    [
        ([0x63, 0x61, 0x66, 0xE9], "caf" + (char)0xDCE9),
        ([0xED, 0xB2, 0x80], new string([(char)0xDCED, (char)0xDCB2, (char)0xDC80])),
        ([0xC3], ((char)0xDCC3).ToString()),
        ([0xF0, 0x90, 0x82, 0x80], "\U00010080"),
    ];

    [Fact]
    public void A_byte_that_is_not_utf8_becomes_an_escape()
    {
        foreach ((byte[] bytes, string expected) in NotUtf8)
        {
            Assert.Equal(expected, LosslessUtf8.Decode(bytes));
            Assert.Equal(bytes, LosslessUtf8.Encode(expected));
        }
    }

    [Fact]
    public void A_lone_surrogate_that_is_no_escape_encodes_as_the_replacement_character() =>
        Assert.Equal("\uFFFD"u8.ToArray(), LosslessUtf8.Encode(((char)0xD800).ToString()));
}
