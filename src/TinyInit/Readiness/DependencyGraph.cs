using System;
using System.Collections.Generic;

namespace TinyInit.Readiness;

/// <summary>
/// The start order that <c>--after NAME=DEP[,DEP…]</c> declares, between the services and the main
/// command (named <see cref="Main"/>). Pure: it only checks names and finds cycles, so that both are
/// usage errors (125) before anything runs, and says what each node waits for.
/// </summary>
internal sealed class DependencyGraph
{
    /// <summary>The name of the main command in --after and --ready.</summary>
    public const string Main = "main";

    private readonly List<string> _nodes = [];
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _dependencies = new(StringComparer.Ordinal);
    private readonly bool _hasMain;
    private readonly bool _mainIsAmbiguous;

    /// <param name="services">The service names, in definition order.</param>
    /// <param name="hasMain">Whether a main command was given: then <see cref="Main"/> names it.</param>
    public DependencyGraph(IEnumerable<string> services, bool hasMain)
    {
        _hasMain = hasMain;
        foreach (string name in services)
        {
            _nodes.Add(name);
            _known.Add(name);
        }

        _mainIsAmbiguous = hasMain && _known.Contains(Main);
        if (hasMain && !_mainIsAmbiguous)
        {
            _nodes.Add(Main);
            _known.Add(Main);
        }
    }

    /// <summary>Whether any node waits for another.</summary>
    public bool HasEdges => _dependencies.Count > 0;

    /// <summary>Whether NAME names the main command rather than a service.</summary>
    public bool IsMain(string name) => _hasMain && name == Main;

    /// <summary>What <paramref name="name"/> waits for (empty: nothing).</summary>
    public IReadOnlyList<string> DependenciesOf(string name) =>
        _dependencies.TryGetValue(name, out List<string>? dependencies) ? dependencies : [];

    /// <summary>Checks that a name given in an option is a service or the main command.</summary>
    /// <param name="name">The name.</param>
    /// <param name="context">The option as given, for the message: <c>--after 'web=db'</c>.</param>
    /// <returns>null, or the one-line error message.</returns>
    public string? CheckName(string name, string context)
    {
        if (_mainIsAmbiguous && name == Main)
            return $"{context}: 'main' names both a service and the main command; rename the service";
        if (_known.Contains(name))
            return null;
        return name == Main
            ? $"{context}: 'main' names the main command, and none was given"
            : $"{context}: no service named '{name}'";
    }

    /// <summary>Adds one --after value; a NAME given twice waits for the dependencies of both.</summary>
    /// <returns>null, or the one-line error message (bad syntax, unknown name).</returns>
    public string? TryAdd(string spec)
    {
        string? error = AfterSpecParser.TryParse(spec, out string name, out List<string> dependencies);
        if (error is not null)
            return error;
        string context = $"--after '{spec}'";
        if (CheckName(name, context) is string nameError)
            return nameError;
        foreach (string dependency in dependencies)
        {
            if (CheckName(dependency, context) is string dependencyError)
                return dependencyError;
        }

        if (!_dependencies.TryGetValue(name, out List<string>? all))
            _dependencies[name] = all = [];
        foreach (string dependency in dependencies)
        {
            if (!all.Contains(dependency))
                all.Add(dependency);
        }

        return null;
    }

    /// <summary>Finds a cycle (nothing in it could ever start), looking from the nodes in definition order.</summary>
    /// <returns>null, or the one-line error naming it: <c>--after: dependency cycle: web -> db -> web</c>.</returns>
    public string? FindCycle()
    {
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: on the path; true: done
        var path = new List<string>();
        foreach (string node in _nodes)
        {
            if (Visit(node, state, path) is List<string> cycle)
                return "--after: dependency cycle: " + string.Join(" -> ", cycle);
        }

        return null;
    }

    /// <summary>Depth-first; the depth is at most the number of nodes, each visited once.</summary>
    private List<string>? Visit(string node, Dictionary<string, bool> state, List<string> path)
    {
        if (state.TryGetValue(node, out bool done))
            return done ? null : [.. path[path.IndexOf(node)..], node];
        state[node] = false;
        path.Add(node);
        foreach (string dependency in DependenciesOf(node))
        {
            if (Visit(dependency, state, path) is List<string> cycle)
                return cycle;
        }

        path.RemoveAt(path.Count - 1);
        state[node] = true;
        return null;
    }
}
