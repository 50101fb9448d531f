using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;

namespace TinyInit.Services;

/// <summary>
/// The services to supervise, in the order they were defined, with unique names. Both the
/// Procfile and every <c>--service</c> go through <see cref="TryAdd"/>, so a name defined twice
/// is an error wherever the two definitions come from: a silent "last one wins" would start
/// the wrong command under a familiar name.
/// </summary>
internal sealed class ServiceSet
{
    private readonly List<ServiceDefinition> _services = [];
    private readonly Dictionary<string, ServiceDefinition> _byName = new(StringComparer.Ordinal);

    /// <summary>The services in definition order, which is also the order to start them in.</summary>
    public IReadOnlyList<ServiceDefinition> Services => _services;

    public int Count => _services.Count;

    /// <summary>Adds a service unless its name is taken.</summary>
    /// <returns>null, or the one-line error, e.g. <c>Procfile:3: duplicate service name 'web' (first defined on line 1)</c>.</returns>
    public string? TryAdd(ServiceDefinition service)
    {
        if (_byName.TryGetValue(service.Name, out ServiceDefinition? first))
            return $"{service.Origin}: duplicate service name '{service.Name}' (first defined {first.Origin.DescribeFrom(service.Origin)})";
        _byName.Add(service.Name, service);
        _services.Add(service);
        return null;
    }

    public bool TryGet(string name, [NotNullWhen(true)] out ServiceDefinition? service) =>
        _byName.TryGetValue(name, out service);
}
