namespace TinyInit.Interop;

/// <summary>
/// Names of the native libraries of tinyinit's own declarations (Tmds.LibC's name libc.so.6). All
/// are bound at link time (DirectPInvoke in TinyInit.csproj), so no dlopen happens, ever
/// (docs/design.md, Interop: Tmds.LibC and our own declarations).
/// </summary>
internal static class Libraries
{
    /// <summary>The C library.</summary>
    public const string Libc = "libc";

    /// <summary>Native/startup.c, linked into the binary.</summary>
    public const string Startup = "libtinyinit_startup";
}
