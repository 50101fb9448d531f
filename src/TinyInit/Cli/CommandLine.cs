using System;
using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using TinyInit.Diagnostics;
using TinyInit.Interop;
using TinyInit.Services;
using TinyInit.Text;

namespace TinyInit.Cli;

/// <summary>
/// Turns argv and the environment into <see cref="Settings"/>. Every bad input ends in one
/// line on stderr and <see cref="ExitCodes.UsageOrSetupError"/>; --help, --version and
/// --license print to stdout and end in 0, or in 125 when stdout cannot take them (as env(1)).
/// </summary>
internal static class CommandLine
{
    private const string Hint = " (see 'tinyinit --help')";

    /// <summary>The outcome: settings to run with, or an exit code to leave with at once.</summary>
    public readonly record struct Outcome(Settings? Settings, int ExitCode);

    /// <param name="args">tinyinit's arguments (argv without argv[0]) as <see cref="LosslessUtf8"/> strings, so that
    /// a --service command keeps its bytes; see <see cref="Arguments"/>.</param>
    /// <param name="handledSignals">The signals tinyinit receives (Native/startup.c): the only ones options may name.</param>
    public static Outcome Parse(string[] args, ulong handledSignals)
    {
        var settings = new Settings();
        if (!ApplyEnvironment(settings, out string? envError))
            return Fail(envError!);

        OptionDefinitions? definitions = null;
        ArgvSplitter.Split split = ArgvSplitter.Find(args, name => (definitions ??= new OptionDefinitions()).TakesValue(name));
        if (split.OptionCount > 0)
        {
            definitions ??= new OptionDefinitions();
            string[] optionArgs = args[..split.OptionCount];
            if (OptionDefinitions.MayAskForHelpOrVersion(optionArgs))
                definitions.AddHelpAndVersion();
            Outcome? early = ApplyOptions(definitions, optionArgs, settings);
            if (early is not null)
                return early.Value;
        }

        if (BuildServices(settings) is string serviceError)
            return Fail(serviceError);
        if (split.CommandStart >= args.Length && settings.Services.Count == 0)
            return Fail("no command given: usage is tinyinit [options] [--] command [args...]");
        if (ReadinessCommandLine.Build(settings, hasMain: split.CommandStart < args.Length) is string readinessError)
            return Fail(readinessError);
        if (RestartDelayError(settings) is string delayError)
            return Fail(delayError);
        if (ForwardableSignalError(settings, handledSignals) is string signalError)
            return Fail(signalError);

        // timeout(1): "A duration of 0 disables the associated timeout."
        if (settings.Timeout == TimeSpan.Zero)
            settings.Timeout = null;
        settings.CommandIndex = split.CommandStart + 1;
        settings.Command = Array.ConvertAll(args[split.CommandStart..], LosslessUtf8.Display);
        return new Outcome(settings, 0);
    }

    /// <summary>The arguments from the raw argv that Native/startup.c recorded, every byte kept (Main's are decoded lossily).</summary>
    public static unsafe string[] Arguments(in Sys.tinyinit_startup startup)
    {
        string[] args = new string[Math.Max(0, startup.argc - 1)];
        for (int i = 0; i < args.Length; i++)
            args[i] = LosslessUtf8.Decode(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(startup.argv[i + 1]));
        return args;
    }

    private static string? RestartDelayError(Settings settings)
    {
        if (settings.MinRestartDelay <= TimeSpan.Zero)
            return "--min-restart-delay must be longer than 0";
        if (settings.MaxRestartDelay <= TimeSpan.Zero)
            return "--max-restart-delay must be longer than 0";
        if (settings.MinRestartDelay > settings.MaxRestartDelay)
            return $"--max-restart-delay {Durations.Format(settings.MaxRestartDelay)} is shorter than --min-restart-delay {Durations.Format(settings.MinRestartDelay)}";
        return null;
    }

    /// <summary>
    /// Signals tinyinit is asked to act on must be ones it receives: a crash signal, SIGKILL,
    /// SIGSTOP, SIGCHLD or the runtime's own (32-34) never reach its signalfd.
    /// </summary>
    private static string? ForwardableSignalError(Settings settings, ulong handledSignals)
    {
        ulong usable = handledSignals & ~(1UL << (Sys.SIGCHLD - 1));
        bool Usable(int sig) => (usable & (1UL << (sig - 1))) != 0;

        // -p KILL is tini's own example: tinyinit then dies with its parent, no forwarding, no cleanup.
        if (settings.ParentDeathSignal is not 0 and not Sys.SIGKILL && !Usable(settings.ParentDeathSignal))
            return $"-p {SignalNames.Name(settings.ParentDeathSignal)}: tinyinit cannot act on that signal (see 'Signals' in the README)";
        if (settings.Services.Count > 0 && !Usable(settings.RestartSignal))
            return $"--restart-signal {SignalNames.Name(settings.RestartSignal)}: tinyinit cannot act on that signal";

        // TERM, INT and QUIT stop tinyinit (docker stop, Ctrl-C, Ctrl-\): as the restart signal they
        // would restart the services instead, and the main child would never get them. HUP stops
        // tinyinit only when it is not the restart signal (README, Services).
        if (settings.RestartSignal is Sys.SIGTERM or Sys.SIGINT or Sys.SIGQUIT)
            return $"--restart-signal {SignalNames.Name(settings.RestartSignal)}: it stops tinyinit, so it cannot restart the services (the default is HUP)";
        foreach (int from in settings.Rewrites.Keys)
        {
            if (!Usable(from))
                return $"--rewrite {SignalNames.Name(from)}: tinyinit never receives that signal";
        }

        return null;
    }

    /// <summary>Reads the Procfile and the --service values into one set, where duplicates are caught.</summary>
    private static string? BuildServices(Settings settings)
    {
        if (settings.ProcfilePath is string path)
        {
            if (StartupFile.TryRead("Procfile", path, out byte[] contents) is string readError)
                return readError;
            if (ProcfileParser.TryParse(path, LosslessUtf8.Decode(contents), settings.Restart, settings.Services) is string error)
                return error;
        }

        foreach (string spec in settings.ServiceSpecs)
        {
            if (ServiceSpecParser.TryAdd(spec, settings.Restart, settings.Services) is string error)
                return error;
        }

        return null;
    }

    private static Outcome? ApplyOptions(OptionDefinitions options, string[] optionArgs, Settings settings)
    {
        // No response files: '--service @x=...' is a service, not a file of arguments.
        ParseResult result = options.Root.Parse(optionArgs, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (result.Errors.Count > 0)
            return Fail(result.Errors[0].Message);

        // The root command has no action of its own: any action is --help's or --version's.
        if (result.Action is not null)
            return PrintAndExit(result);
        if (result.GetValue(options.License))
            return WriteInformation("the license", LicenseText.Text, 0);

        settings.Subreaper |= result.GetValue(options.Subreaper);
        settings.ProcessGroup |= result.GetValue(options.ProcessGroup);
        IfGiven(result, options.ParentDeathSignal, value => settings.ParentDeathSignal = value);
        foreach (int code in result.GetValue(options.RemapExit) ?? [])
            settings.RemappedExitCodes.Add(code);
        // Only -v given on the command line counts: bool options get an implicit result when absent,
        // and that must not reset TINYINIT_VERBOSITY.
        if (result.GetResult(options.Verbose) is { Implicit: false } verbose)
            settings.LogThreshold = ClampLevel((int)LogLevel.Warn + verbose.IdentifierTokenCount);
        settings.WarnOnReap |= result.GetValue(options.WarnOnReap);
        settings.NoCleanup |= result.GetValue(options.NoCleanup);
        IfGiven(result, options.Grace, value => settings.Grace = value);
        IfGiven(result, options.KillAfter, value => settings.KillAfter = value);
        IfGiven(result, options.Timeout, value => settings.Timeout = value);
        foreach (string rewrite in result.GetValue(options.Rewrite) ?? [])
        {
            if (SignalRewrites.TryAdd(rewrite, settings.Rewrites) is string error)
                return Fail(error);
        }

        settings.ServiceSpecs.AddRange(result.GetValue(options.Service) ?? []);
        if (result.GetValue(options.Procfile) is string procfile)
            settings.ProcfilePath = procfile;
        if (result.GetValue(options.Restart) is string restart)
        {
            if (RestartPolicies.TryParse(restart, out RestartPolicy policy) is string error)
                return Fail(error);
            settings.Restart = policy;
        }

        IfGiven(result, options.RestartThreshold, value => settings.RestartThreshold = value);
        IfGiven(result, options.MinRestartDelay, value => settings.MinRestartDelay = value);
        IfGiven(result, options.MaxRestartDelay, value => settings.MaxRestartDelay = value);
        IfGiven(result, options.KillTimeout, value => settings.ServiceKillTimeout = value);
        settings.TagOutput |= result.GetValue(options.TagOutput);
        if (result.GetValue(options.Events) is string events)
            settings.EventsTarget = events;
        if (result.GetValue(options.Control) is string control)
            settings.ControlPath = control;
        IfGiven(result, options.RestartSignal, value => settings.RestartSignal = value);
        ReadinessCommandLine.Apply(result, options, settings);
        return null;
    }

    /// <summary>Applies an option's value only when the option was given, so the environment's value stands otherwise.</summary>
    private static void IfGiven<T>(ParseResult result, Option<T> option, Action<T> apply)
    {
        if (result.GetResult(option) is { Implicit: false })
            apply(result.GetValue(option)!);
    }

    private static Outcome PrintAndExit(ParseResult result)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        int code = result.Invoke(new InvocationConfiguration { Output = output, Error = output });
        return WriteInformation(result.Action is HelpAction ? "the help" : "the version", output.ToString(), code);
    }

    /// <summary>
    /// --help, --version, --license: a stdout that cannot take them (a full disk, a closed pipe) is
    /// an error, as in env(1) and timeout(1), or a script would take the missing text for success.
    /// </summary>
    private static Outcome WriteInformation(string what, string text, int code)
    {
        if (Log.WriteAll(1, Encoding.UTF8.GetBytes(text)))
            return new Outcome(null, code);
        Log.Error($"cannot write {what} to stdout: {Errors.Describe(Errors.Last())}");
        return new Outcome(null, (int)ExitCodes.UsageOrSetupError);
    }

    /// <summary>Environment fallbacks, as tini reads TINI_SUBREAPER and friends: set and non-empty means on.</summary>
    private static bool ApplyEnvironment(Settings settings, out string? error)
    {
        error = null;
        settings.Subreaper = IsSet("TINYINIT_SUBREAPER");
        settings.ProcessGroup = IsSet("TINYINIT_KILL_PROCESS_GROUP");
        string? verbosity = Environment.GetEnvironmentVariable("TINYINIT_VERBOSITY");
        if (!string.IsNullOrEmpty(verbosity))
        {
            if (verbosity.AsSpan().ContainsAnyExceptInRange('0', '9'))
            {
                error = $"TINYINIT_VERBOSITY={EchoText.Quote(verbosity)} is not a number (0: warnings, 1: info, 2: debug, 3 or more: trace)";
                return false;
            }

            // Any count of digits: 3 and above all mean trace, so a huge number is trace, not an overflow.
            int level = verbosity.TrimStart('0').Length > 2 ? 99 : int.Parse(verbosity, CultureInfo.InvariantCulture);
            settings.LogThreshold = ClampLevel((int)LogLevel.Warn + level);
        }

        settings.NoCleanup = IsSet("TINYINIT_NO_CLEANUP");
        settings.TagOutput = IsSet("TINYINIT_TAG_OUTPUT");
        if (Environment.GetEnvironmentVariable("TINYINIT_EVENTS") is { Length: > 0 } events)
            settings.EventsTarget = events;
        if (Environment.GetEnvironmentVariable("TINYINIT_CONTROL") is { Length: > 0 } control)
            settings.ControlPath = control;
        if (Environment.GetEnvironmentVariable("TINYINIT_PROCFILE") is { Length: > 0 } procfile)
            settings.ProcfilePath = procfile;
        if (Environment.GetEnvironmentVariable("TINYINIT_RESTART") is { Length: > 0 } restart)
        {
            error = RestartPolicies.TryParse(restart, out RestartPolicy policy);
            if (error is not null)
                return false;
            settings.Restart = policy;
        }

        error = EnvironmentDuration("TINYINIT_GRACE", grace => settings.Grace = grace)
            ?? EnvironmentDuration("TINYINIT_KILL_AFTER", killAfter => settings.KillAfter = killAfter)
            ?? EnvironmentDuration("TINYINIT_TIMEOUT", timeout => settings.Timeout = timeout)
            ?? EnvironmentDuration("TINYINIT_KILL_TIMEOUT", killTimeout => settings.ServiceKillTimeout = killTimeout);
        ReadinessCommandLine.ApplyEnvironment(settings);
        error ??= SignalRewrites.TryAddList(Environment.GetEnvironmentVariable("TINYINIT_REWRITE") ?? "", settings.Rewrites);
        return error is null;
    }

    private static string? EnvironmentDuration(string name, Action<TimeSpan> apply)
    {
        string? text = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrEmpty(text))
            return null;
        string? error = Durations.TryParse(name, text, out TimeSpan duration);
        if (error is null)
            apply(duration);
        return error;
    }

    private static bool IsSet(string name) => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name));

    private static LogLevel ClampLevel(int level) => (LogLevel)Math.Clamp(level, (int)LogLevel.Error, (int)LogLevel.Trace);

    /// <summary>One line: what the message repeats of the input is escaped, System.CommandLine's errors included.</summary>
    private static Outcome Fail(string message)
    {
        Log.Error(EchoText.Escape(message.TrimEnd('.')) + Hint);
        return new Outcome(null, (int)ExitCodes.UsageOrSetupError);
    }
}
