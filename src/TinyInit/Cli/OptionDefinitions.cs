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

    public readonly Option<TimeSpan> Grace = Duration("--grace",
        "Once the main child has exited, remaining processes get SIGTERM and this long to exit before SIGKILL; 0 kills at once. Default 3s. Env: TINYINIT_GRACE.");

    public readonly Option<bool> NoCleanup = new("--no-cleanup")
    {
        Description = "Exit as soon as the main child exits and leave remaining processes alone (tini's behaviour). Env: TINYINIT_NO_CLEANUP.",
    };

    public readonly Option<TimeSpan> KillAfter = Duration("--kill-after",
        "SIGKILL the main child if it has not exited this long after a TERM, INT, QUIT or HUP was forwarded to it. Env: TINYINIT_KILL_AFTER.");

    public readonly Option<TimeSpan> Timeout = Duration("--timeout",
        "Stop the main command once it has run this long (SIGTERM, then SIGKILL after --kill-after or the grace), clean up, and exit 124. Env: TINYINIT_TIMEOUT.");

    public readonly Option<string[]> Rewrite = new("--rewrite")
    {
        Description = "Forward signal TO when FROM arrives (repeatable; names or numbers; TO 0 drops FROM), e.g. TERM:QUIT. Env: TINYINIT_REWRITE=FROM:TO,FROM:TO.",
        HelpName = "FROM:TO",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    public readonly Option<string[]> Service = new("--service")
    {
        Description = "Supervise a service, run as /bin/sh -c COMMAND (repeatable).",
        HelpName = "NAME=COMMAND",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    public readonly Option<string> Procfile = new("--procfile")
    {
        Description = "Supervise the services of a Procfile ('name: command' lines, run with /bin/sh -c). Env: TINYINIT_PROCFILE.",
        HelpName = "PATH",
    };

    public readonly Option<string> Restart = new("--restart")
    {
        Description = "When a service that exited is restarted: always, on-failure (default) or never. Env: TINYINIT_RESTART.",
        HelpName = "POLICY",
    };

    public readonly Option<TimeSpan> RestartThreshold = Duration("--restart-threshold",
        "A service that ran this long is restarted at once and its delay reset (default 1s).");

    public readonly Option<TimeSpan> MinRestartDelay = Duration("--min-restart-delay",
        "First delay before restarting a service that died sooner than the threshold; it doubles each time (default 1s).");

    public readonly Option<TimeSpan> MaxRestartDelay = Duration("--max-restart-delay",
        "Longest delay before restarting a service (default 3600s).");

    public readonly Option<TimeSpan> KillTimeout = Duration("--kill-timeout",
        "How long a service gets between SIGTERM and SIGKILL when it is stopped (default 5s). Env: TINYINIT_KILL_TIMEOUT.");

    public readonly Option<bool> TagOutput = new("--tag-output")
    {
        Description = "Prefix every line a service writes to stdout or stderr with [NAME]. Env: TINYINIT_TAG_OUTPUT.",
    };

    public readonly Option<int> RestartSignal = new("--restart-signal")
    {
        Description = "Signal that restarts every service, one at a time, and is not forwarded (default HUP).",
        HelpName = "SIG",
        CustomParser = ParseSignal,
    };

    public readonly Option<string> Events = new("--events")
    {
        Description = "Write one JSON object per line for every spawn, signal, exit, timeout and restart, then a shutdown line, to PATH (appended) or to an inherited fd (fd:N). Never slows reaping: what a slow reader cannot take is dropped and counted. Env: TINYINIT_EVENTS.",
        HelpName = "PATH|fd:N",
    };

    public readonly Option<string> Control = new("--control")
    {
        Description = "Listen on a Unix socket at PATH (mode 0600, removed at exit) for 'tinyinit ctl': status, events, signal, restart, stop, start. Env: TINYINIT_CONTROL.",
        HelpName = "PATH",
    };

    public readonly Option<bool> License = new("--license", "-l")
    {
        Description = "Show the license and exit.",
    };

    public OptionDefinitions()
    {
        Root = new RootCommand("tinyinit: a container init and child subreaper.\nUsage: tinyinit [options] [--] command [args...]\nIt runs the command, forwards signals to it, reaps zombies and exits with its code.\nOptions end at '--' or at the first argument that is not an option.\n'tinyinit ctl --help' describes the client of the control socket (--control).")
        {
            Subreaper, ProcessGroup, ParentDeathSignal, RemapExit, Verbose, WarnOnReap,
            Grace, NoCleanup, KillAfter, Timeout, Rewrite,
            Service, Procfile, Restart, RestartThreshold, MinRestartDelay, MaxRestartDelay, KillTimeout, TagOutput, RestartSignal,
            Events, Control, License,
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

    /// <summary>An option whose value is a duration (500ms, 3s, 2m or seconds).</summary>
    private static Option<TimeSpan> Duration(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "DURATION",
        CustomParser = result => ParseDuration(result, name),
    };

    private static TimeSpan ParseDuration(ArgumentResult result, string name)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (Durations.TryParse(text, out TimeSpan duration))
            return duration;
        result.AddError(Durations.Invalid(name, text));
        return default;
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
