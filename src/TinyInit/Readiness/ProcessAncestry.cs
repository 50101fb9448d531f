using System.Collections.Generic;
using TinyInit.Reaping;

namespace TinyInit.Readiness;

/// <summary>
/// Whose process sent an sd_notify message: the sender itself, then its parent, grandparent… up
/// to tinyinit, read from /proc. Only when /proc is tinyinit's own (<see cref="ProcFs.IsOurs"/>):
/// a foreign /proc would name other processes (docs/design.md, "Pid safety"), so then only the
/// sender itself counts, and a service's message is accepted only from its own pid.
/// </summary>
internal static class ProcessAncestry
{
    /// <summary>No real service nests deeper; the walk is bounded whatever /proc says.</summary>
    private const int MaxDepth = 64;

    /// <summary>The sender and, when /proc is ours, its ancestors below <paramref name="self"/>, nearest first.</summary>
    public static List<int> Of(int pid, int self)
    {
        var chain = new List<int>();
        if (pid <= 0)
            return chain;
        chain.Add(pid);
        if (!ProcFs.IsOurs)
            return chain;
        for (int depth = 0; depth < MaxDepth; depth++)
        {
            pid = ProcFs.ParentOf(pid);
            if (pid <= 1 || pid == self)
                break;
            chain.Add(pid);
        }

        return chain;
    }
}
