using System;
using System.Globalization;
using TinyInit.Interop;

namespace TinyInit.Text;

/// <summary>Signal names and numbers as signal(7) and kill(1) spell them.</summary>
internal static class SignalNames
{
    private static readonly string[] Names =
    [
        "", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
        "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU",
        "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
    ];

    /// <summary>Parses <c>TERM</c>, <c>SIGTERM</c>, <c>sigterm</c>, <c>15</c>, <c>RTMIN+2</c> or <c>SIGRTMAX-1</c>.</summary>
    /// <param name="allowZero">Whether 0 (no signal) is accepted.</param>
    /// <returns>Whether the text names a signal from 1 to 64 (or 0 when allowed).</returns>
    public static bool TryParse(string text, bool allowZero, out int signal)
    {
        signal = 0;
        string name = text.Trim();
        if (name.Length == 0)
            return false;
        if (char.IsAsciiDigit(name[0]))
        {
            return int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out signal)
                && (signal is >= 1 and <= Sys.SIGRTMAX || (allowZero && signal == 0));
        }

        name = name.ToUpperInvariant();
        if (name.StartsWith("SIG", StringComparison.Ordinal))
            name = name[3..];
        int index = Array.IndexOf(Names, name);
        if (index > 0)
        {
            signal = index;
            return true;
        }

        return TryParseRealtime(name, out signal);
    }

    private static bool TryParseRealtime(string name, out int signal)
    {
        signal = 0;
        int baseSignal;
        string rest;
        if (name.StartsWith("RTMIN", StringComparison.Ordinal))
        {
            baseSignal = Sys.SIGRTMIN;
            rest = name[5..];
        }
        else if (name.StartsWith("RTMAX", StringComparison.Ordinal))
        {
            baseSignal = Sys.SIGRTMAX;
            rest = name[5..];
        }
        else
        {
            return false;
        }

        int offset = 0;
        if (rest.Length > 0)
        {
            if (rest.Length < 2 || (rest[0] != '+' && rest[0] != '-')
                || !int.TryParse(rest.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out offset))
                return false;
            if (rest[0] == '-')
                offset = -offset;
        }

        signal = baseSignal + offset;
        return signal is >= Sys.SIGRTMIN and <= Sys.SIGRTMAX;
    }

    /// <summary>The conventional name: <c>SIGTERM</c>, <c>SIGRTMIN+3</c>, or the number for glibc's private ones.</summary>
    public static string Name(int signal)
    {
        if (signal > 0 && signal < Names.Length)
            return "SIG" + Names[signal];
        if (signal >= Sys.SIGRTMIN && signal <= Sys.SIGRTMAX)
            return signal == Sys.SIGRTMIN ? "SIGRTMIN" : "SIGRTMIN+" + (signal - Sys.SIGRTMIN).ToString(CultureInfo.InvariantCulture);
        return signal.ToString(CultureInfo.InvariantCulture);
    }
}
