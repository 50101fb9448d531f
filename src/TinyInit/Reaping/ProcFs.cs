using System;
using System.Globalization;
using System.IO;
using TinyInit.Interop;
using Tmds.Linux;

namespace TinyInit.Reaping;

/// <summary>
/// What tinyinit reads from /proc, and whether it may. Under <c>unshare --pid --fork</c> without
/// <c>--mount-proc</c> (or any PID namespace whose /proc belongs to the parent namespace), /proc
/// describes other processes than tinyinit's: pid 2 there is the host's kthreadd, not tinyinit's
/// second child. So /proc is used only when /proc/self names tinyinit's own pid (proc(5):
/// /proc/self resolves to the caller's pid in the namespace of that proc mount).
/// </summary>
internal static unsafe class ProcFs
{
    /// <summary>Whether /proc is mounted and belongs to tinyinit's PID namespace. Read once at start.</summary>
    public static bool IsOurs { get; private set; }

    /// <summary>Checks /proc once, with one readlink(2); call at start, before anything reads /proc.</summary>
    public static void Check()
    {
        byte* target = stackalloc byte[16];
        nint n;
        fixed (byte* path = "/proc/self\0"u8)
            n = (nint)LibC.readlink(path, target, 16);
        IsOurs = n > 0 && int.TryParse(new ReadOnlySpan<byte>(target, (int)n), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
            && pid == LibC.getpid();
    }

    /// <summary>/proc/PID/comm with three plain syscalls (it is read once per orphan while events are on); null when /proc is not ours.</summary>
    public static string? CommandName(int pid)
    {
        if (!IsOurs)
            return null;
        Span<byte> path = stackalloc byte[32];
        if (!System.Text.Unicode.Utf8.TryWrite(path, CultureInfo.InvariantCulture, $"/proc/{pid}/comm\0", out _))
            return null;
        int fd;
        fixed (byte* p = path)
            fd = LibC.open(p, Sys.O_RDONLY | Sys.O_CLOEXEC, 0);
        if (fd < 0)
            return null;
        byte* name = stackalloc byte[32];
        nint n = (nint)LibC.read(fd, name, 32);
        LibC.close(fd);
        if (n <= 0)
            return null;
        int length = (int)n;
        if (name[length - 1] == (byte)'\n')
            length--;
        return System.Text.Encoding.UTF8.GetString(name, length);
    }

    /// <summary>Field 4 of /proc/PID/stat, read after the last ')' since the command name may hold any byte.</summary>
    /// <returns>The parent pid, or -1 when the process is gone (or /proc is not ours).</returns>
    public static int ParentOf(int pid)
    {
        if (!IsOurs)
            return -1;
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            ReadOnlySpan<char> rest = stat.AsSpan(stat.LastIndexOf(')') + 2);
            rest = rest[(rest.IndexOf(' ') + 1)..];
            return int.Parse(rest[..rest.IndexOf(' ')], NumberStyles.None, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
        {
            return -1;
        }
    }
}
