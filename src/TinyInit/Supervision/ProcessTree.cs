using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using TinyInit.Cli;
using TinyInit.Diagnostics;
using TinyInit.Interop;

namespace TinyInit.Supervision;

/// <summary>
/// Signals what is left under tinyinit once the main child has gone. As PID 1 that is every
/// other process in the namespace, which kill(-1) reaches in one call. Elsewhere it is every
/// descendant, found by walking parent links in /proc: the kernel has no call for "my subtree".
/// </summary>
internal static class ProcessTree
{
    /// <summary>Sends sig to every process still under tinyinit.</summary>
    /// <returns>How many were signalled (as PID 1: 1 if any was, 0 if none was left).</returns>
    public static int SignalAll(int selfPid, int sig)
    {
        if (selfPid == 1)
            return Libc.kill(-1, sig) == 0 ? 1 : 0;

        int signalled = 0;
        foreach (int pid in Descendants(selfPid))
        {
            if (Libc.kill(pid, sig) == 0)
                signalled++;
            else if (Errors.Last() == Errno.EPERM)
                Log.Debug($"{SignalNames.Name(sig)} to pid {pid}: not permitted");
        }

        return signalled;
    }

    /// <summary>Every process below root in one pass over /proc, parents before children.</summary>
    /// <remarks>Empty, with an error logged, when /proc cannot be read (not mounted).</remarks>
    public static List<int> Descendants(int root)
    {
        var children = new Dictionary<int, List<int>>();
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateDirectories("/proc");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.Error($"cannot read /proc to find the remaining processes: {e.Message}");
            return [];
        }

        foreach (string dir in entries)
        {
            if (!int.TryParse(Path.GetFileName(dir.AsSpan()), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                continue;
            int parent = ParentOf(pid);
            if (parent <= 0)
                continue;
            if (!children.TryGetValue(parent, out List<int>? list))
                children[parent] = list = [];
            list.Add(pid);
        }

        var found = new List<int>();
        var queue = new Queue<int>();
        queue.Enqueue(root);
        while (queue.Count > 0)
        {
            if (!children.TryGetValue(queue.Dequeue(), out List<int>? list))
                continue;
            foreach (int child in list)
            {
                found.Add(child);
                queue.Enqueue(child);
            }
        }

        return found;
    }

    /// <summary>Field 4 of /proc/PID/stat, read after the last ')' since the command name may hold any byte.</summary>
    private static int ParentOf(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            ReadOnlySpan<char> rest = stat.AsSpan(stat.LastIndexOf(')') + 2);
            rest = rest[(rest.IndexOf(' ') + 1)..];
            return int.Parse(rest[..rest.IndexOf(' ')], NumberStyles.None, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
        {
            return -1; // gone meanwhile
        }
    }
}
