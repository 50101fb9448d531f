using System.Runtime.InteropServices;

namespace TinyInit.Interop;

/// <summary>errno helpers: read errno at once after the failing call, as a typed value.</summary>
internal static unsafe class Errors
{
    /// <summary>The errno of the last LibraryImport call made with SetLastError = true.</summary>
    public static Errno Last() => (Errno)Marshal.GetLastPInvokeError();

    /// <summary>strerror(3) text for an errno value.</summary>
    public static string Describe(int errno) => Marshal.PtrToStringUTF8((nint)Libc.strerror(errno)) ?? $"errno {errno}";

    public static string Describe(Errno errno) => Describe((int)errno);
}
