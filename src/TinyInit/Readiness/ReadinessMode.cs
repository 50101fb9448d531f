using System;
using System.Globalization;

namespace TinyInit.Readiness;

/// <summary>One <c>--ready</c> mode: <c>notify</c>, <c>fd:N</c> or <c>check:COMMAND</c>.</summary>
/// <param name="Kind">Which of the three.</param>
/// <param name="Fd">For <see cref="ReadinessKind.Fd"/>: the fd the child gets the pipe at (3 or more).</param>
/// <param name="Command">For <see cref="ReadinessKind.Check"/>: the shell command.</param>
internal sealed record ReadinessMode(ReadinessKind Kind, int Fd = 0, string? Command = null)
{
    /// <summary>The highest fd accepted for fd:N: far above what a service opens, below any RLIMIT_NOFILE.</summary>
    public const int MaxFd = 1023;

    /// <summary>What a valid mode looks like, for error messages.</summary>
    public const string Rule = "expected notify, fd:N (N from 3 to 1023) or check:COMMAND";

    /// <summary>Parses <c>notify</c>, <c>fd:N</c> or <c>check:COMMAND</c>.</summary>
    /// <returns>The mode, or null when the text is none of them.</returns>
    public static ReadinessMode? Parse(string text)
    {
        if (text == "notify")
            return new ReadinessMode(ReadinessKind.Notify);
        if (text.StartsWith("fd:", StringComparison.Ordinal))
        {
            // Never 0-2: the pipe would replace the service's stdin, stdout or stderr.
            return int.TryParse(text.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out int fd) && fd is >= 3 and <= MaxFd
                ? new ReadinessMode(ReadinessKind.Fd, Fd: fd)
                : null;
        }

        if (text.StartsWith("check:", StringComparison.Ordinal) && text.AsSpan(6).Trim().Length > 0)
            return new ReadinessMode(ReadinessKind.Check, Command: text[6..].Trim());
        return null;
    }

    /// <summary>As the command line spells it.</summary>
    public override string ToString() => Kind switch
    {
        ReadinessKind.Notify => "notify",
        ReadinessKind.Fd => $"fd:{Fd}",
        _ => $"check:{Command}",
    };
}
