using TinyInit.Interop;

namespace TinyInit.Spawning;

/// <summary>
/// Starts children with posix_spawnp(3), never fork(): the child of a forked multi-threaded
/// runtime can deadlock, while glibc's posix_spawn uses clone(CLONE_VM|CLONE_VFORK) and
/// reports exec failures (ENOENT, EACCES) back to the parent (platform.md, fact 5).
/// </summary>
internal static unsafe class ChildSpawner
{
    /// <summary>Every signal from 1 to 64 (bit n-1 for signal n).</summary>
    private const ulong AllSignals = ulong.MaxValue;

    /// <returns>0 and the child's pid, or the errno of the failure (from the exec in the child, or from setup).</returns>
    public static int Spawn(in SpawnRequest request, out int pid)
    {
        pid = 0;
        Libc.posix_spawnattr_t attr;
        Libc.posix_spawn_file_actions_t actions;
        int rc = Libc.posix_spawnattr_init(&attr);
        if (rc != 0)
            return rc;
        rc = Libc.posix_spawn_file_actions_init(&actions);
        if (rc != 0)
        {
            Libc.posix_spawnattr_destroy(&attr);
            return rc;
        }

        try
        {
            // The child starts with the mask tinyinit was started with, and default dispositions for
            // every signal but those that were ignored then: SETSIGDEF undoes the SIGPIPE SIG_IGN
            // that the .NET runtime sets at start (platform.md, fact 4); tini restores the same way.
            short flags = Libc.POSIX_SPAWN_SETSIGMASK | Libc.POSIX_SPAWN_SETSIGDEF;
            Libc.posix_spawnattr_setsigmask(&attr, Libc.sigset_t.FromBits(request.SignalMask));
            Libc.posix_spawnattr_setsigdefault(&attr, Libc.sigset_t.FromBits(AllSignals & ~request.IgnoredSignals));
            if (request.NewProcessGroup)
            {
                flags |= Libc.POSIX_SPAWN_SETPGROUP;
                Libc.posix_spawnattr_setpgroup(&attr, 0);
            }

            if (request.ForegroundTerminalFd >= 0)
            {
                rc = Libc.posix_spawn_file_actions_addtcsetpgrp_np(&actions, request.ForegroundTerminalFd);
                if (rc != 0)
                    return rc;
            }

            if (request.StdoutFd >= 0)
                rc = Libc.posix_spawn_file_actions_adddup2(&actions, request.StdoutFd, 1);
            if (rc == 0 && request.StderrFd >= 0)
                rc = Libc.posix_spawn_file_actions_adddup2(&actions, request.StderrFd, 2);
            if (rc == 0 && request.ExtraFd >= 0)
                rc = Libc.posix_spawn_file_actions_adddup2(&actions, request.ExtraFd, request.ExtraFdTarget);
            if (rc != 0)
                return rc;

            Libc.posix_spawnattr_setflags(&attr, flags);
            return Libc.posix_spawnp(out pid, request.Argv[0], &actions, &attr, request.Argv, request.Envp);
        }
        finally
        {
            Libc.posix_spawn_file_actions_destroy(&actions);
            Libc.posix_spawnattr_destroy(&attr);
        }
    }
}
