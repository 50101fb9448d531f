using System;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.IO;
using TinyInit.Diagnostics;

namespace TinyInit.Cli;

/// <summary>
/// Turns argv and the environment into <see cref="Settings"/>. Every bad input ends in one
/// line on stderr and <see cref="ExitCodes.UsageOrSetupError"/>; --help, --version and
/// --license print to stdout and end in 0.
/// </summary>
internal static class CommandLine
{
    private const string Hint = " (see 'tinyinit --help')";

    /// <summary>The outcome: settings to run with, or an exit code to leave with at once.</summary>
    public readonly record struct Outcome(Settings? Settings, int ExitCode);

    public static Outcome Parse(string[] args)
    {
        var settings = new Settings();
        if (!ApplyEnvironment(settings, out string? envError))
            return Fail(envError!);

        OptionDefinitions? definitions = null;
        ArgvSplitter.Split split = ArgvSplitter.Find(args, name => (definitions ??= new OptionDefinitions()).TakesValue(name));
        if (split.OptionCount > 0)
        {
            definitions ??= new OptionDefinitions();
            Outcome? early = ApplyOptions(definitions, args[..split.OptionCount], settings);
            if (early is not null)
                return early.Value;
        }

        if (split.CommandStart >= args.Length)
            return Fail("no command given: usage is tinyinit [options] [--] command [args...]");

        settings.CommandIndex = split.CommandStart + 1;
        settings.Command = args[split.CommandStart..];
        return new Outcome(settings, 0);
    }

    private static Outcome? ApplyOptions(OptionDefinitions options, string[] optionArgs, Settings settings)
    {
        ParseResult result = options.Root.Parse(optionArgs);
        if (result.Errors.Count > 0)
            return Fail(result.Errors[0].Message);

        // The root command has no action of its own: any action is --help's or --version's.
        if (result.Action is not null)
            return PrintAndExit(result);
        if (result.GetValue(options.License))
        {
            Log.WriteAll(1, LicenseText.Text);
            return new Outcome(null, 0);
        }

        settings.Subreaper |= result.GetValue(options.Subreaper);
        settings.ProcessGroup |= result.GetValue(options.ProcessGroup);
        if (result.GetResult(options.ParentDeathSignal) is not null)
            settings.ParentDeathSignal = result.GetValue(options.ParentDeathSignal);
        foreach (int code in result.GetValue(options.RemapExit) ?? [])
            settings.RemappedExitCodes.Add(code);
        if (result.GetResult(options.Verbose) is OptionResult verbose)
            settings.LogThreshold = ClampLevel((int)LogLevel.Warn + verbose.IdentifierTokenCount);
        settings.WarnOnReap |= result.GetValue(options.WarnOnReap);
        settings.NoCleanup |= result.GetValue(options.NoCleanup);
        if (result.GetResult(options.Grace) is not null)
            settings.Grace = result.GetValue(options.Grace);
        if (result.GetResult(options.KillAfter) is not null)
            settings.KillAfter = result.GetValue(options.KillAfter);
        if (result.GetResult(options.Timeout) is not null)
            settings.Timeout = result.GetValue(options.Timeout);
        foreach (string rewrite in result.GetValue(options.Rewrite) ?? [])
        {
            if (SignalRewrites.TryAdd(rewrite, settings.Rewrites) is string error)
                return Fail(error);
        }

        return null;
    }

    private static Outcome PrintAndExit(ParseResult result)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        int code = result.Invoke(new InvocationConfiguration { Output = output, Error = output });
        Log.WriteAll(1, output.ToString());
        return new Outcome(null, code);
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
            if (!int.TryParse(verbosity, NumberStyles.None, CultureInfo.InvariantCulture, out int level))
            {
                error = $"TINYINIT_VERBOSITY='{verbosity}' is not a number from 0 to 3";
                return false;
            }

            settings.LogThreshold = ClampLevel((int)LogLevel.Warn + level);
        }

        settings.NoCleanup = IsSet("TINYINIT_NO_CLEANUP");
        error = EnvironmentDuration("TINYINIT_GRACE", grace => settings.Grace = grace)
            ?? EnvironmentDuration("TINYINIT_KILL_AFTER", killAfter => settings.KillAfter = killAfter)
            ?? EnvironmentDuration("TINYINIT_TIMEOUT", timeout => settings.Timeout = timeout);
        foreach (string rewrite in (Environment.GetEnvironmentVariable("TINYINIT_REWRITE") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            error ??= SignalRewrites.TryAdd(rewrite, settings.Rewrites);
        return error is null;
    }

    private static string? EnvironmentDuration(string name, Action<TimeSpan> apply)
    {
        string? text = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrEmpty(text))
            return null;
        if (!Durations.TryParse(text, out TimeSpan duration))
            return Durations.Invalid(name, text);
        apply(duration);
        return null;
    }

    private static bool IsSet(string name) => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name));

    private static LogLevel ClampLevel(int level) => (LogLevel)Math.Clamp(level, (int)LogLevel.Error, (int)LogLevel.Trace);

    private static Outcome Fail(string message)
    {
        Log.Error(message.TrimEnd('.') + Hint);
        return new Outcome(null, (int)ExitCodes.UsageOrSetupError);
    }
}
