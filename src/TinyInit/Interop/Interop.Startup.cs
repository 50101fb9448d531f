using System.Runtime.InteropServices;

namespace TinyInit.Interop;

internal static unsafe partial class Libc
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
    }

    /// <summary>Copies the state that Native/startup.c captured before the runtime started.</summary>
    [LibraryImport(Libraries.Startup)]
    internal static partial void tinyinit_get_startup(out tinyinit_startup startup);
}
