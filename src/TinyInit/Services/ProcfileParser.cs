using System;
using TinyInit.Cli;

namespace TinyInit.Services;

/// <summary>
/// Reads a Procfile, the format of Heroku, foreman, honcho and overmind: one <c>name: command</c>
/// per line, so an existing Procfile works unchanged. Blank lines and lines starting with '#'
/// are skipped, blanks around the name and the command are trimmed, and the line is split at
/// the first ':' so the command may contain ':' (<c>web: gunicorn -b 0.0.0.0:80 app</c>).
/// A '#' later in a line is left to the shell, which treats it as a comment anyway.
/// The text is the file's bytes as a <see cref="LosslessUtf8"/> string, so a command keeps bytes
/// that are not UTF-8; a NUL byte is an error, since the shell would never see what follows it.
/// </summary>
internal static class ProcfileParser
{
    private const char ByteOrderMark = '\uFEFF';

    /// <summary>Parses Procfile text and adds each service to <paramref name="services"/>.</summary>
    /// <param name="file">The file as the user named it; only used in messages.</param>
    /// <param name="text">The whole file, decoded with <see cref="LosslessUtf8.Decode"/>. "\n" and "\r\n" line ends both work.</param>
    /// <param name="restart">The policy every service gets; the format has no place for one.</param>
    /// <param name="services">Receives the services. It may already hold <c>--service</c> ones, whose names then
    /// count as taken. On an error it keeps the services of the lines before the bad one; setup fails anyway.</param>
    /// <returns>null, or the first error as one line, e.g. <c>Procfile:2: expected 'name: command'</c>.
    /// One error at a time, as a compiler that stops at the first: the fix is usually obvious.</returns>
    public static string? TryParse(string file, string text, RestartPolicy restart, ServiceSet services)
    {
        ReadOnlySpan<char> rest = text.AsSpan();
        if (!rest.IsEmpty && rest[0] == ByteOrderMark)
            rest = rest[1..];

        int lineNumber = 0;
        while (!rest.IsEmpty)
        {
            lineNumber++;
            int end = rest.IndexOf('\n');
            ReadOnlySpan<char> line = (end < 0 ? rest : rest[..end]).Trim();
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (line.Contains('\0'))
                return $"{ServiceOrigin.InFile(file, lineNumber)}: the line holds a NUL byte, which no command can contain";

            if (line.IsEmpty || line[0] == '#')
                continue;

            string? error = TryParseLine(line, ServiceOrigin.InFile(file, lineNumber), restart, services);
            if (error is not null)
                return error;
        }

        return null;
    }

    private static string? TryParseLine(ReadOnlySpan<char> line, ServiceOrigin origin, RestartPolicy restart, ServiceSet services)
    {
        int colon = line.IndexOf(':');
        if (colon <= 0)
            return $"{origin}: expected 'name: command'";

        ReadOnlySpan<char> name = line[..colon].TrimEnd();
        ReadOnlySpan<char> command = line[(colon + 1)..].TrimStart();
        if (!ServiceDefinition.IsValidName(name))
            return $"{origin}: invalid service name {EchoText.Quote(name.ToString())} ({ServiceDefinition.NameRule})";
        if (command.IsEmpty)
            return $"{origin}: empty command for service '{name}'";

        return services.TryAdd(new ServiceDefinition(name.ToString(), command.ToString(), restart, origin));
    }
}
