using System.Runtime.InteropServices;

namespace TinyInit.Interop;

internal static unsafe partial class Sys
{
    /// <summary>Mirror of <c>struct tinyinit_startup</c> in Native/startup.c.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct tinyinit_startup
    {
        /// <summary>Bit n-1 set: signal n was blocked when tinyinit started.</summary>
        public ulong original_mask;
        /// <summary>Bit n-1 set: signal n was ignored (SIG_IGN) when tinyinit started.</summary>
        public ulong original_ignored;
        /// <summary>Bit n-1 set: tinyinit blocks signal n and reads it from its signalfd.</summary>
        public ulong handled;
        public int argc;
        public byte** argv;
        public byte** envp;
        /// <summary>Bit fd%64 of word fd/64 set: fd was open when tinyinit started (fds below <see cref="checked_fds"/>).</summary>
        public fixed ulong open_fds[16];
        /// <summary>How many fds, from 0, <see cref="open_fds"/> covers: up to 1024, 0 if the check failed.</summary>
        public int checked_fds;

        /// <summary>Whether fd was open when tinyinit started, so that it belongs to whoever started it.</summary>
        public readonly bool WasOpenAtStart(int fd) =>
            fd >= 0 && fd < checked_fds && (open_fds[fd / 64] & 1UL << (fd % 64)) != 0;
    }

    /// <summary>Copies the state that Native/startup.c captured before the runtime started.</summary>
    [LibraryImport(Libraries.Startup)]
    internal static partial void tinyinit_get_startup(out tinyinit_startup startup);

    /// <summary>
    /// Marks the runtime as started: Native/startup.c otherwise reports, at exit, that the runtime
    /// could not start (it exits 255 in silence). Main calls it first.
    /// </summary>
    [LibraryImport(Libraries.Startup)]
    internal static partial void tinyinit_main_started();

    /// <summary>
    /// Puts a guard in front of the runtime's SIGSEGV and SIGFPE handlers: faults still reach the
    /// runtime; the same signals sent by a process get the action tinyinit was started with.
    /// </summary>
    [LibraryImport(Libraries.Startup)]
    internal static partial void tinyinit_guard_crash_signals();

    /// <summary>
    /// Ignores, until <see cref="tinyinit_end_spawn_window"/>, the signals of wanted that tinyinit
    /// was started ignoring but the runtime took over, so that a child spawned meanwhile inherits
    /// SIG_IGN for them. Main thread only.
    /// </summary>
    /// <returns>The signals it changed (bit n-1 for signal n); 0 in the usual case.</returns>
    [LibraryImport(Libraries.Startup)]
    internal static partial ulong tinyinit_begin_spawn_window(ulong wanted);

    /// <summary>Puts back the actions that <see cref="tinyinit_begin_spawn_window"/> changed.</summary>
    [LibraryImport(Libraries.Startup)]
    internal static partial void tinyinit_end_spawn_window(ulong changed);
}
