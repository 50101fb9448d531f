using System.Collections.Generic;
using TinyInit.Services;

namespace TinyInit.Readiness;

/// <summary>
/// What --ready and --after declare, checked against the services and the main command: how each
/// one says it is ready, and what it waits for. Built once, before anything runs, so that every
/// mistake is a usage error.
/// </summary>
internal sealed class ReadinessPlan
{
    private readonly Dictionary<string, ReadinessMode> _modes = new(System.StringComparer.Ordinal);

    private ReadinessPlan(DependencyGraph order) => Order = order;

    /// <summary>Nothing declared, nothing to check against.</summary>
    public static ReadinessPlan Empty { get; } = new(new DependencyGraph([], hasMain: false));

    /// <summary>The start order (--after).</summary>
    public DependencyGraph Order { get; }

    /// <summary>Whether nothing was declared: every service and the main command start at once, ready once spawned.</summary>
    public bool IsEmpty => _modes.Count == 0 && !Order.HasEdges;

    /// <summary>How NAME says it is ready; null: once it is spawned.</summary>
    public ReadinessMode? ModeOf(string name) => _modes.GetValueOrDefault(name);

    /// <summary>Whether any service or the main command says it is ready with this kind of mode.</summary>
    public bool Uses(ReadinessKind kind)
    {
        foreach (ReadinessMode mode in _modes.Values)
        {
            if (mode.Kind == kind)
                return true;
        }

        return false;
    }

    /// <param name="services">The services, as defined.</param>
    /// <param name="hasMain">Whether a main command was given.</param>
    /// <param name="readySpecs">The --ready values, in order; a NAME given twice takes the last one.</param>
    /// <param name="afterSpecs">The --after values, in order.</param>
    /// <param name="plan">The plan, when everything is valid.</param>
    /// <returns>null, or the one-line error message.</returns>
    public static string? TryBuild(ServiceSet services, bool hasMain, IReadOnlyList<string> readySpecs, IReadOnlyList<string> afterSpecs, out ReadinessPlan? plan)
    {
        plan = null;
        var names = new List<string>(services.Count);
        foreach (ServiceDefinition service in services.Services)
            names.Add(service.Name);
        var built = new ReadinessPlan(new DependencyGraph(names, hasMain));
        foreach (string spec in readySpecs)
        {
            string? error = ReadySpecParser.TryParse(spec, out string name, out ReadinessMode? mode)
                ?? built.Order.CheckName(name, $"--ready '{spec}'");
            if (error is not null)
                return error;
            built._modes[name] = mode!;
        }

        foreach (string spec in afterSpecs)
        {
            if (built.Order.TryAdd(spec) is string error)
                return error;
        }

        if (built.Order.FindCycle() is string cycle)
            return cycle;
        plan = built;
        return null;
    }
}
