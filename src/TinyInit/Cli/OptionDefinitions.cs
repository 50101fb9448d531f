using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Globalization;
using TinyInit.Text;

namespace TinyInit.Cli;

/// <summary>
/// tinyinit's options, defined once. The flags are tini's, so one can be swapped for the
/// other. Built only when the command line has options: <c>tinyinit -- cmd</c> never pays for it.
/// </summary>
/// <remarks>
/// The root is a plain <see cref="Command"/>, not a RootCommand: a RootCommand builds its --help
/// and --version options at once, and their descriptions come from System.CommandLine's
/// ResourceManager, whose first use reads the assembly's attributes through reflection: about
/// four fifths of the parser's instructions for <c>tinyinit -s -- cmd</c> (callgrind), and pages.
/// <see cref="AddHelpAndVersion"/> adds the same two options when an argument could name one.
/// </remarks>
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

    public readonly Option<int> ParentDeathSignal = Scalar("--pdeathsig", ["-p"], "SIG", ParseSignal,
        "Signal tinyinit receives when its parent dies (PR_SET_PDEATHSIG), handled as if it had been sent.");

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
        "Stop the main command once it has run this long (SIGTERM, then SIGKILL after --kill-after or the grace), clean up, and exit 124; 0 means no timeout, as in timeout(1). Env: TINYINIT_TIMEOUT.");

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

    public readonly Option<string> Procfile = Scalar("--procfile", [], "PATH", LastText,
        "Supervise the services of a Procfile ('name: command' lines, run with /bin/sh -c): a regular file or a pipe, at most 1 MiB. Env: TINYINIT_PROCFILE.");

    public readonly Option<string> Restart = Scalar("--restart", [], "POLICY", LastText,
        "When a service that exited is restarted: always, on-failure (default) or never. Env: TINYINIT_RESTART.");

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

    public readonly Option<int> RestartSignal = Scalar("--restart-signal", [], "SIG", ParseSignal,
        "Signal that restarts every service, one at a time, and is not forwarded (default HUP; not TERM, INT or QUIT, which stop tinyinit).");

    public readonly Option<string[]> Essential = new("--essential")
    {
        Description = "When service NAME exits, for any reason, it is not restarted: everything is stopped and tinyinit exits with its code (repeatable). Env: TINYINIT_ESSENTIAL=a,b.",
        HelpName = "NAME",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    public readonly Option<string[]> Ready = new("--ready")
    {
        Description = "How service NAME (main: the main command) says it is ready: notify (READY=1 on NOTIFY_SOCKET), fd:N (a newline on fd N) or check:COMMAND (exits 0) (repeatable). Without it: once spawned.",
        HelpName = "NAME=MODE",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    public readonly Option<TimeSpan> ReadyInterval = Duration("--ready-interval",
        "How often a check: command is tried, and how long one try may run (default 1s).");

    public readonly Option<TimeSpan> ReadyTimeout = Duration("--ready-timeout",
        "A service not ready this long after its spawn is stopped and has failed: restarted as --restart says (default: no limit).");

    public readonly Option<string[]> After = new("--after")
    {
        Description = "Start NAME (a service, or main: the main command) only once every DEP is ready (repeatable).",
        HelpName = "NAME=DEP[,DEP...]",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    public readonly Option<string> Events = Scalar("--events", [], "PATH|fd:N", LastText,
        "Write one JSON object per line for every spawn, signal, exit, timeout and restart, then a shutdown line, to PATH (appended) or to an inherited fd (fd:N). Never slows reaping: what a slow reader cannot take is dropped and counted. Env: TINYINIT_EVENTS.");

    public readonly Option<string> Control = Scalar("--control", [], "PATH", LastText,
        "Listen on a Unix socket at PATH (mode 0600, removed at exit) for 'tinyinit ctl': status, events, signal, restart, stop, start. Env: TINYINIT_CONTROL.");

    public readonly Option<bool> License = new("--license", "-l")
    {
        Description = "Show the license and exit.",
    };

    /// <summary>The names of System.CommandLine's HelpOption and VersionOption (see its HelpOption.cs).</summary>
    private static readonly string[] HelpAndVersionNames = ["--help", "-h", "/h", "-?", "/?", "--version"];

    public OptionDefinitions()
    {
        Root = new Command("tinyinit", "tinyinit: a container init and child subreaper.\nUsage: tinyinit [options] [--] command [args...]\nIt runs the command, forwards signals to it, reaps zombies and exits with its code.\nOptions end at '--' or at the first argument that is not an option.\n'tinyinit ctl --help' describes the client of the control socket (--control).")
        {
            Subreaper, ProcessGroup, ParentDeathSignal, RemapExit, Verbose, WarnOnReap,
            Grace, NoCleanup, KillAfter, Timeout, Rewrite,
            Service, Procfile, Restart, RestartThreshold, MinRestartDelay, MaxRestartDelay, KillTimeout, TagOutput, RestartSignal,
            Essential, Ready, ReadyInterval, ReadyTimeout, After,
            Events, Control, License,
        };
    }

    public Command Root { get; }

    /// <summary>
    /// Whether an argument could name --help or --version, alone, in a bundle (<c>-sh</c>) or
    /// with a value (<c>--help=x</c>): then they must be there for the parser to see. Every name
    /// of the two has an 'h', a '?' or "--version" in it; a false yes costs only their set-up.
    /// </summary>
    public static bool MayAskForHelpOrVersion(IEnumerable<string> args)
    {
        foreach (string arg in args)
        {
            if (arg.Contains('h', StringComparison.Ordinal) || arg.Contains('?', StringComparison.Ordinal)
                || arg.Contains("--version", StringComparison.Ordinal))
                return true;
        }

        return false;
    }

    /// <summary>Adds -h/--help and --version, as a RootCommand has them.</summary>
    public void AddHelpAndVersion()
    {
        Root.Options.Add(new HelpOption());
        Root.Options.Add(new VersionOption());
    }

    /// <summary>Whether the option called <paramref name="name"/> takes a value; null if there is none of that name.</summary>
    public bool? TakesValue(string name)
    {
        // Help and version take none, whether or not they have been added yet: the split of argv
        // must not depend on it.
        if (Array.IndexOf(HelpAndVersionNames, name) >= 0)
            return false;
        foreach (Option option in Root.Options)
        {
            if (option.Name == name || option.Aliases.Contains(name))
                return option.Arity.MaximumNumberOfValues > 0 && option.ValueType != typeof(bool);
        }

        return null;
    }

    /// <summary>
    /// An option that takes one value. Given again, the last value counts, as in tini and every
    /// getopt(3) program, so a flag added to an ENTRYPOINT's can override it; each value must
    /// still be valid.
    /// </summary>
    private static Option<T> Scalar<T>(string name, string[] aliases, string helpName, Func<ArgumentResult, T> parse, string description) =>
        new(name, aliases)
        {
            Description = description,
            HelpName = helpName,
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
            CustomParser = parse,
        };

    private static string LastText(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";

    private static int ParseSignal(ArgumentResult result)
    {
        int signal = 0;
        foreach (Token token in result.Tokens)
        {
            if (!SignalNames.TryParse(token.Value, allowZero: false, out signal))
            {
                result.AddError($"{EchoText.Quote(token.Value)} is not a signal name or number (try TERM, SIGTERM, 15 or RTMIN+1).");
                return 0;
            }
        }

        return signal;
    }

    /// <summary>An option whose value is a duration (500ms, 3s, 2m or seconds).</summary>
    private static Option<TimeSpan> Duration(string name, string description) =>
        Scalar(name, [], "DURATION", result => ParseDuration(result, name), description);

    private static TimeSpan ParseDuration(ArgumentResult result, string name)
    {
        TimeSpan duration = default;
        foreach (Token token in result.Tokens)
        {
            if (Durations.TryParse(name, token.Value, out duration) is string error)
            {
                result.AddError(error);
                return default;
            }
        }

        return duration;
    }

    private static int[] ParseExitCodes(ArgumentResult result)
    {
        int[] codes = new int[result.Tokens.Count];
        for (int i = 0; i < codes.Length; i++)
        {
            string text = result.Tokens[i].Value;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out codes[i]) || codes[i] > 255)
            {
                result.AddError($"{EchoText.Quote(text)} is not an exit code from 0 to 255.");
                return [];
            }
        }

        return codes;
    }
}
