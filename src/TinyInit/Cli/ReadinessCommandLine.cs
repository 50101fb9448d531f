using System;
using System.CommandLine;
using TinyInit.Readiness;

namespace TinyInit.Cli;

/// <summary>
/// --essential, --ready, --ready-interval, --ready-timeout and --after, and TINYINIT_ESSENTIAL:
/// read into <see cref="Settings"/>, then checked against the services and the main command once
/// both are known, so that an unknown name or a dependency cycle is one line and 125.
/// </summary>
internal static class ReadinessCommandLine
{
    public const string EssentialVariable = "TINYINIT_ESSENTIAL";

    /// <summary>TINYINIT_ESSENTIAL=a,b.</summary>
    public static void ApplyEnvironment(Settings settings)
    {
        foreach (string name in (Environment.GetEnvironmentVariable(EssentialVariable) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            settings.Essential.Add(name);
    }

    /// <summary>The options as given; --essential replaces TINYINIT_ESSENTIAL (flags win over the environment).</summary>
    public static void Apply(ParseResult result, OptionDefinitions options, Settings settings)
    {
        if (result.GetValue(options.Essential) is { Length: > 0 } essential)
        {
            settings.Essential.Clear();
            settings.Essential.UnionWith(essential);
        }

        settings.ReadySpecs.AddRange(result.GetValue(options.Ready) ?? []);
        settings.AfterSpecs.AddRange(result.GetValue(options.After) ?? []);
        if (result.GetResult(options.ReadyInterval) is not null)
            settings.ReadyInterval = result.GetValue(options.ReadyInterval);
        if (result.GetResult(options.ReadyTimeout) is not null)
            settings.ReadyTimeout = result.GetValue(options.ReadyTimeout);
    }

    /// <summary>Builds <see cref="Settings.Readiness"/> once the services are known.</summary>
    /// <param name="settings">The settings, services built.</param>
    /// <param name="hasMain">Whether a main command was given.</param>
    /// <returns>null, or the one-line error message.</returns>
    public static string? Build(Settings settings, bool hasMain)
    {
        foreach (string name in settings.Essential)
        {
            if (!settings.Services.TryGet(name, out _))
                return $"essential service '{name}' (--essential, {EssentialVariable}): no service named '{name}'";
        }

        if (settings.ReadyInterval <= TimeSpan.Zero)
            return "--ready-interval must be longer than 0";
        if (settings.ReadySpecs.Count == 0 && settings.AfterSpecs.Count == 0)
            return null;
        string? error = ReadinessPlan.TryBuild(settings.Services, hasMain, settings.ReadySpecs, settings.AfterSpecs, out ReadinessPlan? plan);
        if (plan is not null)
            settings.Readiness = plan;
        return error;
    }
}
