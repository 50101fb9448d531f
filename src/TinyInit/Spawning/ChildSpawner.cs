using System;
using System.Runtime.InteropServices;
using TinyInit.Interop;
using Tmds.Linux;

namespace TinyInit.Spawning;

/// <summary>
/// Starts children with posix_spawnp(3), never fork(): the child of a forked multi-threaded
/// runtime can deadlock, while glibc's posix_spawn uses clone(CLONE_VM|CLONE_VFORK) and
/// reports exec failures (ENOENT, EACCES) back to the parent.
/// </summary>
internal static unsafe class ChildSpawner
{
    /// <summary>Every signal from 1 to 64 (bit n-1 for signal n).</summary>
    private const ulong AllSignals = ulong.MaxValue;

    /// <returns>0 and the child's pid, or the errno of the failure (from the exec in the child, or from setup).</returns>
    public static int Spawn(in SpawnRequest request, out int pid)
    {
        pid = 0;
        Sys.posix_spawnattr_t attr;
        Sys.posix_spawn_file_actions_t actions;
        int rc = Sys.posix_spawnattr_init(&attr);
        if (rc != 0)
            return rc;
        rc = Sys.posix_spawn_file_actions_init(&actions);
        if (rc != 0)
        {
            Sys.posix_spawnattr_destroy(&attr);
            return rc;
        }

        // The child inherits SIG_IGN only for what tinyinit ignores at the moment of the spawn.
        ulong window = Sys.tinyinit_begin_spawn_window(request.IgnoredSignals);
        try
        {
            rc = Prepare(request, &attr, &actions);
            if (rc != 0)
                return rc;
            rc = Sys.posix_spawnp(out pid, request.Argv[0], &actions, &attr, request.Argv, request.Envp);
            if ((Errno)rc == Errno.ENOEXEC)
                rc = SpawnWithShell(request, &attr, &actions, out pid);
            return rc;
        }
        finally
        {
            if (window != 0)
                Sys.tinyinit_end_spawn_window(window);
            Sys.posix_spawn_file_actions_destroy(&actions);
            Sys.posix_spawnattr_destroy(&attr);
        }
    }

    private static int Prepare(in SpawnRequest request, Sys.posix_spawnattr_t* attr, Sys.posix_spawn_file_actions_t* actions)
    {
        // The child starts with the mask tinyinit was started with, and default dispositions for
        // every signal but those that were ignored then: SETSIGDEF undoes the SIGPIPE SIG_IGN that
        // the .NET runtime sets at start; tini restores the same way.
        short flags = Sys.POSIX_SPAWN_SETSIGMASK | Sys.POSIX_SPAWN_SETSIGDEF;
        Sys.posix_spawnattr_setsigmask(attr, Sys.sigset_t.FromBits(request.SignalMask));
        Sys.posix_spawnattr_setsigdefault(attr, Sys.sigset_t.FromBits(AllSignals & ~request.IgnoredSignals));
        if (request.NewProcessGroup)
        {
            flags |= Sys.POSIX_SPAWN_SETPGROUP;
            Sys.posix_spawnattr_setpgroup(attr, 0);
        }

        int rc = 0;
        if (request.ForegroundTerminalFd >= 0)
            rc = Sys.posix_spawn_file_actions_addtcsetpgrp_np(actions, request.ForegroundTerminalFd);
        if (rc == 0 && request.StdoutFd >= 0)
            rc = Sys.posix_spawn_file_actions_adddup2(actions, request.StdoutFd, 1);
        if (rc == 0 && request.StderrFd >= 0)
            rc = Sys.posix_spawn_file_actions_adddup2(actions, request.StderrFd, 2);
        if (rc == 0 && request.ExtraFd >= 0)
            rc = Sys.posix_spawn_file_actions_adddup2(actions, request.ExtraFd, request.ExtraFdTarget);
        if (rc == 0)
            rc = Sys.posix_spawnattr_setflags(attr, flags);
        return rc;
    }

    /// <summary>
    /// ENOEXEC: <c>/bin/sh FILE ARGS...</c> with the same attributes and file actions, once (a
    /// /bin/sh that is itself not executable ends it). tinyinit passes its own environment on, so
    /// the PATH in Envp is the one posix_spawnp searched.
    /// </summary>
    /// <returns>
    /// 0; or EAGAIN or ENOMEM, which say nothing about the file; or ENOEXEC when the file cannot be
    /// found again or /bin/sh could not run (distroless images have none).
    /// </returns>
    private static int SpawnWithShell(in SpawnRequest request, Sys.posix_spawnattr_t* attr, Sys.posix_spawn_file_actions_t* actions, out int pid)
    {
        pid = 0;
        ReadOnlySpan<byte> command = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(request.Argv[0]);
        byte[]? script = ScriptFallback.Locate(command, ScriptFallback.SearchPath(request.Envp), IsExecutableFile);
        if (script is null)
            return (int)Errno.ENOEXEC;

        int count = 0;
        while (request.Argv[count] != null)
            count++;

        // [/bin/sh, FILE, ARGS..., NULL]: the arguments after argv[0] are tinyinit's own strings.
        // On the heap: an argv can be as long as ARG_MAX allows, too long for the stack.
        byte** argv = (byte**)NativeMemory.Alloc((nuint)(count + 2), (nuint)sizeof(byte*));
        try
        {
            fixed (byte* shell = ScriptFallback.Shell)
            fixed (byte* file = (byte[])[.. script, 0])
            {
                argv[0] = shell;
                argv[1] = file;
                for (int i = 1; i < count; i++)
                    argv[i + 1] = request.Argv[i];
                argv[count + 1] = null;
                int rc = Sys.posix_spawn(out pid, shell, actions, attr, argv, request.Envp);
                return rc == 0 || (Errno)rc is Errno.EAGAIN or Errno.ENOMEM ? rc : (int)Errno.ENOEXEC;
            }
        }
        finally
        {
            NativeMemory.Free(argv);
        }
    }

    /// <summary>What execve would not refuse with EACCES: a regular file that tinyinit may execute.</summary>
    private static bool IsExecutableFile(byte[] path)
    {
        fixed (byte* p = (byte[])[.. path, 0])
        {
            statx status;
            return LibC.access(p, Sys.X_OK) == 0 && LibC.statx(Sys.AT_FDCWD, p, 0, Sys.STATX_TYPE, &status) == 0
                && (status.stx_mode & Sys.S_IFMT) == Sys.S_IFREG;
        }
    }
}
