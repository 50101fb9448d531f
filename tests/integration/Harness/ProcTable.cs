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
}
