using System;
using System.Collections.Generic;
using TinyInit.Text;

namespace TinyInit.Cli;

/// <summary>
/// <c>--rewrite FROM:TO</c>: forward TO when FROM arrives; TO = 0 drops FROM. The classic use is
/// nginx, which stops gracefully on SIGQUIT while <c>docker stop</c> sends SIGTERM: <c>--rewrite TERM:QUIT</c>.
/// </summary>
internal static class SignalRewrites
{
    /// <summary>A comma-separated list, as TINYINIT_REWRITE holds it: <c>TERM:QUIT, USR1:0</c>.</summary>
    /// <returns>null, or the error message about the first bad rewrite.</returns>
    public static string? TryAddList(string list, Dictionary<int, int> rewrites)
    {
        foreach (string rewrite in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (TryAdd(rewrite, rewrites) is string error)
                return error;
        }

        return null;
    }

    /// <returns>null, or the error message.</returns>
    public static string? TryAdd(string text, Dictionary<int, int> rewrites)
    {
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
            return $"rewrite {EchoText.Quote(text)} is not FROM:TO (for example TERM:QUIT, or USR1:0 to drop USR1)";
        string from = text[..colon], to = text[(colon + 1)..];
        if (!SignalNames.TryParse(from, allowZero: false, out int fromSignal))
            return $"rewrite {EchoText.Quote(text)}: {EchoText.Quote(from)} is not a signal name or number";
        if (!SignalNames.TryParse(to, allowZero: true, out int toSignal))
            return $"rewrite {EchoText.Quote(text)}: {EchoText.Quote(to)} is not a signal name or number (0 drops the signal)";
        if (fromSignal == Interop.Sys.SIGCHLD)
            return $"rewrite {EchoText.Quote(text)}: SIGCHLD is tinyinit's own and is never forwarded";
        rewrites[fromSignal] = toSignal;
        return null;
    }
}
