using System;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace TinyInit.Cli;

/// <summary>
/// tinyinit's options, defined once. The flags are tini's, so one can be swapped for the
/// other. Built only when the command line has options: <c>tinyinit -- cmd</c> never pays for it.
/// </summary>
internal sealed class OptionDefinitions
{
    public readonly Option<bool> Subreaper = new("--subreaper", "-s")
    {
        Description = "Register as a child subreaper (PR_SET_CHILD_SUBREAPER), so orphaned descendants are reparented to tinyinit and reaped. Env: TINYINIT_SUBREAPER.",
    };

    public readonly Option<bool> ProcessGroup = new("--pgroup", "-g")
    {
        Description = "Start the child in its own process group and forward signals to the whole group. Env: TINYINIT_KILL_PROCESS_GROUP.",
    };

    public readonly Option<int> ParentDeathSignal = new("--pdeathsig", "-p")
    {
        Description = "Signal tinyinit receives when its parent dies (PR_SET_PDEATHSIG), handled as if it had been sent.",
        HelpName = "SIG",
        CustomParser = ParseSignal,
    };

    public readonly Option<int[]> RemapExit = new("--remap-exit", "-e")
    {
        Description = "Exit with 0 instead of CODE (repeatable); applies to 128+N for signals too.",
        HelpName = "CODE",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
        CustomParser = ParseExitCodes,
    };

    public readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "More logging on stderr (repeatable: -v info, -vv debug, -vvv trace). Env: TINYINIT_VERBOSITY=N.",
    };

    public readonly Option<bool> WarnOnReap = new("--warn-on-reap", "-w")
    {
        Description = "Log a warning for each zombie reaped that was not the main child.",
    };

    public readonly Option<bool> License = new("--license", "-l")
    {
        Description = "Show the license and exit.",
    };

    public OptionDefinitions()
    {
        Root = new RootCommand("tinyinit: a container init and child subreaper.\nUsage: tinyinit [options] [--] command [args...]\nIt runs the command, forwards signals to it, reaps zombies and exits with its code.\nOptions end at '--' or at the first argument that is not an option.")
        {
            Subreaper, ProcessGroup, ParentDeathSignal, RemapExit, Verbose, WarnOnReap, License,
        };
    }

    public RootCommand Root { get; }

    /// <summary>Whether the option called <paramref name="name"/> takes a value; null if there is none of that name.</summary>
    public bool? TakesValue(string name)
    {
        foreach (Option option in Root.Options)
        {
            if (option.Name == name || option.Aliases.Contains(name))
                return option.Arity.MaximumNumberOfValues > 0 && option.ValueType != typeof(bool);
        }

        return null;
    }

    private static int ParseSignal(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (SignalNames.TryParse(text, allowZero: false, out int signal))
            return signal;
        result.AddError($"'{text}' is not a signal name or number (try TERM, SIGTERM, 15 or RTMIN+1).");
        return 0;
    }

    private static int[] ParseExitCodes(ArgumentResult result)
    {
        int[] codes = new int[result.Tokens.Count];
        for (int i = 0; i < codes.Length; i++)
        {
            string text = result.Tokens[i].Value;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out codes[i]) || codes[i] > 255)
            {
                result.AddError($"'{text}' is not an exit code from 0 to 255.");
                return [];
            }
        }

        return codes;
    }
}
