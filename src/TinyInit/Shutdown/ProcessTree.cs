using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using TinyInit.Diagnostics;
using TinyInit.Interop;
using TinyInit.Reaping;
using Tmds.Linux;

namespace TinyInit.Shutdown;

/// <summary>
/// Overview: finds and signals the processes below tinyinit when it is a subreaper but not PID 1
/// (as PID 1, kill(-1) reaches the whole namespace in one call). The kernel has no call for "my
/// subtree", so it is found by walking parent links in /proc, and only when /proc is tinyinit's
/// own (<see cref="ProcFs.IsOurs"/>).
///
/// Pid safety (docs/design.md, "Pid safety"): between reading a pid in /proc and signalling it,
/// the process can exit, be reaped by its own parent, and its pid be taken by an unrelated
/// process. So each candidate, parents first, is opened as a pidfd, then its parent is read again
/// and the pidfd checked to be still alive; it counts as a descendant only if that parent is
/// tinyinit or a descendant already proven and still alive, and it is signalled through its pidfd
/// only. A pid read from /proc is never passed to kill().
/// </summary>
internal static class ProcessTree
{
    /// <summary>Sends sig to every process proven to be below <paramref name="self"/>.</summary>
    /// <returns>How many were signalled.</returns>
    public static int SignalDescendants(int self, int sig)
    {
        var proven = new Dictionary<int, int> { [self] = -1 };
        int signalled = 0;
        try
        {
            foreach (int pid in Descendants(self))
            {
                int pidfd = Sys.pidfd_open(pid);
                if (pidfd < 0)
                    continue;
                int parent = ProcFs.ParentOf(pid);
                bool parentAlive = proven.TryGetValue(parent, out int parentFd) && (parentFd < 0 || IsAlive(parentFd));
                if (!parentAlive || !IsAlive(pidfd))
                {
                    LibC.close(pidfd);
                    continue;
                }

                proven[pid] = pidfd;
                if (Sys.pidfd_send_signal(pidfd, sig) == 0)
                    signalled++;
                else if (Errors.Last() == Errno.EPERM)
                    Log.Debug($"{Text.SignalNames.Name(sig)} to pid {pid}: not permitted");
            }
        }
        finally
        {
            foreach (int pidfd in proven.Values)
            {
                if (pidfd >= 0)
                    LibC.close(pidfd);
            }
        }

        return signalled;
    }

    /// <summary>Every process below root in one pass over /proc, parents before children; empty when /proc is not ours.</summary>
    public static List<int> Descendants(int root)
    {
        var found = new List<int>();
        if (!ProcFs.IsOurs)
            return found;
        var children = new Dictionary<int, List<int>>();
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateDirectories("/proc");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.Error($"cannot read /proc to find the remaining processes: {e.Message}");
            return found;
        }

        foreach (string dir in entries)
        {
            if (!int.TryParse(Path.GetFileName(dir.AsSpan()), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                continue;
            int parent = ProcFs.ParentOf(pid);
            if (parent <= 0)
                continue;
            if (!children.TryGetValue(parent, out List<int>? list))
                children[parent] = list = [];
            list.Add(pid);
        }

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

    /// <summary>Signal 0 through the pidfd: the process has not been reaped (a zombie still counts).</summary>
    private static bool IsAlive(int pidfd) => Sys.pidfd_send_signal(pidfd, 0) == 0;
}
