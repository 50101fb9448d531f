using System.Globalization;
using System.Text;

namespace TinyInit.Cli;

/// <summary>
/// What an error message echoes back of the user's input. A Procfile of random bytes or an
/// argument with an escape sequence must not put terminal control codes, a line break or a
/// kilobyte of junk in the one line tinyinit writes: control characters, invisible format
/// characters and bytes that are not UTF-8 are shown as escapes, and a long value is cut.
/// </summary>
internal static class EchoText
{
    /// <summary>How many characters of a value a message shows, escapes included.</summary>
    public const int Limit = 80;

    /// <summary><c>'value'</c>, escaped, and cut to <paramref name="limit"/> characters with <c>...</c> after the quote.</summary>
    public static string Quote(string text, int limit = Limit)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('\'');
        bool cut = Append(quoted, text, limit, escapeQuoting: true);
        quoted.Append('\'');
        if (cut)
            quoted.Append("...");
        return quoted.ToString();
    }

    /// <summary>
    /// Text escaped as <see cref="Quote"/> does, but neither quoted nor cut, and with backslashes and
    /// quotes left as they are: for a file path (<c>Procfile:3</c>), and for a whole message that
    /// quoted nothing itself, such as System.CommandLine's errors, which repeat an argument as given.
    /// </summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        Append(escaped, text, int.MaxValue, escapeQuoting: false);
        return escaped.ToString();
    }

    /// <returns>Whether the text was cut.</returns>
    private static bool Append(StringBuilder output, string text, int limit, bool escapeQuoting)
    {
        int start = output.Length;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            string? escape = null;
            int width = 1;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                width = 2;
            else
                escape = EscapeOf(c, escapeQuoting);

            int length = escape?.Length ?? width;
            if (output.Length - start + length > limit)
                return true;
            if (escape is not null)
                output.Append(escape);
            else
                output.Append(text, i, width);
            i += width - 1;
        }

        return false;
    }

    /// <summary>How one UTF-16 unit is shown, or null to show it as it is.</summary>
    private static string? EscapeOf(char c, bool escapeQuoting)
    {
        switch (c)
        {
            case '\n': return "\\n";
            case '\r': return "\\r";
            case '\t': return "\\t";
            case '\\' or '\'' when escapeQuoting: return "\\" + c;
        }

        if (c < 0x20 || c == 0x7F)
            return "\\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture);
        if (LosslessUtf8.IsEscapedByte(c))
            return "\\x" + LosslessUtf8.EscapedByte(c).ToString("x2", CultureInfo.InvariantCulture);
        return char.GetUnicodeCategory(c) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
            _ => null,
        };
    }
}
