using System;
using TinyInit.Cli;

namespace TinyInit.Services;

/// <summary>
/// <c>--service NAME=COMMAND</c>: one service from the command line, for images that need two or
/// three processes and no Procfile. Splits at the first '=', so the command may contain '='
/// (<c>--service web=env PORT=80 ./server</c>). The value is a <see cref="LosslessUtf8"/> string,
/// so the command keeps the bytes it was given.
/// </summary>
internal static class ServiceSpecParser
{
    /// <param name="text">The option's value.</param>
    /// <param name="restart">The policy the service gets; the spec itself has no place for one.</param>
    /// <param name="service">The service, when the value is valid.</param>
    /// <returns>null, or the one-line error message.</returns>
    public static string? TryParse(string text, RestartPolicy restart, out ServiceDefinition? service)
    {
        service = null;
        ServiceOrigin origin = ServiceOrigin.CommandLine(text);
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
            return $"{origin}: expected NAME=COMMAND (for example web=python -m http.server)";

        string name = text[..equals].Trim();
        string command = text[(equals + 1)..].Trim();
        if (!ServiceDefinition.IsValidName(name))
            return $"{origin}: invalid service name {EchoText.Quote(name)} ({ServiceDefinition.NameRule})";
        if (command.Length == 0)
            return $"{origin}: empty command for service '{name}'";

        service = new ServiceDefinition(name, command, restart, origin);
        return null;
    }

    /// <summary>Parses the value and adds the service to <paramref name="services"/>, reporting duplicates.</summary>
    /// <returns>null, or the one-line error message.</returns>
    public static string? TryAdd(string text, RestartPolicy restart, ServiceSet services)
    {
        string? error = TryParse(text, restart, out ServiceDefinition? service);
        return error ?? services.TryAdd(service!);
    }
}
