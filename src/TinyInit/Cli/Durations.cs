using System;
using System.Globalization;

namespace TinyInit.Cli;

/// <summary>Durations as <c>500ms</c>, <c>3s</c>, <c>2m</c>, <c>1h</c> or plain seconds (<c>3</c>, <c>1.5</c>).</summary>
internal static class Durations
{
    public static bool TryParse(string text, out TimeSpan duration)
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
            return false;

        double seconds = amount * unitSeconds;
        if (seconds > TimeSpan.FromDays(365).TotalSeconds)
            return false;
        duration = TimeSpan.FromSeconds(seconds);
        return true;
    }

    /// <summary>The error message for a value that is not a duration.</summary>
    public static string Invalid(string what, string text) =>
        $"{what} '{text}' is not a duration (try 500ms, 3s, 2m or a number of seconds)";

    /// <summary>Short form for logs: 500ms, 3s, 2.5s.</summary>
    public static string Format(TimeSpan duration) => duration.TotalSeconds < 1
        ? duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + "ms"
        : duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
}
