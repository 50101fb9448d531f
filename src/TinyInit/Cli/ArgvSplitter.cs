using System;
using System.Collections.Generic;

namespace TinyInit.Cli;

/// <summary>
/// Splits argv into tinyinit's options and the command, before any parser sees it:
/// parsing stops at <c>--</c> or at the first non-option, so <c>tinyinit sleep -v 10</c>
/// passes <c>-v</c> to sleep (as dumb-init does; tini permutes, and that is a known surprise).
/// </summary>
internal static class ArgvSplitter
{
    /// <summary>The split: options are args[0..OptionCount), the command starts at CommandStart.</summary>
    public readonly record struct Split(int OptionCount, int CommandStart);

    /// <param name="args">Main's arguments (argv without argv[0]).</param>
    /// <param name="takesValue">Whether an option name (<c>-p</c>, <c>--grace</c>) consumes a value;
    /// null when the name is unknown (the parser reports it).</param>
    public static Split Find(IReadOnlyList<string> args, Func<string, bool?> takesValue)
    {
        int i = 0;
        while (i < args.Count)
        {
            string arg = args[i];
            if (arg == "--")
                return new Split(i, i + 1);
            if (arg.Length < 2 || arg[0] != '-')
                return new Split(i, i);

            i += arg[1] == '-' ? LongOptionWidth(arg, takesValue) : ShortBundleWidth(arg, takesValue);
        }

        return new Split(args.Count, args.Count);
    }

    private static int LongOptionWidth(string arg, Func<string, bool?> takesValue)
    {
        if (arg.Contains('=', StringComparison.Ordinal))
            return 1;
        return takesValue(arg) == true ? 2 : 1;
    }

    /// <summary><c>-vvs</c> is three flags; in <c>-p9</c> or <c>-vp 9</c> the value is inline or the next arg.</summary>
    private static int ShortBundleWidth(string arg, Func<string, bool?> takesValue)
    {
        for (int j = 1; j < arg.Length; j++)
        {
            bool? value = takesValue("-" + arg[j]);
            if (value is null)
                return 1;
            if (value == true)
                return j == arg.Length - 1 ? 2 : 1;
        }

        return 1;
    }
}
