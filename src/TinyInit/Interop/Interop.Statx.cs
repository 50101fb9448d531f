namespace TinyInit.Interop;

/// <summary>Constants for statx(2), which comes from Tmds.LibC with its struct statx.</summary>
internal static partial class Sys
{
    public const int AT_FDCWD = -100, AT_EMPTY_PATH = 0x1000;
    public const uint STATX_TYPE = 0x1, STATX_SIZE = 0x200;

    /// <summary>File types in <c>stx_mode</c> (inode(7)).</summary>
    public const int S_IFMT = 0xF000, S_IFIFO = 0x1000, S_IFCHR = 0x2000, S_IFDIR = 0x4000, S_IFBLK = 0x6000,
        S_IFREG = 0x8000, S_IFLNK = 0xA000, S_IFSOCK = 0xC000;
}
