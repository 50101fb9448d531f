using System;
using System.Runtime.InteropServices;

namespace TinyInit.Spawning;

/// <summary>
/// What execvp(3) does when execve(2) says ENOEXEC (a script without "#!", an empty file): run
/// the file with /bin/sh, as <c>/bin/sh FILE ARGS...</c>. glibc's posix_spawnp no longer does it
/// (posix_spawn(3), NOTES: since glibc 2.15), so tinyinit does, and for that it must know which
/// file posix_spawnp found: it looks along PATH again, as glibc does.
/// </summary>
internal static unsafe class ScriptFallback
{
    /// <summary>The shell execvp(3) uses (_PATH_BSHELL).</summary>
    public static ReadOnlySpan<byte> Shell => "/bin/sh\0"u8;

    /// <summary>glibc's search path when PATH is not set (confstr(3) _CS_PATH).</summary>
    private static ReadOnlySpan<byte> DefaultSearchPath => "/bin:/usr/bin"u8;

    /// <summary>
    /// The file that posix_spawnp ran for command: command itself when it holds a '/'; otherwise
    /// the first DIR/command along the search path for which isExecutableFile holds, as glibc's
    /// search skips what execve refuses with EACCES (a directory, no execute permission) and stops
    /// at the first that exists and runs (an empty entry is the current directory).
    /// </summary>
    /// <returns>The path, without a terminating NUL, or null if none qualifies any more.</returns>
    public static byte[]? Locate(ReadOnlySpan<byte> command, ReadOnlySpan<byte> searchPath, Func<byte[], bool> isExecutableFile)
    {
        if (command.IndexOf((byte)'/') >= 0)
            return command.ToArray();
        if (command.IsEmpty)
            return null;

        foreach (Range entry in searchPath.Split((byte)':'))
        {
            ReadOnlySpan<byte> dir = searchPath[entry];
            byte[] candidate = dir.IsEmpty ? command.ToArray() : [.. dir, (byte)'/', .. command];
            if (isExecutableFile(candidate))
                return candidate;
        }

        return null;
    }

    /// <summary>The value of PATH in a NULL-terminated environment, or glibc's default without it.</summary>
    public static ReadOnlySpan<byte> SearchPath(byte** envp)
    {
        for (byte** entry = envp; entry != null && *entry != null; entry++)
        {
            ReadOnlySpan<byte> variable = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(*entry);
            if (variable.StartsWith("PATH="u8))
                return variable[5..];
        }

        return DefaultSearchPath;
    }
}
