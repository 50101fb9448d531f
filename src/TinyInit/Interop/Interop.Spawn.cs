using System.Runtime.InteropServices;

namespace TinyInit.Interop;

/// <summary>
/// posix_spawn(3) and its attribute and file-action calls. Not Tmds.LibC's: it lacks them all (it
/// has fork and execve, which managed code must not use in a runtime with threads).
/// </summary>
internal static unsafe partial class Sys
{
    public const short POSIX_SPAWN_SETPGROUP = 0x02;
    public const short POSIX_SPAWN_SETSIGDEF = 0x04;
    public const short POSIX_SPAWN_SETSIGMASK = 0x08;

    /// <summary>glibc's opaque <c>posix_spawnattr_t</c> (336 bytes on x86-64; room to spare).</summary>
    [StructLayout(LayoutKind.Sequential, Size = 512)]
    internal struct posix_spawnattr_t { private byte _opaque; }

    /// <summary>glibc's opaque <c>posix_spawn_file_actions_t</c> (80 bytes on x86-64; room to spare).</summary>
    [StructLayout(LayoutKind.Sequential, Size = 128)]
    internal struct posix_spawn_file_actions_t { private byte _opaque; }

    /// <summary>posix_spawnp(3): glibc runs it with clone(CLONE_VM|CLONE_VFORK), so exec failure comes back here.</summary>
    /// <returns>0, or an errno value (not -1): ENOENT, EACCES, ENOEXEC... from the exec in the child.</returns>
    [LibraryImport(Libraries.Libc)]
    internal static partial int posix_spawnp(out int pid, byte* file, posix_spawn_file_actions_t* file_actions,
        posix_spawnattr_t* attrp, byte** argv, byte** envp);

    /// <summary>posix_spawn(3): as <see cref="posix_spawnp"/>, with path used as it is (no PATH search).</summary>
    [LibraryImport(Libraries.Libc)]
    internal static partial int posix_spawn(out int pid, byte* path, posix_spawn_file_actions_t* file_actions,
        posix_spawnattr_t* attrp, byte** argv, byte** envp);

    [LibraryImport(Libraries.Libc)]
    internal static partial int posix_spawnattr_init(posix_spawnattr_t* attr);

    [LibraryImport(Libraries.Libc)]
    internal static partial int posix_spawnattr_destroy(posix_spawnattr_t* attr);

    [LibraryImport(Libraries.Libc)]
    internal static partial int posix_spawnattr_setflags(posix_spawnattr_t* attr, short flags);

    [LibraryImport(Libraries.Libc)]
    internal static partial int posix_spawnattr_setsigmask(posix_spawnattr_t* attr, in sigset_t sigmask);

    [LibraryImport(Libraries.Libc)]
    internal static partial int posix_spawnattr_setsigdefault(posix_spawnattr_t* attr, in sigset_t sigdefault);

    [LibraryImport(Libraries.Libc)]
    internal static partial int posix_spawnattr_setpgroup(posix_spawnattr_t* attr, int pgroup);

    [LibraryImport(Libraries.Libc)]
    internal static partial int posix_spawn_file_actions_init(posix_spawn_file_actions_t* file_actions);

    [LibraryImport(Libraries.Libc)]
    internal static partial int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t* file_actions);

    /// <summary>glibc 2.35+: in the child, make its process group the foreground group of terminal tcfd.</summary>
    [LibraryImport(Libraries.Libc)]
    internal static partial int posix_spawn_file_actions_addtcsetpgrp_np(posix_spawn_file_actions_t* file_actions, int tcfd);

    [LibraryImport(Libraries.Libc)]
    internal static partial int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t* file_actions, int fd, int newfd);

    public const int X_OK = 1;
}
