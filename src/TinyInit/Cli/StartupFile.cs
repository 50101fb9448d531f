using System;
using System.Diagnostics;
using TinyInit.Interop;
using TinyInit.Text;
using Tmds.Linux;

namespace TinyInit.Cli;

/// <summary>
/// Reads a file tinyinit needs before it starts anything (the Procfile), so that no file can
/// hang it or exhaust its memory. At that point SIGTERM is already blocked (Native/startup.c),
/// so a blocking open(2) of a FIFO with no writer could only be ended by SIGKILL, and
/// <c>/dev/zero</c> would be read until memory ran out.
///
/// The rule: a regular file of at most <see cref="MaxBytes"/>, or a pipe or FIFO that reaches end
/// of file within <see cref="PipeDeadline"/> (<c>--procfile /dev/stdin</c> from a pipe, or
/// <c>&lt;(...)</c>) with at most that much in it. Anything else is refused before it is opened
/// (opening a device can have effects: a terminal can become tinyinit's controlling terminal).
/// It is opened with O_NONBLOCK, which open(2) says never waits for a FIFO's writer, and checked
/// again on the open fd, in case the path changed in between.
/// </summary>
internal static unsafe class StartupFile
{
    /// <summary>The most a file may hold: 1 MiB is thousands of Procfile lines.</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>How long a pipe gets to reach end of file.</summary>
    public static readonly TimeSpan PipeDeadline = TimeSpan.FromSeconds(5);

    /// <param name="what">What the file is, for messages: <c>Procfile</c>.</param>
    /// <param name="path">The path as given (a <see cref="LosslessUtf8"/> string: its bytes are opened).</param>
    /// <param name="contents">The bytes read.</param>
    /// <returns>null, or the one-line error.</returns>
    public static string? TryRead(string what, string path, out byte[] contents)
    {
        contents = [];
        string named = $"{what} {EchoText.Quote(path, int.MaxValue)}";
        byte[] pathBytes = [.. LosslessUtf8.Encode(path), 0];
        statx status;
        fixed (byte* p = pathBytes)
        {
            if (LibC.statx(Sys.AT_FDCWD, p, 0, Sys.STATX_TYPE | Sys.STATX_SIZE, &status) < 0)
                return $"cannot read {named}: {Errors.Describe(Errors.Last())}";
            if (Refusal(what, named, status) is string refused)
                return refused;

            int fd = LibC.open(p, Sys.O_RDONLY | Sys.O_NONBLOCK | Sys.O_CLOEXEC | Sys.O_NOCTTY, 0);
            if (fd < 0)
                return $"cannot read {named}: {Errors.Describe(Errors.Last())}";
            try
            {
                byte empty = 0;
                if (LibC.statx(fd, &empty, Sys.AT_EMPTY_PATH, Sys.STATX_TYPE | Sys.STATX_SIZE, &status) < 0)
                    return $"cannot read {named}: {Errors.Describe(Errors.Last())}";
                return Refusal(what, named, status) ?? ReadAll(fd, named, (status.stx_mode & Sys.S_IFMT) == Sys.S_IFIFO, out contents);
            }
            finally
            {
                LibC.close(fd);
            }
        }
    }

    private static string? Refusal(string what, string named, in statx status)
    {
        int type = status.stx_mode & Sys.S_IFMT;
        if (type == Sys.S_IFREG && status.stx_size > MaxBytes)
            return $"{named} is larger than 1 MiB ({status.stx_size} bytes)";
        if (type is Sys.S_IFREG or Sys.S_IFIFO)
            return null;

        string kind = type switch
        {
            Sys.S_IFDIR => "a directory",
            Sys.S_IFCHR => "a character device",
            Sys.S_IFBLK => "a block device",
            Sys.S_IFSOCK => "a socket",
            _ => $"of file type {type >> 12}",
        };
        return $"{named} is {kind}: a {what} must be a regular file or a pipe";
    }

    /// <summary>Reads to end of file, at most <see cref="MaxBytes"/>; a pipe with nothing yet is waited for with poll(2).</summary>
    private static string? ReadAll(int fd, string named, bool isPipe, out byte[] contents)
    {
        contents = [];
        byte[] buffer = new byte[4096];
        int length = 0;
        long deadline = Stopwatch.GetTimestamp() + (long)(PipeDeadline.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (length == buffer.Length)
                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, MaxBytes + 1));

            nint n;
            fixed (byte* b = buffer)
                n = (nint)LibC.read(fd, b + length, (size_t)(buffer.Length - length));
            if (n > 0)
            {
                length += (int)n;
                if (length > MaxBytes)
                    return $"{named} is larger than 1 MiB";
                continue;
            }

            if (n == 0)
                break;
            Errno error = Errors.Last();
            if (error == Errno.EINTR)
                continue;
            if (error != Errno.EAGAIN)
                return $"cannot read {named}: {Errors.Describe(error)}";
            if (WaitForData(fd, deadline, named) is string waitError)
                return waitError;
        }

        // A FIFO that nobody has open for writing reads as end of file at once (pipe(7)).
        if (isPipe && length == 0)
            return $"{named} is a FIFO or pipe with no writer and nothing in it";
        contents = buffer[..length];
        return null;
    }

    /// <returns>null once the fd is readable (data or end of file), or the error.</returns>
    private static string? WaitForData(int fd, long deadline, string named)
    {
        var watched = new Sys.pollfd_t { fd = fd, events = Sys.POLLIN };
        while (true)
        {
            long left = deadline - Stopwatch.GetTimestamp();
            if (left <= 0)
                return $"{named}: the pipe did not reach end of file within {Durations.Format(PipeDeadline)}";
            int milliseconds = (int)Math.Min(int.MaxValue, left * 1000 / Stopwatch.Frequency + 1);
            int ready = Sys.poll(&watched, 1, milliseconds);
            if (ready > 0)
                return null;
            if (ready < 0 && Errors.Last() is Errno error && error != Errno.EINTR)
                return $"cannot read {named}: poll: {Errors.Describe(error)}";
        }
    }
}
