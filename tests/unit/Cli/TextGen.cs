using System.Text;
using CsCheck;

namespace TinyInit.UnitTests.Cli;

/// <summary>Generators shared by the parser properties: text that users type, and text that hostile input is.</summary>
internal static class TextGen
{
    /// <summary>Any UTF-16 text, lone surrogates and control characters included.</summary>
    public static readonly Gen<string> AnyText = Gen.String[Gen.Char, 0, 40];

    /// <summary>Text biased towards the characters the parsers look at.</summary>
    public static readonly Gen<string> ParserText = Gen.String[
        Gen.OneOf(Gen.Char["0123456789.:=+-#msh \t\r\nSIGTERMHUPRTMINAX\0"], Gen.Char), 0, 30];

    /// <summary>Any bytes, as a file or an argv element can hold them.</summary>
    public static readonly Gen<byte[]> AnyBytes = Gen.OneOf(
        Gen.Byte.Array[0, 64],
        Gen.String[Gen.Char, 0, 20].Select(s => Encoding.UTF8.GetBytes(s)),
        Gen.Byte[0x80, 0xFF].Array[0, 8]);

    /// <summary>Whether the text is safe in a one-line message: no control, format or separator characters, no lone surrogates.</summary>
    public static bool IsOneLineSafe(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format
                or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator
                or System.Globalization.UnicodeCategory.Surrogate)
                return false;
        }

        return true;
    }
}
