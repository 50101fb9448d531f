using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace TinyInit.IntegrationTests.Harness;

/// <summary>Reads the process table from /proc.</summary>
internal static class ProcTable
{
    public readonly record struct Entry(int Pid, int ParentPid, char State, string Comm);

    public static List<Entry> Snapshot()
    {
        var entries = new List<Entry>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
                continue;
            if (TryRead(pid) is Entry entry)
                entries.Add(entry);
        }

        return entries;
    }

    public static Entry? TryRead(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            int open = stat.IndexOf('(');
            int close = stat.LastIndexOf(')');
            string[] rest = stat[(close + 2)..].Split(' ');
            return new Entry(pid, int.Parse(rest[1]), rest[0][0], stat[(open + 1)..close]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Every process below root (not root itself), from one snapshot.</summary>
    public static List<Entry> Descendants(int root)
    {
        List<Entry> all = Snapshot();
        ILookup<int, Entry> byParent = all.ToLookup(e => e.ParentPid);
        var found = new List<Entry>();
        var queue = new Queue<int>([root]);
        while (queue.Count > 0)
        {
            foreach (Entry child in byParent[queue.Dequeue()])
            {
                found.Add(child);
                queue.Enqueue(child.Pid);
            }
        }

        return found;
    }

    /// <summary>Live processes whose environment holds the marker (zombies have no environment left).</summary>
    public static List<int> WithEnvironmentMarker(string marker)
    {
        var found = new List<int>();
        byte[] needle = System.Text.Encoding.ASCII.GetBytes(marker);
        foreach (Entry entry in Snapshot())
        {
            try
            {
                byte[] environ = File.ReadAllBytes($"/proc/{entry.Pid}/environ");
                if (environ.AsSpan().IndexOf(needle) >= 0)
                    found.Add(entry.Pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    /// <summary>The value of one field (SigBlk, SigIgn...) of /proc/PID/status or /proc/PID/task/TID/status.</summary>
    public static string? StatusField(string statusPath, string field)
    {
        foreach (string line in File.ReadLines(statusPath))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return line[(field.Length + 1)..].Trim();
        }

        return null;
    }

    /// <summary>
    /// The number of the system call pid's main thread is blocked in (/proc/PID/syscall, x86-64
    /// numbers: 1 is write), or -1 when it is running or gone.
    /// </summary>
    public static int BlockedInSyscall(int pid)
    {
        try
        {
            string text = File.ReadAllText($"/proc/{pid}/syscall");
            return int.TryParse(text.Split(' ')[0], out int number) ? number : -1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    /// <summary>Whether sig is pending for the whole process pid (ShdPnd of /proc/PID/status).</summary>
    public static bool IsPending(int pid, int sig)
    {
        try
        {
            string? pending = StatusField($"/proc/{pid}/status", "ShdPnd");
            return pending is not null && (Convert.ToUInt64(pending, 16) & (1UL << (sig - 1))) != 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
