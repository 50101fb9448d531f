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
        (string number, long unitTicks) = value switch
        {
            _ when value.EndsWith("ms", StringComparison.Ordinal) => (value[..^2], TimeSpan.TicksPerMillisecond),
            _ when value.EndsWith('s') => (value[..^1], TimeSpan.TicksPerSecond),
            _ when value.EndsWith('m') => (value[..^1], TimeSpan.TicksPerMinute),
            _ when value.EndsWith('h') => (value[..^1], TimeSpan.TicksPerHour),
            _ => (value, TimeSpan.TicksPerSecond),
        };

        // decimal, not double: "3.3s" is exactly 33,000,000 ticks, and what Format writes parses back exactly.
        // Its only failure on digits with one optional point is overflow, which is too long anyway.
        if (!IsDecimalNumber(number))
            return $"{what} {EchoText.Quote(text)} is not a duration (try 500ms, 3s, 2m or a number of seconds)";
        if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal amount)
            || amount > (decimal)Longest.Ticks / unitTicks)
            return $"{what} {EchoText.Quote(text)} is longer than {Longest.Days} days, the longest duration tinyinit takes";
        duration = TimeSpan.FromTicks((long)Math.Round(amount * unitTicks));
        return null;
    }

    /// <summary>Digits with at most one '.', starting with a digit: no sign, exponent or blank.</summary>
    private static bool IsDecimalNumber(string number)
    {
        if (number.Length == 0 || !char.IsAsciiDigit(number[0]))
            return false;
        int point = number.IndexOf('.', StringComparison.Ordinal);
        return !number.AsSpan(1).ContainsAnyExcept("0123456789.")
            && (point < 0 || number.IndexOf('.', point + 1) < 0);
    }

    /// <summary>
    /// Short form for logs and messages, to the millisecond: <c>500ms</c>, <c>3s</c>, <c>2.5s</c>.
    /// What it writes parses back to the same duration, rounded to the millisecond.
    /// </summary>
    public static string Format(TimeSpan duration) => duration.TotalSeconds < 1
        ? duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + "ms"
        : duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
}
