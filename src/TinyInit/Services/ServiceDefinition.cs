using System;

namespace TinyInit.Services;

/// <summary>
/// One supervised service: a name that tags its output and its log lines, a shell command, and
/// when to restart it. The command is a string run with <c>/bin/sh -c</c>, as foreman, honcho and
/// overmind run Procfile lines, so pipes, redirections and <c>$VAR</c> work as users expect.
/// The shell may stay as the parent of the real program, so stop a service by signalling its
/// process group, not only its pid.
/// </summary>
/// <param name="Name">Unique among the services; see <see cref="IsValidName"/>.</param>
/// <param name="Command">Non-empty shell command, a <see cref="Cli.LosslessUtf8"/> string: bytes that are not UTF-8 are kept.</param>
/// <param name="Restart">When the service is started again after it ends.</param>
/// <param name="Origin">Where it was defined, for error messages.</param>
internal sealed record ServiceDefinition(string Name, string Command, RestartPolicy Restart, ServiceOrigin Origin)
{
    /// <summary>The shell every command runs in. An absolute path: PATH may not name a shell in a slim image.</summary>
    public const string Shell = "/bin/sh";

    /// <summary>What a valid name looks like, for error messages.</summary>
    public const string NameRule = "use letters, digits, '_', '.' and '-', starting with a letter or digit";

    /// <summary>The argv to spawn: <c>/bin/sh -c COMMAND</c>.</summary>
    public string[] ShellArgv() => [Shell, "-c", Command];

    /// <summary>
    /// Whether a name matches <c>^[A-Za-z0-9][A-Za-z0-9_.-]*$</c>. The name ends up in output
    /// prefixes, log lines and perhaps file names, so no blanks, no ':' (the Procfile separator),
    /// no '=' (the --service separator), no leading '-' or '.', and ASCII only.
    /// </summary>
    public static bool IsValidName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || !char.IsAsciiLetterOrDigit(name[0]))
            return false;
        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '.' && c != '-')
                return false;
        }

        return true;
    }
}
