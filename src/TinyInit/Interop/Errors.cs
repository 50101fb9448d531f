using System.Runtime.InteropServices;

namespace TinyInit.Interop;

/// <summary>errno helpers: read errno at once after the failing call, as a typed value.</summary>
internal static unsafe class Errors
{
    /// <summary>
    /// The errno of the last call declared with SetLastError = true: our LibraryImports and Tmds.LibC's
    /// DllImports both save it to the same per-thread slot right after the call. A call declared
    /// without it (Tmds.LibC's getpid, geteuid...) leaves the slot as it was.
    /// </summary>
    public static Errno Last() => (Errno)Marshal.GetLastPInvokeError();

    /// <summary>strerror(3) text for an errno value.</summary>
    public static string Describe(int errno) => Marshal.PtrToStringUTF8((nint)Sys.strerror(errno)) ?? $"errno {errno}";

    public static string Describe(Errno errno) => Describe((int)errno);
}
