namespace TinyInit.Interop;

/// <summary>
/// Names of the native libraries tinyinit calls. Both are bound at link time
/// (DirectPInvoke in TinyInit.csproj), so no dlopen happens at start-up.
/// </summary>
internal static class Libraries
{
    /// <summary>The C library.</summary>
    public const string Libc = "libc";

    /// <summary>Native/startup.c, linked into the binary.</summary>
    public const string Startup = "libtinyinit_startup";
}
