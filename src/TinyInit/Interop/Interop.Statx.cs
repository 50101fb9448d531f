using System.Runtime.InteropServices;

namespace TinyInit.Interop;

internal static unsafe partial class Libc
{
    public const int AT_FDCWD = -100, AT_EMPTY_PATH = 0x1000;
    public const uint STATX_TYPE = 0x1, STATX_SIZE = 0x200;

    /// <summary>File types in <c>stx_mode</c> (inode(7)).</summary>
    public const int S_IFMT = 0xF000, S_IFIFO = 0x1000, S_IFCHR = 0x2000, S_IFDIR = 0x4000, S_IFBLK = 0x6000,
        S_IFREG = 0x8000, S_IFLNK = 0xA000, S_IFSOCK = 0xC000;

    /// <summary><c>struct statx</c> (statx(2)): 256 bytes on every architecture; only the fields tinyinit reads.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    internal struct statx_buffer
    {
        [FieldOffset(0)] public uint stx_mask;
        [FieldOffset(28)] public ushort stx_mode;
        [FieldOffset(40)] public ulong stx_size;
    }

    /// <summary>statx(2), glibc 2.28+: the same layout everywhere, unlike stat(2).</summary>
    /// <param name="pathname">NUL-terminated; with AT_EMPTY_PATH and "" it describes <paramref name="dirfd"/> itself.</param>
    /// <returns>0, or -1 and errno.</returns>
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int statx(int dirfd, byte* pathname, int flags, uint mask, statx_buffer* statxbuf);
}
