using System;
using System.Globalization;

namespace TinyInit.Cli;

/// <summary>Durations as <c>500ms</c>, <c>3s</c>, <c>2m</c>, <c>1h</c> or plain seconds (<c>3</c>, <c>1.5</c>).</summary>
internal static class Durations
{
    /// <summary>
    /// The longest duration accepted: deadlines are Stopwatch timestamps, and a year is longer
    /// than any grace, timeout or delay anyone means; a bigger value is a typo.
    /// </summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(365);

    /// <param name="what">The flag or variable, for the message: <c>--grace</c>.</param>
    /// <param name="text">The value as given.</param>
    /// <param name="duration">The duration, when the value is one.</param>
    /// <returns>null, or the one-line error.</returns>
    public static string? TryParse(string what, string text, out TimeSpan duration)
    {
        duration = default;
        string value = text.Trim();
        (string number, double unitSeconds) = value switch
        {
            _ when value.EndsWith("ms", StringComparison.Ordinal) => (value[..^2], 0.001),
            _ when value.EndsWith('s') => (value[..^1], 1.0),
            _ when value.EndsWith('m') => (value[..^1], 60.0),
            _ when value.EndsWith('h') => (value[..^1], 3600.0),
            _ => (value, 1.0),
        };
        if (number.Length == 0 || !char.IsAsciiDigit(number[0])
            || !double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount))
            return $"{what} {EchoText.Quote(text)} is not a duration (try 500ms, 3s, 2m or a number of seconds)";

        double seconds = amount * unitSeconds;
        if (seconds > Longest.TotalSeconds)
            return $"{what} {EchoText.Quote(text)} is longer than {Longest.TotalDays:0} days, the longest duration tinyinit takes";
        duration = TimeSpan.FromSeconds(seconds);
        return null;
    }

    /// <summary>
    /// Short form for logs and messages, to the millisecond: <c>500ms</c>, <c>3s</c>, <c>2.5s</c>.
    /// What it writes parses back to the same duration, rounded to the millisecond.
    /// </summary>
    public static string Format(TimeSpan duration) => duration.TotalSeconds < 1
        ? duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + "ms"
        : duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
}
